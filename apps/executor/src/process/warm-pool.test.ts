import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processExited, processTree } from './process-group.js';
import { prepareRun } from './run.js';
import { bubblewrapUsable, DEFAULT_LIMITS, outputContains, processesWith, runScript, scratch, startScript, type TestIsolation } from './run-script.test-kit.js';
import { DEFAULT_RUN_USER } from './run-user.js';
import type { RunRequest } from './types.js';
import { WarmPool, type WarmShape } from './warm-pool.js';

/**
 * Warm runners (warm-pool.ts): each is handed to exactly one run and nothing of a run reaches
 * another; a runner that died while idle is never handed out; a run whose spawn-time shape differs
 * from the pool's in anything is spawned cold. The hostile suite and sandbox.test.ts run every
 * attack on warm runners too (`useRunner`). Sandboxed pools need a root executor (storage-stage.ts).
 */

const asRoot = process.getuid?.() === 0;
const isolations = ((bubblewrapUsable && asRoot ? ['bubblewrap', 'none'] : ['none']) as TestIsolation[]).filter((isolation) => asRoot || isolation === 'none');

const { memoryMb, maxFileDescriptors, maxProcesses, cpuPercent, diskMb } = DEFAULT_LIMITS;

function shapeFor(isolation: TestIsolation, workRoot: string): WarmShape {
  return { workRoot, isolation, network: 'none', limits: { memoryMb, maxFileDescriptors, maxProcesses, cpuPercent, diskMb } };
}

/** A pool over its own scratch folders; `stop()` closes it (its runners and stages) before removing them. */
async function openPool(isolation: TestIsolation, size = 1, maxRuns = 8) {
  const folders = scratch();
  const problems: string[] = [];
  const pool = new WarmPool({ size, maxRuns, shape: shapeFor(isolation, folders.workRoot), onProblem: (problem) => problems.push(problem) });
  await pool.start();
  const idle = async (count: number) => {
    while (pool.idleCount < count) {
      if (problems.length) throw new Error(problems.join('\n'));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const storage = (name: string) => join(folders.storageDir, name);
  return {
    pool,
    folders,
    idle,
    /** Options for startScript / runScript: through this pool, in its work root, with a storage folder of its own. */
    run: (name: string, extra: Parameters<typeof startScript>[2] = {}) => ({
      pool,
      workRoot: folders.workRoot,
      storageDir: storage(name),
      network: 'none' as const,
      ...extra,
    }),
    async stop() {
      await pool.close();
      folders.cleanup();
    },
  };
}

/** What a script finds of an earlier run: files in its folders, variables, processes (their command lines and environments). */
const PROBE = (secret: string, marker: string) => `
  const fs = require('fs');
  const list = (dir) => { try { return fs.readdirSync(dir); } catch (error) { return [error.code]; } };
  const seen = [];
  for (const pid of fs.readdirSync('/proc').filter((entry) => /^\\d+$/.test(entry))) {
    for (const file of ['cmdline', 'environ']) { try { seen.push(fs.readFileSync('/proc/' + pid + '/' + file, 'utf8')); } catch {} }
  }
  const everything = JSON.stringify({ work: list(process.cwd()), tmp: list(process.env.TMPDIR), env: process.env, seen });
  return { files: list(process.cwd()).concat(list(process.env.TMPDIR)).filter((name) => name.startsWith('left-by-')),
    secret: everything.includes(${JSON.stringify(secret)}), marker: everything.includes(${JSON.stringify(marker)}) };`;

describe.each(isolations)('warm runners (%s)', (isolation) => {
  test('a run on a warm runner finds nothing of the run before it on the same pool: no file, no variable, no process', async () => {
    const { run, idle, stop } = await openPool(isolation);
    const secret = `credential-${randomUUID()}`;
    const marker = `left-by-first-${randomUUID()}`;
    try {
      await idle(1);
      // The first run leaves everything it can: files in its folder and /tmp, a detached child that
      // ignores SIGTERM (its command line holds the marker, its environment the run's credential).
      const first = await runScript(
        isolation,
        `const fs = require('fs');
        fs.writeFileSync('left-by-first.txt', 'x'); fs.writeFileSync(process.env.TMPDIR + '/left-by-first.tmp', 'x');
        require('child_process').spawn(process.execPath, ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)', ${JSON.stringify(marker)}], { detached: true, stdio: 'ignore' }).unref();
        const wait = () => (fs.readdirSync('/proc').some((p) => { try { return fs.readFileSync('/proc/' + p + '/cmdline', 'utf8').includes(${JSON.stringify(marker)}); } catch { return false; } }) ? console.log(JSON.stringify((() => {${PROBE(secret, marker)}})())) : setTimeout(wait, 10));
        wait();`,
        run('first', { env: { API_TOKEN: secret } }),
      );
      // Control: the probe finds all of it where it is.
      expect(JSON.parse(first.output.toString())).toEqual({ files: ['left-by-first.txt', 'left-by-first.tmp'], secret: true, marker: true });
      await idle(1);
      const second = await runScript(isolation, `console.log(JSON.stringify((() => {${PROBE(secret, marker)}})()))`, run('second'));
      expect(JSON.parse(second.output.toString())).toEqual({ files: [], secret: false, marker: false });
      expect(processesWith(marker)).toEqual([]);
    } finally {
      await stop();
    }
  });

  test("a run's credentials are in no other runner's /proc/<pid>/environ (nor its own: they come in init); its children have them (control)", async () => {
    const { pool, run, idle, stop } = await openPool(isolation, 2);
    const secret = `credential-${randomUUID()}`;
    const marker = `child-of-a-run-${randomUUID()}`;
    try {
      await idle(2);
      const holding = await startScript(
        isolation,
        `require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', ${JSON.stringify(marker)}], { stdio: 'ignore' }); console.log('ready'); setInterval(() => {}, 1000);`,
        run('holding', { env: { API_TOKEN: secret } }),
      );
      await outputContains(holding, 'ready');
      const environs = (pids: number[]) => pids.map((pid) => readFileSync(`/proc/${pid}/environ`, 'utf8')).join('\n');
      const otherRunner = pool.idlePids();
      expect(otherRunner.length).toBeGreaterThan(0);
      expect(environs(otherRunner.flatMap(processTree))).not.toContain(secret);
      // The run's own process got them after it started: not in its environ either.
      expect(environs(processTree(holding.running.pid).filter((pid) => !processesWith(marker).includes(pid)))).not.toContain(secret);
      // Control: a child the script starts inherits process.env, so its environ holds the credential.
      expect(environs(processesWith(marker))).toContain(secret);
      holding.running.abort();
      await holding.result;
    } finally {
      await stop();
    }
  });

  test('a warm runner that dies while idle is never handed out: the run gets another one or a cold spawn, and the pool is refilled', async () => {
    const { pool, run, idle, folders, stop } = await openPool(isolation);
    try {
      await idle(1);
      const [dead] = pool.idlePids();
      const request: RunRequest = {
        containerId: 1,
        agentId: 7,
        orgId: 3,
        scriptName: 'script.js',
        scriptText: '',
        argument: {},
        env: {},
        workRoot: folders.workRoot,
        storageDir: join(folders.storageDir, 'x'),
        retryNumber: 0,
        isolation,
        network: 'none',
        limits: DEFAULT_LIMITS,
      };
      const prepared = await prepareRun(request, { onOutput: () => undefined, onRequest: async () => null });
      if ('outcome' in prepared) throw new Error('the request was refused');
      // Its node process (the last of its tree) is killed; nothing here yields to the event loop
      // until the hand-out is asked, so the pool has not seen the exit yet: /proc tells.
      const node = processTree(dead!).at(-1)!;
      process.kill(node, 'SIGKILL');
      // Spin until it is a zombie or reaped (its /proc entry may vanish between two reads): SIGKILL takes
      // effect when the kernel next schedules it.
      const stillRunning = () => !/\) [ZX] /.test(readFileSync(`/proc/${node}/stat`, 'utf8'));
      while (existsSync(`/proc/${node}`) && tryRead(stillRunning)) {
        // spin
      }
      expect(pool.take(prepared)).toBeNull();
      // Replaced: a live runner (another process) comes, and is handed out (control: take does hand out live ones).
      await idle(1);
      expect(pool.idlePids()).not.toContain(dead);
      const alive = pool.take(prepared);
      expect(alive).not.toBeNull();
      await alive!.runner.release();
      await idle(1);
      const result = await runScript(isolation, 'console.log("ran")', run('after'));
      expect(result.outcome).toMatchObject({ reason: 'exited', exitCode: 0 });
      expect(result.output.toString()).toBe('ran\n');
    } finally {
      await stop();
    }
  });

  test('the time limit counts from the hand-out, not from the runner start: a runner idle longer than the limit still gives the run all of it', async () => {
    const { run, idle, stop } = await openPool(isolation);
    try {
      await idle(1);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const result = await runScript(
        isolation,
        `const buster = require('phantombuster').create(); buster.getTimeLeft().then((left) => { console.log('left', left); setTimeout(() => console.log('done'), 200); });`,
        run('limit', { limits: { timeLimitSeconds: 1 } }),
      );
      expect(result.outcome).toMatchObject({ reason: 'exited', exitCode: 0 });
      expect(result.output.toString()).toMatch(/^left [01]\ndone\n$/);
    } finally {
      await stop();
    }
  });

  test("a run whose spawn-time parameters differ in anything from the pool's is spawned cold; the same shape gets the warm runner (control)", async () => {
    const { pool, run, idle, folders, stop } = await openPool(isolation);
    const other = scratch();
    try {
      await idle(1);
      const differences: [string, Parameters<typeof startScript>[2]][] = [
        ['memory', { limits: { memoryMb: memoryMb + 64 } }],
        ['processes', { limits: { maxProcesses: maxProcesses + 1 } }],
        ['file descriptors', { limits: { maxFileDescriptors: maxFileDescriptors + 1 } }],
        ['disk', { limits: { diskMb: diskMb + 1 } }],
        ['CPU', { limits: { cpuPercent: cpuPercent + 1 } }],
        ['isolation', { isolation: isolation === 'none' ? 'bubblewrap' : 'none' }],
        ['work root', { workRoot: other.workRoot }],
        ['run user', { runUser: { uid: DEFAULT_RUN_USER.uid - 1, gid: DEFAULT_RUN_USER.gid - 1 } }],
        ['runtime image', { image: { name: 'web-node:v1', modulesDir: folders.root, modules: [] } }],
        ['NODE_OPTIONS (read at start)', { env: { NODE_OPTIONS: '--no-warnings' } }],
        ['LANG (read at start)', { env: { LANG: 'fr_FR.UTF-8' } }],
        ['LD_PRELOAD (read at exec)', { env: { LD_PRELOAD: '' } }],
        ...(isolation === 'bubblewrap'
          ? [['egress rules', { egressDenied: [{ family: 4, address: '198.51.100.0', prefix: 24 }] }] satisfies [string, Parameters<typeof startScript>[2]]]
          : []),
      ];
      for (const [what, options] of differences) {
        if (what === 'isolation' && !bubblewrapUsable) continue;
        if (what === 'run user' && !asRoot) continue;
        const result = await runScript(isolation, 'console.log("ran")', run(`cold-${what}`, options));
        expect([what, result.outcome.reason, result.outcome.exitCode]).toEqual([what, 'exited', 0]);
        expect([what, pool.handedOut]).toEqual([what, 0]);
      }
      expect(pool.idleCount).toBe(1);
      // Control: the pool's own shape, credentials that are read late (any name but those) included.
      const warm = await runScript(isolation, 'console.log(process.env.API_TOKEN)', run('warm', { env: { API_TOKEN: 't' } }));
      expect(warm.output.toString()).toBe('t\n');
      expect(pool.handedOut).toBe(1);
    } finally {
      await stop();
      other.cleanup();
    }
  });

  // Stages are unmounted in batches (storage-stage.ts): later than the run's end, never left behind.
  (isolation === 'bubblewrap' ? test : test.skip)(
    "a finished run's storage folder is unbound from its stage and the stage removed while the pool stays open (control: bound while the run lasts)",
    async () => {
      const { pool, run, idle, folders, stop } = await openPool(isolation, 1, 4);
      const stagesRoot = join(folders.workRoot, '.warm-storage');
      // Mount points below a pool's stage root: an agent's storage folder bound onto a stage.
      const boundStages = () =>
        readFileSync('/proc/self/mountinfo', 'utf8')
          .split('\n')
          .map((line) => line.split(' ')[4] ?? '')
          .filter((point) => point.startsWith(`${stagesRoot}/`) && point.slice(stagesRoot.length + 1).includes('/'));
      const stageFolders = () => readdirSync(stagesRoot).flatMap((root) => readdirSync(join(stagesRoot, root)));
      try {
        for (const name of ['first', 'second']) {
          await idle(1);
          const long = await startScript(isolation, `console.log('on'); setInterval(() => {}, 1000);`, run(name));
          await outputContains(long, 'on');
          // Control: the observation sees the run's storage bound on its stage (an earlier run's may wait for its batch).
          expect(boundStages().length).toBeGreaterThanOrEqual(1);
          long.running.abort();
          await long.result;
        }
        expect(pool.handedOut).toBe(2);
        // Both runs over, the pool open: their storage folders are unbound, their stages removed (bounded wait).
        for (let i = 0; i < 500 && boundStages().length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
        expect(boundStages()).toEqual([]);
        await idle(1);
        for (let i = 0; i < 500 && stageFolders().length > 1; i++) await new Promise((resolve) => setTimeout(resolve, 20));
        expect(stageFolders()).toHaveLength(1); // the idle runner's own
      } finally {
        await stop();
      }
    },
  );

  test('idle runners never outnumber the free slots; close() kills them and removes their folders', async () => {
    const { pool, run, idle, folders, stop } = await openPool(isolation, 3, 2);
    try {
      expect(pool.idleCount + pool.warmingCount).toBe(2);
      await idle(2);
      const long = await startScript(isolation, `console.log('on'); setInterval(() => {}, 1000);`, run('long'));
      await outputContains(long, 'on');
      // One run in progress of two slots: one runner idle, none being made.
      expect(pool.idleCount + pool.warmingCount).toBe(1);
      const pids = pool.idlePids().flatMap(processTree);
      const folderCount = () => readdirSync(folders.workRoot).filter((name) => name.startsWith('warm-')).length;
      expect(folderCount()).toBe(2);
      // close() kills the idle runners at once; it resolves once the run in progress has ended too.
      const closed = pool.close();
      for (const pid of pids) expect([pid, await processExited(pid, 10_000)]).toEqual([pid, true]);
      while (folderCount() > 1) await new Promise((resolve) => setTimeout(resolve, 10));
      // The run in progress goes on; its folder is the only one left.
      expect(long.output().toString()).toBe('on\n');
      expect(long.running.timeLeftSeconds()).toBeGreaterThan(0);
      long.running.abort();
      await long.result;
      await closed;
      expect(folderCount()).toBe(0);
    } finally {
      await stop();
    }
  });
});

test("a pool starting on a work root removes warm runners' folders left by an executor that died; a live executor's and cold runs' folders stay", async () => {
  const folders = scratch();
  // A pid that was alive a moment ago and is gone now.
  const deadPid = spawnSync('true').pid;
  const dead = join(folders.workRoot, `warm-${deadPid}-abc123`);
  const live = join(folders.workRoot, `warm-${process.pid}-def456`);
  const cold = join(folders.workRoot, '42');
  for (const dir of [dead, live, cold]) {
    mkdirSync(dir);
    writeFileSync(join(dir, 'left.txt'), 'x');
  }
  const pool = new WarmPool({ size: 1, maxRuns: 1, shape: shapeFor('none', folders.workRoot) });
  try {
    await pool.start();
    expect([existsSync(dead), existsSync(live), existsSync(cold)]).toEqual([false, true, true]);
  } finally {
    await pool.close();
    folders.cleanup();
  }
});

/** The check's answer, or false when the process's /proc entry disappeared under it (reaped). */
function tryRead(check: () => boolean): boolean {
  try {
    return check();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}
