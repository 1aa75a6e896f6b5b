import { jest } from '@jest/globals';
import { waitUntil } from '@agentry/testing';
import { startSchedulerTestKit, type SchedulerTestKit } from './testing/scheduler-test-kit.js';

jest.setTimeout(120_000);

let kit: SchedulerTestKit;
beforeAll(async () => {
  kit = await startSchedulerTestKit();
  await kit.startReplica();
});
afterAll(async () => {
  await kit?.close();
});

async function scriptAgent(name: string, exitCode: number): Promise<number> {
  const script = await kit.platform.request('POST', `/api/v1/script/${name}.js`, { key: kit.key, form: { text: `process.exit(${exitCode})` } });
  expect(script.status).toBe(200);
  return kit.saveAgent({ name, scriptId: script.body.data });
}

const follow = (name: string, masterId: number, exitCodes: number[] | 'all') =>
  kit.saveAgent({ name, launchType: 'after agent', launchAfterAgentId: String(masterId), masterAgentLaunchOnExitCodes: exitCodes, masterAgentLaunchAfter: 0 });

async function launchAndEnd(agentId: number): Promise<number> {
  const res = await kit.platform.request('POST', '/api/v2/agents/launch', { key: kit.key, json: { id: String(agentId) } });
  expect(res.status).toBe(200);
  const containerId = Number(res.body.containerId);
  await waitUntil(async () => (await kit.platform.request('GET', `/api/v2/containers/fetch?id=${containerId}`, { key: kit.key })).body?.status === 'finished', {
    timeoutMs: 20_000,
  });
  return containerId;
}

test('followers launch after their agent ends with a matching exit code; chains follow', async () => {
  const exits0 = await scriptAgent('exits-0', 0);
  const exits3 = await scriptAgent('exits-3', 3);
  const on3After0 = await follow('on-3-after-0', exits0, [3]);
  const on3After3 = await follow('on-3-after-3', exits3, [3]);
  const allAfter0 = await follow('all-after-0', exits0, 'all');
  const chained = await follow('after-on-3-after-3', on3After3, 'all');
  // The followers are in the scheduler's read model before their masters end.
  await waitUntil(async () => (await kit.followedBy(chained)) === on3After3);

  const ended0 = await launchAndEnd(exits0);
  const ended3 = await launchAndEnd(exits3);
  await waitUntil(async () => (await kit.launchKeys(allAfter0)).length === 1 && (await kit.launchKeys(chained)).length === 1, { timeoutMs: 30_000 });

  expect(await kit.launchKeys(allAfter0)).toEqual([`after:${allAfter0}:${ended0}`]);
  const [followUp] = await kit.launchKeys(on3After3);
  expect(followUp).toBe(`after:${on3After3}:${ended3}`);
  expect((await kit.launchKeys(chained))[0]).toMatch(new RegExp(`^after:${chained}:\\d+$`));
  expect(await kit.launchTypes(chained)).toEqual(['scheduled after agent']);
  // Ends are handled one at a time in log order: the chain's launch came after exits-0's end was fully handled.
  expect(await kit.launchKeys(on3After0)).toEqual([]);
});

test('a cycle of after-agent links is refused at save, naming the field', async () => {
  const a = await kit.saveAgent({ name: 'cycle-a' });
  const b = await follow('cycle-b', a, 'all');
  const c = await follow('cycle-c', b, 'all');
  const res = await kit.platform.request('POST', '/api/v2/agents/save', {
    key: kit.key,
    json: { id: String(a), launchType: 'after agent', launchAfterAgentId: String(c) },
  });
  expect(res.status).toBe(400);
  expect(res.body.details).toEqual([expect.objectContaining({ field: 'launchAfterAgentId', message: expect.stringContaining('cycle') })]);
});
