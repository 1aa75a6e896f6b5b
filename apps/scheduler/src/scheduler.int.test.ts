import { jest } from '@jest/globals';
import { EventStore, rebuildProjections } from '@agentry/event-store';
import { createRpcClient } from '@agentry/messaging';
import { waitUntil } from '@agentry/testing';
import { Firer } from './firing/firer.js';
import { schedulerProjections } from './scheduler-app.js';
import type { FirerLock } from './firing/firer-lock.js';
import { startSchedulerTestKit, type SchedulerTestKit } from './testing/scheduler-test-kit.js';

jest.setTimeout(120_000);

const MINUTE = 60_000;
const rateAgent = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  launchType: 'repeatedly',
  schedule: { mode: 'SCHEDULED', rateMinutes: 1 },
  ...extra,
});

// A platform per test: the clock and the agents' fires of one test must not leak into the next.
let kit: SchedulerTestKit;
beforeEach(async () => {
  kit = await startSchedulerTestKit();
});
afterEach(async () => {
  await kit?.close();
});

async function plannedFire(agentId: number): Promise<number> {
  let next: number | null = null;
  await waitUntil(async () => (next = await kit.nextFireAt(agentId)) !== null, { message: `agent ${agentId} planned` });
  return next!;
}

test('a rate schedule fires at each planned time, once per planned fire', async () => {
  const replica = await kit.startReplica();
  const id = await kit.saveAgent(rateAgent('rate'));
  const first = await plannedFire(id);

  kit.clock.set(first - 1);
  await replica.nextTick();
  expect(await kit.launchKeys(id)).toEqual([]);

  for (let n = 0; n < 3; n++) {
    kit.clock.set(first + n * MINUTE);
    await replica.nextTick();
    await replica.nextTick();
    expect(await kit.launchKeys(id)).toEqual(Array.from({ length: n + 1 }, (_, i) => `schedule:${id}:${first + i * MINUTE}`));
  }
  expect(await kit.nextFireAt(id)).toBe(first + 3 * MINUTE);
  // No client request behind a fire: its key is the request id the run's events are correlated by.
  const correlations = await replica.dataSource.query(
    `SELECT metadata->>'correlationId' AS id FROM events WHERE type = 'ContainerQueued' AND (data->>'agentId')::int = $1 ORDER BY global_position`,
    [id],
  );
  expect(correlations.map((r: { id: string }) => r.id)).toEqual(await kit.launchKeys(id));

  // The read model comes from the log alone: a rebuild gives the same rows.
  const rows = () => replica.dataSource.query(`SELECT * FROM scheduler_agents ORDER BY agent_id`);
  const before = await rows();
  await rebuildProjections(replica.dataSource, schedulerProjections());
  expect(await rows()).toEqual(before);
  await replica.close();
});

test('restart across missed fires: skip launches none of them, runOnce exactly one', async () => {
  const replica = await kit.startReplica({ SCHEDULER_MISSED_GRACE_MS: '10000' });
  const skip = await kit.saveAgent(rateAgent('skip'));
  const runOnce = await kit.saveAgent(rateAgent('run-once', { missedRunPolicy: 'runOnce' }));
  const first = Math.max(await plannedFire(skip), await plannedFire(runOnce));
  kit.clock.set(first);
  await replica.nextTick();
  await replica.nextTick();
  const before = { skip: await kit.launchKeys(skip), runOnce: await kit.launchKeys(runOnce) };
  expect(before.skip).toHaveLength(1);
  expect(before.runOnce).toHaveLength(1);
  await replica.close();

  // Down across three planned fires, back 30 s after the last one.
  kit.clock.set(first + 3 * MINUTE + 30_000);
  const restarted = await kit.startReplica({ SCHEDULER_MISSED_GRACE_MS: '10000' });
  await waitUntil(async () => (await kit.launchKeys(runOnce)).length === 2, { timeoutMs: 20_000 });
  await restarted.nextTick();
  await restarted.nextTick();
  expect(await kit.launchKeys(skip)).toEqual(before.skip);
  const runOnceFire = (await kit.nextFireAt(runOnce))! - MINUTE;
  expect((await kit.launchKeys(runOnce))[1]).toBe(`schedule:${runOnce}:${runOnceFire}`);
  expect(await kit.launchKeys(runOnce)).toHaveLength(2);

  // Then both go on at the next planned fire.
  const nextSkip = (await kit.nextFireAt(skip))!;
  expect(nextSkip).toBeGreaterThan(first + 3 * MINUTE + 30_000);
  kit.clock.set(Math.max(nextSkip, (await kit.nextFireAt(runOnce))!));
  await restarted.nextTick();
  await restarted.nextTick();
  expect(await kit.launchKeys(skip)).toHaveLength(2);
  expect(await kit.launchKeys(runOnce)).toHaveLength(3);
  await restarted.close();
});

test('a ONCE schedule fires once and is then unscheduled', async () => {
  const replica = await kit.startReplica();
  const at = Date.now() + 10 * MINUTE;
  const id = await kit.saveAgent({ name: 'once', launchType: 'once', launchOnceAt: at });
  expect(await plannedFire(id)).toBe(at);
  kit.clock.set(at);
  await replica.nextTick();
  await replica.nextTick();
  expect(await kit.launchKeys(id)).toEqual([`schedule:${id}:${at}`]);
  expect(await kit.nextFireAt(id)).toBeNull();
  kit.clock.set(at + 60 * MINUTE);
  await replica.nextTick();
  expect(await kit.launchKeys(id)).toHaveLength(1);
  await replica.close();
});

test('retiring an agent or making it manual cancels its pending fires at once', async () => {
  const replica = await kit.startReplica();
  const retired = await kit.saveAgent(rateAgent('retired'));
  const manual = await kit.saveAgent(rateAgent('manual'));
  const due = Math.max(await plannedFire(retired), await plannedFire(manual));
  const res = await kit.platform.request('POST', '/api/v2/agents/retire', { key: kit.key, json: { id: String(retired) } });
  expect(res.status).toBe(200);
  await kit.saveAgent({ id: String(manual), launchType: 'manually' });
  await waitUntil(async () => (await kit.nextFireAt(retired)) === null && (await kit.nextFireAt(manual)) === null);
  kit.clock.set(due + 5 * MINUTE);
  await replica.nextTick();
  await replica.nextTick();
  expect(await kit.launchKeys(retired)).toEqual([]);
  expect(await kit.launchKeys(manual)).toEqual([]);
  await replica.close();
});

test('expireAt deletes the agent when due', async () => {
  const replica = await kit.startReplica();
  const expireAt = Date.now() + 30 * MINUTE;
  const id = await kit.saveAgent({ name: 'expiring', expireAt });
  await waitUntil(async () => (await kit.platform.request('GET', `/api/v2/agents/fetch?id=${id}`, { key: kit.key })).status === 200);
  kit.clock.set(expireAt - 1);
  await replica.nextTick();
  expect((await kit.platform.request('GET', `/api/v2/agents/fetch?id=${id}`, { key: kit.key })).status).toBe(200);
  kit.clock.set(expireAt);
  await waitUntil(async () => (await kit.platform.request('GET', `/api/v2/agents/fetch?id=${id}`, { key: kit.key })).status === 404);
  await replica.close();
});

test('fencing: a firer that wrongly believes it leads (a paused old leader) launches and records nothing twice', async () => {
  const replica = await kit.startReplica();
  const rpc = await createRpcClient({ url: kit.platform.natsUrl, name: 'stale-firer' });
  const staleLock = { isHeld: true, tryAcquire: async () => true, release: async () => undefined } as unknown as FirerLock;
  const stale = new Firer({
    dataSource: replica.dataSource,
    store: new EventStore(replica.dataSource),
    projections: replica.projections,
    rpc,
    lock: staleLock,
    clock: kit.clock,
    timing: { flexWindowMs: 0, missedGraceMs: 60_000 },
    tickMs: 5,
  });
  try {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push(await kit.saveAgent(rateAgent(`fenced-${i}`)));
    const firsts = await Promise.all(ids.map(plannedFire));
    stale.start();
    for (let minute = 0; minute < 3; minute++) {
      kit.clock.set(Math.max(...firsts) + minute * MINUTE);
      await replica.nextTick();
      await replica.nextTick();
      await stale.nextTick();
      await stale.nextTick();
    }
    for (const [i, id] of ids.entries()) {
      expect(await kit.launchKeys(id)).toEqual([0, 1, 2].map((n) => `schedule:${id}:${firsts[i]! + n * MINUTE}`));
      const fired: { n: string }[] = await replica.dataSource.query(`SELECT count(*)::text AS n FROM events WHERE stream_id = $1`, [`schedule-${id}`]);
      expect(fired[0]!.n).toBe('3');
    }
  } finally {
    await stale.stop();
    await rpc.close();
  }
});
