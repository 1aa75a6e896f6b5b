import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { detectCgroups } from './cgroups.js';
import { processTree } from './process-group.js';

const cgroups = await detectCgroups();
const maybe = cgroups ? test : test.skip;

/** Running (not gone, not a zombie waiting for its parent). */
function running(pid: number): boolean {
  try {
    return !/^[ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!);
  } catch {
    return false;
  }
}

// The runs' own use of this module is proven by hostile.test.ts (fork and memory bombs, detached children).
maybe('a run group adopts processes, reads their memory, and destroy kills every one — a setsid one too — then is gone', async () => {
  const group = await cgroups!.create(`test-${process.pid}-${Date.now()}`, { memoryMb: 64, maxProcesses: 20, cpuPercent: 50 });
  // A shell that starts a sleeper in a session of its own, then becomes a sleeper itself.
  const shell = spawn('/bin/sh', ['-c', 'setsid sleep 300 & exec sleep 300'], { stdio: 'ignore' });
  let tree: number[] = [];
  while (tree.length < 2) {
    tree = processTree(shell.pid!);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await group.adopt(tree);
  expect((await group.pids()).sort()).toEqual([...tree].sort());
  // Pages a process had before it joined stay charged where they were: the cap counts what the run allocates once in.
  expect(await group.memoryBytes()).toBeGreaterThanOrEqual(0);
  expect(await group.oomKills()).toBe(0);
  await group.destroy();
  expect(tree.filter(running)).toEqual([]);
  await expect(group.pids()).resolves.toEqual([]);
});

maybe("the CPU quota holds the run's processes back (throttled periods); with a quota above what they use, none (control)", async () => {
  const throttled = async (cpuPercent: number) => {
    const group = await cgroups!.create(`test-cpu-${process.pid}-${Date.now()}`, { memoryMb: 256, maxProcesses: 20, cpuPercent });
    try {
      // Busy for 50 ms of CPU time (not wall time): at 10 % of a core (10 ms per 100 ms period) it is throttled.
      const busy = spawn(
        process.execPath,
        ['-e', 'process.stdin.once("data", () => { const end = process.cpuUsage().user + 50e3; while (process.cpuUsage().user < end); process.exit(0); })'],
        { stdio: ['pipe', 'ignore', 'ignore'] },
      );
      await new Promise((resolve) => busy.once('spawn', resolve));
      await group.adopt([busy.pid!]);
      busy.stdin!.write('go');
      await new Promise((resolve) => busy.once('exit', resolve));
      return await group.throttledPeriods();
    } finally {
      await group.destroy();
    }
  };
  expect(await throttled(10)).toBeGreaterThan(0);
  expect(await throttled(100_000)).toBe(0);
});

maybe("groups left by an executor that died are swept, their processes killed; a live executor's groups stay", async () => {
  // pid_max is at most 2^22: no live process has this pid.
  const dead = `${4_194_304 + 12345}-run-1-orphan`;
  const orphanDirs = [cgroups!.root, ...otherV1Parents()].map((parent) => `${parent}/${dead}`);
  const { mkdirSync, existsSync, writeFileSync } = await import('node:fs');
  for (const dir of orphanDirs) mkdirSync(dir);
  const leftover = spawn('sleep', ['300'], { stdio: 'ignore' });
  await new Promise((resolve) => leftover.once('spawn', resolve));
  for (const dir of orphanDirs) writeFileSync(`${dir}/cgroup.procs`, String(leftover.pid));
  const label = `run-2-live-${Date.now()}`;
  const mine = await cgroups!.create(label, { memoryMb: 64, maxProcesses: 20, cpuPercent: 50 });
  try {
    // At least ours: other dead executors' groups on this host (crashed test workers) go too.
    expect(await cgroups!.sweepOrphans()).toBeGreaterThanOrEqual(1);
    expect(orphanDirs.filter((dir) => existsSync(dir))).toEqual([]);
    expect(running(leftover.pid!)).toBe(false);
    // Control: this (live) process's group is still there.
    expect(existsSync(`${cgroups!.root}/${process.pid}-${label}`)).toBe(true);
  } finally {
    await mine.destroy();
  }
});

/** v1: the run parents of the other controllers (same layout as memory's). */
function otherV1Parents(): string[] {
  if (cgroups!.version !== 'v1') return [];
  const own = new Map(
    readFileSync('/proc/self/cgroup', 'utf8')
      .split('\n')
      .map((line) => line.split(':'))
      .filter((parts) => parts.length === 3)
      .flatMap(([, controllers, path]) => controllers!.split(',').map((c) => [c, path!] as const)),
  );
  return ['pids', 'cpu', 'freezer'].filter((c) => own.has(c)).map((c) => `/sys/fs/cgroup/${c}${own.get(c) === '/' ? '' : own.get(c)}/agentry`);
}
