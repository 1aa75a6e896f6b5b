/**
 * Executor drain (runs/drain.ts): an executor told to go stops taking runs, lets the ones in progress
 * finish within EXECUTOR_DRAIN_GRACE_MS, and hands back the rest so they run on another replica —
 * even for an agent that allows no retry — so a rolling update loses no run. The SIGTERM path of the
 * built service (two executors rolled one after the other under traffic) is in the platform fault
 * drill (tests/platform/src/fault-drill.int.test.ts).
 */
import { waitUntil } from '@agentry/testing';
import type { ContainerQueuedData } from '@agentry/contracts';
import { startExecutorTestbed, type ExecutorTestbed } from './testing/executor-harness.js';

let bed: ExecutorTestbed;

beforeAll(async () => {
  bed = await startExecutorTestbed({ executors: 0 });
});

afterAll(async () => {
  await bed?.close();
});

async function handedBack(first: number): Promise<ContainerQueuedData[]> {
  const found: ContainerQueuedData[] = [];
  for (let page = await bed.store.readAll(); page.length > 0; page = await bed.store.readAll({ after: page.at(-1)! })) {
    for (const e of page)
      if (e.type === 'ContainerQueued' && (e.data as ContainerQueuedData).retryOfContainerId === first) found.push(e.data as ContainerQueuedData);
  }
  return found;
}

test('a draining executor lets its run finish within the grace (longer than the old fixed 5 s) and starts no new run', async () => {
  const draining = await bed.addExecutor({ drainGraceMs: 20_000 });
  const agentId = await bed.agentWithScript(`setTimeout(() => console.log('finished'), 6000)`, { maxParallelism: 5 });
  const { containerId: running } = await bed.launch({ agentId });
  await waitUntil(async () => (await bed.container(running))?.phase === 'running', { timeoutMs: 20_000, message: 'run started' });

  const closed = draining.close();
  // Launched while it drains: it must not start here.
  const { containerId: later } = await bed.launch({ agentId });
  await closed;
  expect((await bed.container(running))?.ended).toMatchObject({ status: 'complete' });
  expect((await bed.durableOutput(running)).toString()).toBe('finished\n');
  expect((await bed.container(later))?.phase).toBe('queued');

  await bed.addExecutor();
  expect((await bed.waitEnded(later, 30_000)).ended?.status).toBe('complete');
});

test('a run longer than the grace is stopped and handed back: it runs again on another replica, although the agent allows no retry', async () => {
  for (const executor of bed.executors.splice(0)) await executor.close({ graceMs: 0 });
  const draining = await bed.addExecutor({ drainGraceMs: 500 });
  const agentId = await bed.agentWithScript(
    `const b = require('agentry').create(); if (b.retryCount > 0) console.log('handed back'); else setInterval(() => {}, 1000);`,
    { maxRetryNumber: 0 },
  );
  const { containerId } = await bed.launch({ agentId });
  await waitUntil(async () => (await bed.container(containerId))?.started?.executorId === draining.executorId, {
    timeoutMs: 20_000,
    message: 'run started on the draining replica',
  });

  await draining.close();
  expect((await bed.container(containerId))?.ended).toMatchObject({ status: 'failed', endMessage: 'Executor stopped' });
  // Another replica (the durable retry consumer survives the drained one) relaunches it.
  await bed.addExecutor();
  await waitUntil(async () => (await handedBack(containerId)).length === 1, { timeoutMs: 20_000, message: 'handed back' });
  const [again] = await handedBack(containerId);
  expect(again).toMatchObject({ launchType: 'retry', retryNumber: 1, agentId });
  expect((await bed.waitEnded(again!.containerId, 30_000)).ended?.status).toBe('complete');
  expect((await bed.durableOutput(again!.containerId)).toString()).toBe('handed back\n');
  // Exactly one hand-back: the relaunched run completed, nothing else was queued for the chain.
  expect(await handedBack(containerId)).toHaveLength(1);
});
