import { jest } from '@jest/globals';
import pg from 'pg';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';

jest.setTimeout(60_000);

let platform: TestPlatform;
let key: string;
beforeAll(async () => {
  platform = await startPlatform({ execution: true });
  ({ key } = await platform.newOrg());
});
afterAll(async () => {
  await platform?.close();
});

async function save(fields: Record<string, unknown>): Promise<string> {
  const res = await platform.request('POST', '/api/v2/agents/save', { key, json: fields });
  expect(res.status).toBe(200);
  return res.body.id as string;
}
const daily = (name: string) => save({ name, launchType: 'repeatedly', schedule: { mode: 'SCHEDULED', times: ['09:00', '17:30'], tasksPerDay: 2 } });

test('next-launch-dates lists the next planned launches; none for a manual agent; count is checked', async () => {
  const id = await daily('daily');
  const before = Date.now();
  const res = await platform.request('GET', `/api/v2/agents/next-launch-dates?id=${id}&count=4`, { key });
  expect(res.status).toBe(200);
  expect(res.body.id).toBe(id);
  const dates: number[] = res.body.nextLaunchDates;
  expect(dates).toHaveLength(4);
  expect(dates[0]).toBeGreaterThan(before);
  expect([...dates].sort((a, b) => a - b)).toEqual(dates);
  for (const d of dates) expect(['09:00', '17:30']).toContain(new Date(d).toISOString().slice(11, 16));
  expect(dates[2]! - dates[0]!).toBe(24 * 3600_000);

  const manual = await save({ name: 'manual' });
  expect((await platform.request('GET', `/api/v2/agents/next-launch-dates?id=${manual}`, { key })).body.nextLaunchDates).toEqual([]);
  const bad = await platform.request('GET', `/api/v2/agents/next-launch-dates?id=${id}&count=0`, { key });
  expect(bad.status).toBe(400);
  expect(bad.body.details).toEqual([expect.objectContaining({ field: 'count' })]);
});

test('unschedule-all turns every self-launching agent of the org manual', async () => {
  const { key: otherKey } = await platform.newOrg();
  const other = await platform.request('POST', '/api/v2/agents/save', {
    key: otherKey,
    json: { name: 'other-org', launchType: 'repeatedly', schedule: { mode: 'SCHEDULED', rateMinutes: 5 } },
  });
  const a = await daily('to-unschedule-a');
  const b = await save({ name: 'to-unschedule-b', launchType: 'once', launchOnceAt: Date.now() + 3600_000 });
  const res = await platform.request('POST', '/api/v2/agents/unschedule-all', { key });
  expect(res.status).toBe(200);
  expect(res.body.agentIds).toEqual(expect.arrayContaining([a, b]));
  for (const id of [a, b]) {
    expect((await platform.request('GET', `/api/v2/agents/fetch?id=${id}`, { key })).body.launchType).toBe('manually');
    expect((await platform.request('GET', `/api/v2/agents/next-launch-dates?id=${id}`, { key })).body.nextLaunchDates).toEqual([]);
  }
  const untouched = await platform.request('GET', `/api/v2/agents/fetch?id=${other.body.id}`, { key: otherKey });
  expect(untouched.body.launchType).toBe('repeatedly');
});

test('launch-soon queues one launch that starts after the given minutes', async () => {
  const id = await save({ name: 'soon' });
  const before = Date.now();
  const res = await platform.request('POST', '/api/v2/agents/launch-soon', { key, json: { id, minutes: 5 } });
  expect(res.status).toBe(200);
  expect(res.body.launchAt).toBeGreaterThanOrEqual(before + 5 * 60_000);
  const db = new pg.Client({ connectionString: platform.databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query(`SELECT data FROM events WHERE type = 'ContainerQueued' AND stream_id = $1`, [`container-${res.body.containerId}`]);
    expect(rows[0].data).toEqual(expect.objectContaining({ agentId: Number(id), notBefore: res.body.launchAt, launchType: 'user api call' }));
  } finally {
    await db.end();
  }
  const bad = await platform.request('POST', '/api/v2/agents/launch-soon', { key, json: { id, minutes: -1 } });
  expect(bad.status).toBe(400);
  expect(bad.body.details).toEqual([expect.objectContaining({ field: 'minutes' })]);
});

describe('the agents API POST /v1/agents', () => {
  const create = (body: unknown, headers: Record<string, string> = { Authorization: `Bearer ${key}` }) =>
    platform.request('POST', '/v1/agents', { json: body, headers });

  test("creates an ACTIVE scheduled agent, answering the agents API's shape; it is an ordinary agent everywhere", async () => {
    const schedule = { mode: 'SCHEDULED', tasksPerDay: 2, times: ['09:00', '17:00'] };
    const res = await create({ name: 'Daily Inventory Check', baseUrl: 'https://shop.example.com', mode: 'SCHEDULED', content: 'Check stock', schedule });
    expect(res.status).toBe(201);
    const data = res.body.data;
    expect(data).toEqual({
      id: expect.stringMatching(/^\d+$/),
      userId: expect.any(String),
      name: 'Daily Inventory Check',
      baseUrl: 'https://shop.example.com',
      content: 'Check stock',
      schedule: JSON.stringify(schedule),
      scheduleId: `agent-${data.id}`,
      mode: 'SCHEDULED',
      status: 'ACTIVE',
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
      updatedAt: expect.stringMatching(/Z$/),
    });
    const v2 = await platform.request('GET', `/api/v2/agents/fetch?id=${data.id}`, { key });
    expect(v2.status).toBe(200);
    expect(v2.body.launchType).toBe('repeatedly');
    const dates = (await platform.request('GET', `/api/v2/agents/next-launch-dates?id=${data.id}&count=2`, { key })).body.nextLaunchDates as number[];
    expect(dates.map((d) => new Date(d).toISOString().slice(11, 16)).sort()).toEqual(['09:00', '17:00']);
  });

  test('schedule as a JSON string, the 09:00 default, manual and ONCE forms', async () => {
    const asString = await create({
      name: 'rate',
      baseUrl: 'https://a.example',
      mode: 'SCHEDULED',
      schedule: JSON.stringify({ mode: 'SCHEDULED', rateMinutes: 60 }),
    });
    expect(asString.status).toBe(201);
    expect(JSON.parse(asString.body.data.schedule)).toEqual({ mode: 'SCHEDULED', rateMinutes: 60 });
    const byDefault = await create({ name: 'default', baseUrl: 'https://a.example', mode: 'SCHEDULED' });
    expect(JSON.parse(byDefault.body.data.schedule)).toEqual({ mode: 'SCHEDULED', tasksPerDay: 1, times: ['09:00'] });
    const manual = await create({ name: 'manual', baseUrl: 'https://a.example', mode: 'SCHEDULED', schedule: { mode: 'SCHEDULED', times: [] } });
    expect((await platform.request('GET', `/api/v2/agents/fetch?id=${manual.body.data.id}`, { key })).body.launchType).toBe('manually');
    const once = await create({
      name: 'once',
      baseUrl: 'https://a.example',
      mode: 'SCHEDULED',
      schedule: { mode: 'ONCE', at: '2030-06-15T14:30', cronExpression: 'cron(30 14 15 6 ? 2030)' },
    });
    expect(once.status).toBe(201);
    const onceDates = (await platform.request('GET', `/api/v2/agents/next-launch-dates?id=${once.body.data.id}`, { key })).body.nextLaunchDates;
    expect(onceDates).toEqual([Date.UTC(2030, 5, 15, 14, 30)]);
  });

  test.each([
    [{ baseUrl: 'https://a.example', mode: 'SCHEDULED' }, 'name'],
    [{ name: 'x', mode: 'SCHEDULED' }, 'baseUrl'],
    [{ name: 'x', baseUrl: 'https://a.example' }, 'mode'],
    [{ name: 'x', baseUrl: 'https://a.example', mode: 'ONCE' }, 'mode'],
    [{ name: 'x', baseUrl: 'https://a.example', mode: 'SCHEDULED', schedule: '{not json' }, 'schedule'],
    [{ name: 'x', baseUrl: 'https://a.example', mode: 'SCHEDULED', schedule: { mode: 'SCHEDULED', rateMinutes: 0 } }, 'schedule.rateMinutes'],
    [
      { name: 'x', baseUrl: 'https://a.example', mode: 'SCHEDULED', schedule: { mode: 'SCHEDULED', cronExpression: 'cron(0 9 * * * *)' } },
      'schedule.cronExpression',
    ],
  ])('400 for %j naming %s', async (body, field) => {
    const res = await create(body);
    expect(res.status).toBe(400);
    expect(typeof res.body.error).toBe('string');
    expect(JSON.stringify(res.body.details)).toContain(field);
  });

  test('401 without a valid key', async () => {
    expect((await create({ name: 'x', baseUrl: 'https://a.example', mode: 'SCHEDULED' }, {})).status).toBe(401);
    expect((await create({ name: 'x', baseUrl: 'https://a.example', mode: 'SCHEDULED' }, { Authorization: 'Bearer nope' })).status).toBe(401);
  });
});
