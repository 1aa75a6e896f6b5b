import { jest } from '@jest/globals';
import { waitUntil } from '@agentry/testing';
import { startSchedulerTestKit, type SchedulerTestKit } from './testing/scheduler-test-kit.js';

// Generous: 4,000 launches through the real executor on a CI machine running other suites beside it.
jest.setTimeout(1_500_000);

/** Issue 4's scale test: 1,000 agents on a one-minute rate, two replicas, the firing one closed halfway. */
const AGENTS = 1000;
const MINUTES = 4;
const MINUTE = 60_000;

let kit: SchedulerTestKit;
beforeAll(async () => {
  kit = await startSchedulerTestKit();
});
afterAll(async () => {
  await kit?.close();
});

test(`${AGENTS} agents, ${MINUTES} simulated minutes, leader closed halfway: every planned fire launched once`, async () => {
  const a = await kit.startReplica();
  const b = await kit.startReplica();
  const ids: number[] = [];
  for (let i = 0; i < AGENTS; i += 25) {
    const batch = Array.from({ length: Math.min(25, AGENTS - i) }, (_, j) =>
      kit.saveAgent({ name: `scale-${i + j}`, launchType: 'repeatedly', schedule: { mode: 'SCHEDULED', rateMinutes: 1 } }),
    );
    ids.push(...(await Promise.all(batch)));
  }
  const firsts = await kit.plannedFires(ids);
  const latest = Math.max(...firsts.values());

  let survivor = b;
  for (let minute = 0; minute < MINUTES; minute++) {
    kit.clock.set(latest + minute * MINUTE);
    const expected = AGENTS * (minute + 1);
    await waitUntil(async () => (await kit.launchCount(ids)) === expected, {
      timeoutMs: 300_000,
      intervalMs: 250,
      message: `minute ${minute}: ${expected} launches (had ${await kit.launchCount(ids)} when the wait began)`,
    });
    if (minute === MINUTES / 2 - 1) {
      const leader = a.isFiring() ? a : b;
      survivor = leader === a ? b : a;
      await leader.close();
    }
  }
  await survivor.nextTick();
  await survivor.nextTick();
  const keys = await kit.launchKeysOf(ids);
  for (const id of ids) {
    const first = firsts.get(id)!;
    expect(keys.get(id)).toEqual(Array.from({ length: MINUTES }, (_, n) => `schedule:${id}:${first + n * MINUTE}`));
  }
});
