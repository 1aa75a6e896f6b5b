import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bubblewrapUsable, outputContains, processesWith, runScript, scratch, startScript, type TestIsolation } from './run-script.test-kit.js';

const FOREVER = 'setInterval(() => {}, 1000);';
/** Prints as fast as the pipe takes it (honouring backpressure, so node's own write queue stays small). */
const WRITE_FOREVER = `const line = Buffer.alloc(65536, 120);
  (function write() { while (process.stdout.write(line)); process.stdout.once('drain', write); })();`;

/** Polls until `check` holds; the test's own timeout bounds it. */
async function eventually(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe.each(['none', 'bubblewrap'] as TestIsolation[])('limits and stops (%s)', (isolation) => {
  const maybe = isolation === 'bubblewrap' && !bubblewrapUsable ? test.skip : test;

  maybe('the time limit kills the run', async () => {
    const result = await runScript(isolation, `console.log('started'); ${FOREVER}`, { limits: { timeLimitSeconds: 1 } });
    expect(result.outcome).toMatchObject({ reason: 'time-limit', signal: 'SIGKILL' });
    expect(result.output.toString()).toBe('started\n');
  });

  maybe('a script that writes forever is stopped by the time limit', async () => {
    const result = await runScript(isolation, WRITE_FOREVER, { limits: { timeLimitSeconds: 1 }, keepOutput: false });
    expect(result.outcome.reason).toBe('time-limit');
    expect(result.outcome.outputLength).toBeGreaterThan(0);
    expect(result.contiguous).toBe(true);
  });

  maybe('a script that writes forever is stopped by the output limit, after exactly the limit', async () => {
    const result = await runScript(isolation, WRITE_FOREVER, { limits: { maxOutputBytes: 1_000_000 } });
    expect(result.outcome).toMatchObject({ reason: 'output-limit', outputLength: 1_000_000 });
    expect(result.rawOutput.length).toBe(1_000_000);
  });

  maybe.each([
    [
      'JavaScript objects',
      'const keep = []; for (let mb = 1; ; mb++) { keep.push(Array.from({ length: 32768 }, (_, i) => ({ i }))); if (mb % 8 === 0) console.log("allocated", mb); }',
    ],
    ['Buffers', 'const keep = []; for (let mb = 1; ; mb++) { keep.push(Buffer.alloc(1 << 20, 1)); if (mb % 8 === 0) console.log("allocated", mb); }'],
  ])('a script that fills memory with %s dies on the memory limit', async (_kind, script) => {
    const result = await runScript(isolation, script, { limits: { memoryMb: 128 } });
    // V8's own heap limit (an abnormal exit), or the run's cgroup (the kernel's OOM kill).
    expect(['exited', 'memory-limit']).toContain(result.outcome.reason);
    expect(result.outcome.exitCode === 0 && result.outcome.signal === null).toBe(false);
    const allocated = [...result.output.toString().matchAll(/allocated (\d+)/g)].map((match) => Number(match[1]));
    // It died near its own limit, far below what the host would allow.
    expect(allocated.length).toBeGreaterThan(0);
    expect(Math.max(...allocated)).toBeLessThan(256);
  });

  maybe('the file descriptor limit holds', async () => {
    const script = `const fs = require('fs'); let opened = 0;
      try { for (;;) { fs.openSync('/dev/null', 'r'); opened++; } } catch (error) { console.log(error.code, opened); }`;
    const result = await runScript(isolation, script, { limits: { maxFileDescriptors: 64 } });
    const [code, opened] = result.output.toString().trim().split(' ');
    expect(code).toBe('EMFILE');
    expect(Number(opened)).toBeLessThan(64);
  });

  maybe('abort kills the whole process group: children and grandchildren included', async () => {
    const marker = `agentry-test-${randomUUID()}`;
    const spawnSleeper = (detached: boolean) =>
      `spawn(process.execPath, ['-e', ${JSON.stringify(`require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '${marker}'], { stdio: 'ignore' }); setInterval(() => {}, 1000)`)}, '${marker}'], { stdio: 'ignore', detached: ${detached} });`;
    // Inside the sandbox even a child that left the group (setsid) dies with the pid namespace.
    const escapee = isolation === 'bubblewrap' ? spawnSleeper(true) : '';
    const script = `const { spawn } = require('child_process'); ${spawnSleeper(false)} ${spawnSleeper(false)} ${escapee} console.log('forked'); ${FOREVER}`;
    const expected = isolation === 'bubblewrap' ? 6 : 4;
    const run = await startScript(isolation, script);
    await outputContains(run, 'forked');
    await eventually(() => processesWith(marker).length === expected);
    run.running.abort();
    const result = await run.result;
    expect(result.outcome).toMatchObject({ reason: 'aborted', signal: 'SIGKILL' });
    expect(processesWith(marker)).toEqual([]);
  });

  maybe('a soft abort lets the script see getTimeLeft() = -1 and finish on SIGTERM before the kill', async () => {
    const script = `
      const buster = require('phantombuster').create();
      process.on('SIGTERM', async () => {
        console.log('time left', await buster.getTimeLeft());
        await buster.setResultObject({ savedOnStop: true });
        process.exit(3);
      });
      console.log('ready'); ${FOREVER}`;
    const run = await startScript(isolation, script);
    await outputContains(run, 'ready');
    run.running.abort({ soft: true, graceMs: 10_000 });
    const result = await run.result;
    expect(result.outcome).toMatchObject({ reason: 'aborted', exitCode: 3 });
    expect(result.output.toString()).toBe('ready\ntime left -1\n');
    expect(result.requests).toEqual([{ kind: 'setResultObject', resultObject: '{"savedOnStop":true}' }]);
  });

  maybe('overrideTimeLimit() moves the limit: a shorter one stops the run', async () => {
    const script = `require('agentry').create().overrideTimeLimit(1).then(() => console.log('overridden')); ${FOREVER}`;
    const run = await startScript(isolation, script, { limits: { timeLimitSeconds: 600 } });
    expect(run.running.timeLeftSeconds()).toBeGreaterThan(590);
    await outputContains(run, 'overridden');
    expect(run.running.timeLeftSeconds()).toBeLessThanOrEqual(1);
    const result = await run.result;
    expect(result.outcome.reason).toBe('time-limit');
    expect(result.requests).toEqual([{ kind: 'overrideTimeLimit', seconds: 1 }]);
  });

  maybe('overrideTimeLimit() beyond the ceiling is clamped to it', async () => {
    const script = `
      const buster = require('agentry').create();
      buster.overrideTimeLimit(1e9).then(async () => console.log('left', await buster.getTimeLeft()));
      ${FOREVER}`;
    const run = await startScript(isolation, script, { limits: { timeLimitSeconds: 1, maxTimeLimitSeconds: 2 } });
    await outputContains(run, 'left');
    const result = await run.result;
    expect(result.outcome.reason).toBe('time-limit');
    expect(Number(/left (\S+)/.exec(result.output.toString())![1])).toBeLessThanOrEqual(2);
    expect(result.requests).toEqual([{ kind: 'overrideTimeLimit', seconds: 2 }]);
  });

  maybe('the run folder is created for the run and removed after it', async () => {
    const folders = scratch();
    try {
      const run = await startScript(isolation, `console.log(require('fs').readdirSync('.').sort().join(','))`, { ...folders, scriptName: 'My Script' });
      const result = await run.result;
      expect(result.output.toString()).toBe('.tmp,My_Script.js\n');
      expect(existsSync(join(folders.workRoot, String(run.containerId)))).toBe(false);
    } finally {
      folders.cleanup();
    }
  });
});
