import { readdirSync, readFileSync } from 'node:fs';
import { Subjects } from '@agentry/contracts';
import { isolationAvailable } from '../process/index.js';
import { waitUntil } from '@agentry/testing';
import { startExecutorTestbed, type ExecutorTestbed } from '../testing/executor-harness.js';
import { ContainerRunner } from './container-runner.js';

/**
 * An executor with EXECUTOR_WARM_RUNNERS: launches run on warm runners (process/warm-pool.ts) end to
 * end — output, saved files in the agent's storage, completion — and closing the executor leaves no
 * warm runner, folder or storage mount behind. Sandboxed where this host can (a root executor), else
 * without isolation.
 */
const sandboxed = process.getuid?.() === 0 && (await isolationAvailable({ uid: 65534, gid: 65534 })) === 'bubblewrap';

let bed: ExecutorTestbed;

beforeAll(async () => {
  bed = await startExecutorTestbed({ config: { slots: 2, warmRunners: 2, isolation: sandboxed ? 'bubblewrap' : 'none' } });
});

afterAll(async () => {
  await bed?.close();
});

/** Prints the host folder the run works in (the sandbox's /work mount source, or its cwd) and saves a file. */
const SCRIPT = `const fs = require('fs');
const mount = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\\n').find((line) => line.split(' ')[4] === '/work');
console.log(require('path').basename(mount ? mount.split(' ')[3] : process.cwd()));
require('agentry').create().saveText('saved by ' + process.env.HOME, 'note.txt').then(() => console.log('saved'));`;

test('launches run on warm runners: output, a file saved to the agent storage, complete; closing leaves no runner, folder or mount', async () => {
  const agentId = await bed.agentWithScript(SCRIPT);
  const runner = bed.executors[0]!.app.get(ContainerRunner);
  for (let i = 0; i < 3; i++) {
    // Launches a while apart: the pool is full again (with launches back to back, some start cold).
    await waitUntil(() => runner.idleWarmRunners === 2, { timeoutMs: 30_000 });
    const { containerId } = await bed.launch({ agentId });
    const state = await bed.waitEnded(containerId);
    expect(state.ended).toMatchObject({ status: 'complete', exitCode: 0 });
    const [folder, saved] = (await bed.durableOutput(containerId)).toString().split('\n');
    // A warm runner's folder (created before the launch), never the container's own.
    expect(folder).toMatch(/^warm-\d+-[0-9a-f]+$/);
    expect(saved).toBe('saved');
    const file = await bed.rpc.request(Subjects.executor.readStoredFile, { actor: bed.actor, params: { agentId, path: 'note.txt' } });
    expect(Buffer.from((file as { data: string }).data, 'base64').toString()).toMatch(/^saved by /);
  }
  const workDir = bed.config.workDir;
  // The replica closes (drain, then its warm runners and storage stages); the testbed's folders are still there.
  await bed.executors[0]!.close({ graceMs: 0 });
  expect(readdirSync(workDir).filter((name) => name.startsWith('warm-'))).toEqual([]);
  expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(workDir);
});
