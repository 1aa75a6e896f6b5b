import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { executionApi, type ExecutionApi } from '../containers/execution-test-kit.js';

/** v2 `agents/stop` flags (cascade to followers, switch to manual) and `nextLaunchDates` on `agents/fetch`. */

const FOREVER = `setInterval(() => console.log('tick'), 100);`;
const HOUR = 3600_000;

let platform: TestPlatform;
let api: ExecutionApi;

beforeAll(async () => {
  platform = await startPlatform({ execution: true });
  api = executionApi(platform, (await platform.newOrg()).key);
});
afterAll(async () => {
  await platform?.close();
});

const fetchAgent = async (id: string) => {
  const res = await platform.request('GET', `/api/v2/agents/fetch?id=${id}`, { key: api.key });
  expect(res.status).toBe(200);
  return res.body;
};
const stop = (json: Record<string, unknown>) => platform.request('POST', '/api/v2/agents/stop', { key: api.key, json });
const follower = (name: string, masterId: string) => api.agent(name, FOREVER, { launchType: 'after agent', launchAfterAgentId: masterId });

test('cascadeToAllSlaves stops the whole follower chain, and only it', async () => {
  const master = await api.agent('chain_master', FOREVER);
  const second = await follower('chain_second', master);
  const third = await follower('chain_third', second);
  const bystander = await api.agent('chain_bystander', FOREVER);
  const containers = [await api.launch(master), await api.launch(second), await api.launch(third)];
  const bystanderContainer = await api.launch(bystander);
  for (const id of [...containers, bystanderContainer]) await api.running(id);

  const res = await stop({ id: master, cascadeToAllSlaves: true, dontLaunchSoon: true });
  expect(res.status).toBe(200);
  expect([...res.body.containerIds].sort()).toEqual(containers.map(String).sort());
  for (const id of containers) expect(await api.ended(id)).toMatchObject({ status: 'finished', endType: 'killed' });
  expect((await api.container(bystanderContainer)).status).toBe('running');
  await stop({ id: bystander });
});

test('without cascadeToAllSlaves the followers keep running', async () => {
  const master = await api.agent('solo_master', FOREVER);
  const second = await follower('solo_second', master);
  const [masterContainer, followerContainer] = [await api.launch(master), await api.launch(second)];
  await api.running(masterContainer);
  await api.running(followerContainer);

  const res = await stop({ id: master });
  expect(res.body.containerIds).toEqual([String(masterContainer)]);
  expect((await api.container(followerContainer)).status).toBe('running');
  await stop({ id: second });
});

test('switchToManualLaunch leaves the agent manual, without planned launches', async () => {
  const id = await api.agent('to_manual', FOREVER, { launchType: 'repeatedly', schedule: { mode: 'SCHEDULED', rateMinutes: 60 } });
  expect((await fetchAgent(id)).nextLaunchDates).toHaveLength(5);
  const container = await api.launch(id);
  await api.running(container);

  const res = await stop({ id, switchToManualLaunch: true });
  expect(res.status).toBe(200);
  expect(res.body.containerIds).toEqual([String(container)]);
  await api.ended(container);
  const agent = await fetchAgent(id);
  expect(agent.launchType).toBe('manually');
  expect(agent.nextLaunchDates).toEqual([]);
});

test('a bad flag is a 400 naming it', async () => {
  const id = await api.agent('bad_flag', FOREVER);
  const res = await stop({ id, cascadeToAllSlaves: 'maybe' });
  expect(res.status).toBe(400);
  expect(JSON.stringify(res.body.details)).toContain('cascadeToAllSlaves');
});

test('agents/fetch shows nextLaunchDates: a rate schedule gives 5 increasing dates an hour apart; a manual agent none', async () => {
  const before = Date.now();
  const rate = await api.agent('rate_dates', FOREVER, { launchType: 'repeatedly', schedule: { mode: 'SCHEDULED', rateMinutes: 60 } });
  const dates: number[] = (await fetchAgent(rate)).nextLaunchDates;
  expect(dates).toHaveLength(5);
  expect(dates[0]).toBeGreaterThan(before);
  for (let i = 1; i < dates.length; i++) expect(dates[i]! - dates[i - 1]!).toBe(HOUR);
  const listed = await platform.request('GET', `/api/v2/agents/next-launch-dates?id=${rate}`, { key: api.key });
  expect(listed.body.nextLaunchDates).toEqual(dates);

  const manual = await api.agent('manual_dates', FOREVER);
  expect((await fetchAgent(manual)).nextLaunchDates).toEqual([]);
});
