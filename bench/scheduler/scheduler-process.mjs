// Runs the built scheduler service (apps/scheduler/dist/main.js) as a child process, as `npm start` would,
// with probe.mjs loaded so the benchmark can read its memory and CPU.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../apps/scheduler/dist/main.js', import.meta.url));
const PROBE = new URL('./probe.mjs', import.meta.url).href;

export function startSchedulerProcess(env, { verbose }) {
  const child = spawn(process.execPath, ['--expose-gc', '--import', PROBE, MAIN], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (text) => {
      if (verbose || /error|fail/i.test(text)) process.stdout.write(`[scheduler] ${text}`);
    });
  }
  const exited = once(child, 'exit');
  return {
    pid: child.pid,
    /** { memory: process.memoryUsage() after a full GC, cpu: process.cpuUsage() } of the scheduler. */
    async probe() {
      const answer = once(child, 'message');
      child.send('probe');
      const [figures] = await answer;
      return figures;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
