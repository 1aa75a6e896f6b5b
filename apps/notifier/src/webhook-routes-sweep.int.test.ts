import { jest } from '@jest/globals';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { testNotifierConfig } from './testing/notifier-config.js';
import { startNotifier, type RunningNotifier } from './notifier-app.js';

/**
 * The routes the notifier answers behind the gateway (/api/agentry/v1/webhooks…) and the org's SSE
 * stream (/api/v2/orgs/events), enumerated from the OpenAPI document the gateway serves, so a route
 * added later is swept too: without a key or with a wrong one every route answers 401; fed the values
 * a hostile client sends — in the path, the query and a JSON or form body — never a 500 nor a stack.
 * (apps/gateway's route sweep runs without a notifier, where these routes can only answer 503.)
 */
jest.setTimeout(180_000);

let platform: TestPlatform;
let notifier: RunningNotifier;
let key: string;
let endpointId: string;
let routes: { method: string; path: string }[];

beforeAll(async () => {
  platform = await startPlatform();
  notifier = await startNotifier(testNotifierConfig(platform, { NOTIFIER_POLL_MS: '50' }));
  ({ key } = await platform.newOrg({ name: 'sweep-hooks' }));
  const created = await platform.request('POST', '/api/agentry/v1/webhooks/endpoints', {
    key,
    json: { url: 'https://hooks.example.test/in', eventTypes: ['container.ended'] },
  });
  expect(created.status).toBe(201);
  endpointId = created.body.id;
  const document = (await (await fetch(`${platform.baseUrl}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  routes = Object.entries(document.paths)
    .filter(([path]) => path.startsWith('/api/agentry/v1/webhooks') || path === '/api/v2/orgs/events')
    .flatMap(([path, operations]) =>
      Object.keys(operations)
        .filter((m) => ['get', 'post', 'patch', 'put', 'delete'].includes(m))
        .map((m) => ({ method: m.toUpperCase(), path })),
    );
});
afterAll(async () => {
  await notifier?.close();
  await platform?.close();
});

/**
 * One request; the answer's status and text. The SSE route streams forever once accepted, so its
 * body is read only when it is not a stream (a refusal), and the connection is then closed.
 */
async function probe(
  method: string,
  path: string,
  opts: { key?: string; json?: unknown; form?: Record<string, string> } = {},
): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = {};
  if (opts.key) headers['X-Phantombuster-Key-1'] = opts.key;
  let body: string | undefined;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(opts.form).toString();
  }
  const abort = new AbortController();
  const res = await fetch(platform.baseUrl + path, { method, headers, body, signal: abort.signal });
  const streaming = (res.headers.get('content-type') ?? '').startsWith('text/event-stream');
  const text = streaming ? '' : await res.text();
  abort.abort();
  return { status: res.status, text };
}

const withId = (path: string, id: string) => path.replaceAll(/\{[^}]+\}/g, encodeURIComponent(id));

/** The parameter names these routes read, each given the same hostile value. */
const NAMES = ['url', 'eventTypes', 'description', 'enabled', 'graceSeconds', 'limit', 'agentId', 'id', 'lastEventId', 'types'];
const JSON_VALUES: [string, unknown][] = [
  ['an array', [1, 2]],
  ['an object', { $gt: 1, nested: { deeper: [null] } }],
  ['a huge number', 1e308],
  ['a negative number', -1],
  ['an empty string', ''],
  ['null', null],
  ['true', true],
  ['a very long string', 'x'.repeat(100_000)],
  ['a NUL', 'ok\u0000'],
];
const QUERY_VALUES = ['N=1&N=2', 'N[]=1&N[a]=2', 'N=1e400', 'N=99999999999999999999999', 'N=-5', 'N=', 'N=NaN', 'N=%00'];
const HOSTILE_IDS = ['-1', '0', '1e400', '99999999999999999999999', 'x'.repeat(300), '../../registry', 'a\u0000b', '__proto__', "1' OR '1'='1"];

function expectNoServerError(label: string, res: { status: number; text: string }) {
  expect([label, res.status < 500]).toEqual([label, true]);
  expect([label, /at .*\.(js|ts):\d+|Internal error/.test(res.text)]).toEqual([label, false]);
}

test('the document lists the webhook routes and the SSE stream, and each answers an admin key (control: a sweep of no route proves nothing)', async () => {
  expect(routes.length).toBeGreaterThanOrEqual(10);
  expect(routes).toEqual(
    expect.arrayContaining([
      { method: 'GET', path: '/api/v2/orgs/events' },
      { method: 'POST', path: '/api/agentry/v1/webhooks/endpoints' },
    ]),
  );
  for (const { method, path } of routes.filter((r) => r.method === 'GET')) {
    const query = path.endsWith('/webhooks/deliveries') ? '?agentId=1' : '';
    const res = await probe(method, withId(path, endpointId) + query, { key });
    // 404 for the agent id 1 the org does not have is an answer of the route, not of a missing one.
    expect([path, res.status]).toEqual([path, path.endsWith('/webhooks/deliveries') ? expect.any(Number) : 200]);
    expect(res.status).toBeLessThan(500);
  }
});

test('no key or a wrong key: 401 on every route, before any input is read', async () => {
  for (const { method, path } of routes) {
    const json = method === 'GET' || method === 'DELETE' ? undefined : { url: 'https://hooks.example.test/x' };
    expect([method, path, (await probe(method, withId(path, endpointId), { json })).status]).toEqual([method, path, 401]);
    expect([method, path, (await probe(method, withId(path, endpointId), { json, key: 'agt_not-a-key' })).status]).toEqual([method, path, 401]);
  }
});

test('hostile path ids, query values and JSON / form bodies never answer 500 nor show a stack', async () => {
  for (const { method, path } of routes) {
    const calls: [string, Promise<{ status: number; text: string }>][] = [];
    if (path.includes('{')) for (const id of HOSTILE_IDS) calls.push([`${method} ${path} id ${JSON.stringify(id)}`, probe(method, withId(path, id), { key })]);
    const target = withId(path, endpointId);
    for (const pattern of QUERY_VALUES)
      calls.push([`${method} ${path} ?${pattern}`, probe(method, `${target}?${NAMES.map((n) => pattern.replaceAll('N', n)).join('&')}`, { key })]);
    if (method !== 'GET' && method !== 'DELETE') {
      for (const [label, value] of JSON_VALUES) {
        calls.push([`${method} ${path} ${label} (json)`, probe(method, target, { key, json: Object.fromEntries(NAMES.map((n) => [n, value])) })]);
        if (typeof value !== 'object' || value === null)
          calls.push([`${method} ${path} ${label} (form)`, probe(method, target, { key, form: Object.fromEntries(NAMES.map((n) => [n, String(value)])) })]);
      }
      calls.push([
        `${method} ${path} prototype keys`,
        probe(method, target, { key, json: JSON.parse('{"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}') }),
      ]);
      calls.push([
        `${method} ${path} a body that is not JSON`,
        fetch(platform.baseUrl + target, { method, headers: { 'X-Phantombuster-Key-1': key, 'content-type': 'application/json' }, body: '{"url":' }).then(
          async (r) => ({ status: r.status, text: await r.text() }),
        ),
      ]);
    }
    for (const [label, call] of calls) expectNoServerError(label, await call);
  }
});

test('bad input to the endpoint routes answers 400 naming the field', async () => {
  const bad = await probe('POST', '/api/agentry/v1/webhooks/endpoints', { key, json: { url: 'ftp://x', eventTypes: ['nope'] } });
  expect(bad.status).toBe(400);
  expect(bad.text).toMatch(/url|eventTypes/);
  const badLimit = await probe('GET', `/api/agentry/v1/webhooks/endpoints/${endpointId}/deliveries?limit=-5`, { key });
  expect(badLimit.status).toBe(400);
  expect(badLimit.text).toContain('limit');
});
