// Loaded with `node --import` (through NODE_OPTIONS, where --cpu-prof is not allowed) by cpu-budget.mjs:
// the first SIGWINCH (a signal Nest's shutdown hooks leave alone) starts sampling this process's CPU with the inspector, the second writes a
// .cpuprofile into CPU_PROFILE_DIR — so the profile covers the measured launches, not the start-up.
import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  let running = false;
  process.on('SIGWINCH', () => {
    if (!running) {
      running = true;
      session.post('Profiler.start');
      return;
    }
    running = false;
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
