// Preloaded into the cached gateway by `BENCH_CPU_PROF=<dir>` (NODE_OPTIONS=--import=…, since --cpu-prof is not
// allowed in NODE_OPTIONS): samples the process's CPU every 200 µs from start to exit and writes a
// `.cpuprofile` (Chrome DevTools / speedscope format) into the folder. The inspector session answers
// synchronously, so the profile can be written in a signal or 'exit' handler.
import inspector from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.BENCH_CPU_PROF_DIR;
const session = new inspector.Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 200 });
session.post('Profiler.start');
let written = false;
function writeProfile() {
  if (written) return;
  written = true;
  session.post('Profiler.stop', (error, result) => {
    if (!error && dir) writeFileSync(join(dir, `gateway-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
}
// At SIGTERM (the bench stopping it), before the service's own close, which a loaded machine may not let
// finish within the launcher's grace period; and at exit otherwise.
process.prependListener('SIGTERM', writeProfile);
process.on('exit', writeProfile);
