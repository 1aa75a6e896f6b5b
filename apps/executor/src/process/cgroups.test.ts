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
    tree = await processTree(shell.pid!);
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
