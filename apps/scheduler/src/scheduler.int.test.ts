import { jest } from '@jest/globals';
import { waitUntil } from '@agentry/testing';
import { startSchedulerTestKit, type SchedulerTestKit } from './testing/scheduler-test-kit.js';

jest.setTimeout(120_000);

const MINUTE = 60_000;
const rateAgent = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  launchType: 'repeatedly',
  schedule: { mode: 'SCHEDULED', rateMinutes: 1 },
  ...extra,
});

let kit: SchedulerTestKit;
beforeAll(async () => {
  kit = await startSchedulerTestKit();
});
afterAll(async () => {
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
  await replica.close();
});
