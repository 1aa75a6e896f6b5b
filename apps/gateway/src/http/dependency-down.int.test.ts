import { waitUntil } from '@agentry/testing';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { executionApi, type ExecutionApi } from '../containers/execution-test-kit.js';

/**
 * Postgres or NATS dies under the platform: every request answers 503 with Retry-After — never
 * 500 — and the platform recovers by itself when the dependency is back. The kills are real: every
 * service reaches Postgres and NATS through loopback proxies the test cuts (sockets reset, new
 * connections refused), as a crashed server would look to them.
 */

let platform: TestPlatform;
let api: ExecutionApi;
let agent: string;
beforeAll(async () => {
  platform = await startPlatform({ execution: true, databaseProxy: true, natsProxy: true });
  api = executionApi(platform, (await platform.newOrg({ name: 'faults' })).key);
  agent = await api.agent('quick', `console.log('ran')`);
});
afterAll(async () => {
  await platform?.close();
});

/** One call per kind of work, in each API generation: reads, writes, launches. */
const calls = () => [
  { label: 'v2 agents/fetch-all', method: 'GET', path: '/api/v2/agents/fetch-all' },
  { label: 'v2 agents/save', method: 'POST', path: '/api/v2/agents/save', json: { name: `saved_${Math.random().toString(36).slice(2)}` } },
  { label: 'v2 agents/launch', method: 'POST', path: '/api/v2/agents/launch', json: { id: agent } },
  { label: 'v1 launch', method: 'POST', path: `/api/v1/agent/${agent}/launch` },
  { label: 'v1 scripts.json', method: 'GET', path: '/api/v1/scripts.json' },
  { label: 'the agents API execute', method: 'POST', path: `/v1/agents/${agent}/execute`, json: {} },
];

async function callAll() {
  return Promise.all(
    calls().map(async (c) => {
      const res = await platform.request(c.method, c.path, { key: api.key, json: c.json });
      return { label: c.label, status: res.status, retryAfter: res.headers.get('retry-after'), text: res.text };
    }),
  );
}

function expectAllUnavailable(results: Awaited<ReturnType<typeof callAll>>) {
  for (const r of results) {
    expect({ label: r.label, status: r.status }).toEqual({ label: r.label, status: 503 });
    expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(r.text).not.toMatch(/Internal error|at .*\.(js|ts):\d+/);
  }
}

const ok = (status: number) => status >= 200 && status < 300;

async function expectRecovered() {
  let last: unknown;
  await waitUntil(
    async () => {
      const results = await callAll();
      last = results.filter((r) => !ok(r.status)).map((r) => `${r.label} ${r.status} ${r.text.slice(0, 120)}`);
      return results.every((r) => ok(r.status));
    },
    { timeoutMs: 45_000, message: 'every call to succeed again' },
  ).catch((error: Error) => {
    throw new Error(`${error.message}; still failing: ${JSON.stringify(last)}`);
  });
}

test('control: with every dependency up, every call succeeds', async () => {
  expect((await callAll()).map((r) => [r.label, ok(r.status)])).toEqual(calls().map((c) => [c.label, true]));
});

test('Postgres down: 503 with Retry-After on every call, then recovery', async () => {
  await platform.databaseProxy!.cut();
  try {
    expectAllUnavailable(await callAll());
  } finally {
    await platform.databaseProxy!.restore();
  }
  await expectRecovered();
});

test('NATS down: 503 with Retry-After on every call, then recovery', async () => {
  await platform.natsProxy!.cut();
  try {
    expectAllUnavailable(await callAll());
    const health = await platform.request('GET', '/health');
    expect(health.status).toBe(503);
    expect(Number(health.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  } finally {
    await platform.natsProxy!.restore();
  }
  await expectRecovered();
});

test('Postgres killed in the middle of a burst of launches: each answers 2xx or 503, never 500', async () => {
  const burst = Array.from({ length: 16 }, (_, i) =>
    platform.request('POST', i % 2 ? '/api/v2/agents/launch' : `/api/v1/agent/${agent}/launch`, { key: api.key, json: i % 2 ? { id: agent } : undefined }),
  );
  await new Promise((r) => setTimeout(r, 20));
  await platform.databaseProxy!.cut();
  const statuses = (await Promise.all(burst)).map((r) => r.status);
  await platform.databaseProxy!.restore();
  expect(statuses.filter((s) => !ok(s) && s !== 503)).toEqual([]);
  await expectRecovered();
});
