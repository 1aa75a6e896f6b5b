import { readdirSync, readFileSync } from 'node:fs';
import type { StoredEvent } from '@agentry/event-store';
import { liveContainerSubject, type ContainerQueuedData, type ContainerStartedData, type LiveMessage } from '@agentry/contracts';
import { waitUntil } from '@agentry/testing';
import { messagesOf, startExecutorTestbed, type ExecutorTestbed } from './testing/executor-harness.js';

/** Two executor replicas of one slot each, sharing the queue. */
let bed: ExecutorTestbed;

beforeAll(async () => {
  bed = await startExecutorTestbed({ config: { slots: 1 } });
  await bed.addExecutor();
});

afterAll(async () => {
  await bed?.close();
});

/** Every event of the whole log about these containers, in log order. */
async function logOf(containerIds: number[]): Promise<StoredEvent[]> {
  const ids = new Set(containerIds);
  const events: StoredEvent[] = [];
  for (let page = await bed.store.readAll(); page.length > 0; page = await bed.store.readAll({ after: page.at(-1)! })) {
    events.push(...page.filter((e) => ids.has((e.data as { containerId?: number }).containerId ?? -1)));
  }
  return events;
}

/** Live host processes whose command line contains `marker`. */
function processesWith(marker: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((pid) => {
      try {
        const status = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return !/\) Z /.test(status) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

test('maxParallelism 2 holds across both replicas (one run slot each): 10 launches, never more than 2 running, all complete', async () => {
  const agentId = await bed.agentWithScript('setTimeout(() => console.log("done"), 300)', { maxParallelism: 2 });
  const launches = await Promise.all(Array.from({ length: 10 }, () => bed.launch({ agentId })));
  const ids = launches.map((l) => l.containerId);
  for (const id of ids) expect((await bed.waitEnded(id, 60_000)).ended?.status).toBe('complete');

  let running = 0;
  let most = 0;
  // EXECUTOR_SLOTS = 1: each replica runs one at a time, so both took part.
  const runningOn = new Map<string, number>();
  const executorOf = new Map<number, string>();
  for (const event of await logOf(ids)) {
    const { containerId } = event.data as { containerId: number };
    if (event.type === 'ContainerStarted') {
      most = Math.max(most, ++running);
      const executor = (event.data as ContainerStartedData).executorId!;
      executorOf.set(containerId, executor);
      runningOn.set(executor, (runningOn.get(executor) ?? 0) + 1);
      expect(runningOn.get(executor)).toBe(1);
    }
    if (event.type === 'ContainerEnded') {
      running -= 1;
      runningOn.set(executorOf.get(containerId)!, runningOn.get(executorOf.get(containerId)!)! - 1);
    }
  }
  expect(most).toBe(2);
  expect(new Set(executorOf.values()).size).toBe(2);
});

test('the time limit stops the run: "Execution time limit reached" (also when the script moves it)', async () => {
  const limited = await bed.agentWithScript('setInterval(() => console.log("tick"), 100)', { executionTimeLimit: 1 });
  const overridden = await bed.agentWithScript('require("agentry").create().overrideTimeLimit(1); setInterval(() => {}, 100)', { executionTimeLimit: 600 });
  for (const agentId of [limited, overridden]) {
    const { containerId } = await bed.launch({ agentId });
    const state = await bed.waitEnded(containerId);
    expect(state.ended).toMatchObject({ status: 'failed', endType: 'agent timeout', endMessage: 'Execution time limit reached' });
    expect(messagesOf(await bed.containerEvents(containerId)).at(-1)).toMatchObject({ text: 'Execution time limit reached', type: 'error' });
  }
});

test('a run over its memory (all its processes together) ends "Memory limit reached"; one over its disk cap "Disk limit reached"', async () => {
  // The testbed's runs get 256 MiB and 256 MiB of disk: four children of 100 MiB each, or 300 files of 1 MiB.
  const memoryBomb = await bed.agentWithScript(`const { fork } = require('child_process');
    if (process.argv[2] === 'child') { globalThis.keep = Buffer.alloc(100 << 20, 1); setInterval(() => {}, 1000); }
    else { for (let i = 0; i < 4; i++) fork(__filename, ['child']); setInterval(() => {}, 1000); }`);
  const diskFill = await bed.agentWithScript(`const fs = require('fs'); let i = 0;
    const write = () => { fs.writeFileSync(process.env.TMPDIR + '/f' + (i++), Buffer.alloc(1 << 20, 7)); setTimeout(write, 5); }; write();`);
  for (const [agentId, endMessage] of [
    [memoryBomb, 'Memory limit reached'],
    [diskFill, 'Disk limit reached'],
  ] as const) {
    const { containerId } = await bed.launch({ agentId });
    const state = await bed.waitEnded(containerId);
    expect(state.ended).toMatchObject({ status: 'failed', endType: 'killed', endMessage });
    expect(messagesOf(await bed.containerEvents(containerId)).at(-1)).toMatchObject({ text: endMessage, type: 'error' });
  }
});

// Isolation 'none' here: a child that leaves the process group (setsid) escapes only there (see process/README.md).
test('abort: a script that forked is gone with its children within 2 s; the queued launch ends cancelled too', async () => {
  const marker = `abort-marker-${Date.now()}`;
  const script = `
    const { spawn } = require('child_process');
    for (let i = 0; i < 3; i++) spawn('sh', ['-c', 'sleep 300 # ${marker}'], { stdio: 'ignore' });
    spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000) // ${marker}'], { stdio: 'ignore' });
    console.log('forked');
    setInterval(() => {}, 1000);`;
  const agentId = await bed.agentWithScript(script, { maxParallelism: 1 });
  const running = await bed.launch({ agentId });
  const queued = await bed.launch({ agentId });
  await waitUntil(() => processesWith(marker).length === 4, { message: 'the script and its 4 children running' });

  const { containerIds } = await bed.abort({ agentId });
  expect(containerIds.sort()).toEqual([running.containerId, queued.containerId].sort());
  await waitUntil(() => processesWith(marker).length === 0, { timeoutMs: 2000, intervalMs: 20, message: 'every process of the run gone' });

  const ran = await bed.waitEnded(running.containerId);
  expect(ran.ended).toMatchObject({ status: 'cancelled', endType: 'killed', endMessage: 'Agent aborted' });
  const never = await bed.waitEnded(queued.containerId);
  expect(never).toMatchObject({ started: null, ended: { status: 'cancelled', endMessage: 'Agent aborted' } });
  expect((await bed.containerEvents(running.containerId)).some((e) => e.type === 'ContainerAbortRequested')).toBe(true);
});

test('a soft abort lets the script notice and save its work before it stops', async () => {
  const agentId = await bed.agentWithScript(`
    const buster = require('agentry').create();
    process.on('SIGTERM', async () => { console.log('time left ' + (await buster.getTimeLeft())); await buster.setResultObject({ saved: true }); process.exit(0); });
    console.log('ready');
    setInterval(() => {}, 1000);`);
  const live = watchLiveOutput();
  const { containerId } = await bed.launch({ agentId });
  // The script says "ready" once its handler is in place.
  await live.until(containerId, 'ready');
  live.stop();
  await bed.abort({ agentId, containerId, soft: true });
  const state = await bed.waitEnded(containerId);
  expect(state.ended).toMatchObject({ status: 'cancelled', endMessage: 'Agent aborted' });
  const events = await bed.containerEvents(containerId);
  expect(events.find((e) => e.type === 'ContainerResultObjectSet')?.data).toMatchObject({ resultObject: '{"saved":true}' });
  expect((await bed.durableOutput(containerId)).toString()).toContain('time left -1');
});

test('retries: a failing run is relaunched up to maxRetryNumber, each attempt its own container linked to the first', async () => {
  const agentId = await bed.agentWithScript('console.log("attempt " + require("agentry").create().retryCount); process.exit(2)', { maxRetryNumber: 2 });
  const { containerId: first } = await bed.launch({ agentId, argument: { n: 1 } });
  let attempts: ContainerQueuedData[] = [];
  await waitUntil(
    async () => {
      attempts = await retriesOf(first);
      return attempts.length === 2;
    },
    { timeoutMs: 30_000, message: 'two retries queued' },
  );
  for (const attempt of [first, ...attempts.map((a) => a.containerId)]) expect((await bed.waitEnded(attempt)).ended?.status).toBe('failed');
  expect(attempts).toEqual([
    expect.objectContaining({ launchType: 'retry', retryNumber: 1, retryOfContainerId: first, argument: '{"n":1}' }),
    expect.objectContaining({ launchType: 'retry', retryNumber: 2, retryOfContainerId: first, argument: '{"n":1}' }),
  ]);
  expect((await bed.durableOutput(attempts[1]!.containerId)).toString()).toBe('attempt 2\n');
  // No third retry.
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(await retriesOf(first)).toHaveLength(2);
});

test('a retry that succeeds ends the chain; an aborted run is not retried', async () => {
  const agentId = await bed.agentWithScript('process.exit(require("agentry").create().retryCount === 0 ? 1 : 0)', { maxRetryNumber: 3 });
  const { containerId: first } = await bed.launch({ agentId });
  await waitUntil(async () => (await retriesOf(first)).length === 1, { timeoutMs: 30_000 });
  const [retry] = await retriesOf(first);
  expect((await bed.waitEnded(retry!.containerId)).ended?.status).toBe('complete');

  const sleeper = await bed.agentWithScript('setInterval(() => {}, 1000)', { maxRetryNumber: 3 });
  const { containerId } = await bed.launch({ agentId: sleeper });
  await waitUntil(async () => (await bed.container(containerId))?.phase === 'running');
  await bed.abort({ agentId: sleeper });
  expect((await bed.waitEnded(containerId)).ended?.status).toBe('cancelled');
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(await retriesOf(containerId)).toEqual([]);
});

/** Console output as it goes live, for every container (subscribed before a launch, so nothing is missed). */
function watchLiveOutput() {
  const seen = new Map<number, string>();
  const sub = bed.nc.subscribe(liveContainerSubject('*'), {
    callback: (_err, msg) => {
      const live = msg.json<LiveMessage>();
      if (live.type === 'output') seen.set(live.containerId, (seen.get(live.containerId) ?? '') + Buffer.from(live.data, 'base64').toString());
    },
  });
  return {
    until: (containerId: number, text: string) => waitUntil(() => (seen.get(containerId) ?? '').includes(text), { message: `"${text}" printed` }),
    stop: () => sub.unsubscribe(),
  };
}

async function retriesOf(first: number): Promise<ContainerQueuedData[]> {
  const queued: ContainerQueuedData[] = [];
  for (let page = await bed.store.readAll(); page.length > 0; page = await bed.store.readAll({ after: page.at(-1)! })) {
    for (const e of page)
      if (e.type === 'ContainerQueued' && (e.data as ContainerQueuedData).retryOfContainerId === first) queued.push(e.data as ContainerQueuedData);
  }
  return queued.sort((a, b) => (a.retryNumber ?? 0) - (b.retryNumber ?? 0));
}
