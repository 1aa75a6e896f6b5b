import { startPlatform, type TestPlatform } from '@agentry/platform-harness';

/**
 * Every route, fed the values a hostile or careless client sends in place of the expected ones —
 * arrays, objects, huge and negative numbers, empty strings, prototype keys, nulls — in the query
 * string, a JSON body and a form body. Whatever the route makes of them, the answer is never a
 * 500 and never carries a stack trace.
 */

let platform: TestPlatform;
let agent: string;
beforeAll(async () => {
  platform = await startPlatform({ execution: true });
  const saved = await platform.request('POST', '/api/v2/agents/save', { key: platform.adminKey, json: { name: 'sweep_target' } });
  agent = saved.body.id;
});
afterAll(async () => {
  await platform?.close();
});

const ROUTES: [method: string, path: () => string][] = [
  ['GET', () => `/api/v1/agent/${agent}.json`],
  ['GET', () => '/api/v1/script/by-id/raw/1'],
  ['GET', () => '/api/v1/script/by-name/json/x.js'],
  ['GET', () => '/api/v1/scripts.json'],
  ['GET', () => '/api/v1/user.json'],
  ['POST', () => '/api/v1/agent'],
  ['POST', () => '/api/v1/script/sweep.js'],
  ['DELETE', () => '/api/v1/script/999.json'],
  ['GET', () => `/api/v1/agent/${agent}/containers.json`],
  ['GET', () => `/api/v1/agent/${agent}/output.json`],
  ['POST', () => `/api/v1/agent/${agent}/abort.json`],
  ['POST', () => `/api/v1/agent/${agent}/launch`],
  ['GET', () => `/api/v1/agent/${agent}/storage/x.txt`],
  ['GET', () => '/api/v2/containers/fetch'],
  ['GET', () => '/api/v2/containers/fetch-all'],
  ['GET', () => '/api/v2/containers/fetch-output'],
  ['GET', () => '/api/v2/containers/fetch-result-object'],
  ['GET', () => '/api/v2/orgs/fetch-running-containers'],
  ['GET', () => '/api/v2/agents/fetch'],
  ['GET', () => '/api/v2/agents/fetch-all'],
  ['GET', () => '/api/v2/agents/fetch-deleted'],
  ['GET', () => '/api/v2/agents/fetch-output'],
  ['GET', () => '/api/v2/agents/next-launch-dates'],
  ['GET', () => '/api/v2/agents/versions'],
  ['POST', () => '/api/v2/agents/delete'],
  ['POST', () => '/api/v2/agents/launch'],
  ['POST', () => '/api/v2/agents/launch-soon'],
  ['POST', () => '/api/v2/agents/reinstate'],
  ['POST', () => '/api/v2/agents/retire'],
  ['POST', () => '/api/v2/agents/rollback'],
  ['POST', () => '/api/v2/agents/save'],
  ['POST', () => '/api/v2/agents/stop'],
  ['POST', () => '/api/v2/agents/unschedule-all'],
  ['GET', () => '/api/v2/org/api-keys'],
  ['POST', () => '/api/v2/org/api-keys'],
  ['POST', () => '/api/v2/org/api-keys/999/revoke'],
  ['DELETE', () => '/api/v2/org/api-keys/999'],
  ['GET', () => '/api/v2/org/tags'],
  ['POST', () => '/api/v2/org/tags'],
  ['GET', () => '/api/v2/orgs/fetch'],
  ['POST', () => '/api/v2/orgs'],
  ['GET', () => '/api/v2/scripts/fetch'],
  ['GET', () => '/api/v2/scripts/fetch-all'],
  ['POST', () => '/api/v2/scripts/delete'],
  ['POST', () => '/api/v2/scripts/save'],
  ['POST', () => `/v1/agents/${agent}/execute`],
  ['POST', () => '/v1/agents'],
];

/** Parameter names the routes read, each given the same hostile value. */
const NAMES = [
  'id',
  'agentId',
  'containerId',
  'name',
  'text',
  'script',
  'argument',
  'mode',
  'output',
  'fromOutputPos',
  'fromMessageId',
  'count',
  'minutes',
  'versionId',
  'version',
  'withoutResultObject',
  'schedule',
  'launchType',
  'org',
  'plan',
  'roles',
  'tags',
  'cascadeToAllSlaves',
  'bonusArgument',
  'saveArgument',
  'manualLaunch',
];

const JSON_VALUES: [string, unknown][] = [
  ['an array', [1, 2]],
  ['an object', { $gt: 1, nested: { deeper: [null] } }],
  ['a huge number', 1e308],
  ['a negative number', -1],
  ['an empty string', ''],
  ['null', null],
  ['true', true],
  ['a very long string', 'x'.repeat(100_000)],
];

const QUERY_VALUES: [string, string][] = [
  ['repeated', 'N=1&N=2'],
  ['bracketed', 'N[]=1&N[a]=2'],
  ['huge', 'N=1e400'],
  ['past 2^53', 'N=99999999999999999999999'],
  ['negative', 'N=-5'],
  ['empty', 'N='],
  ['not a number', 'N=NaN'],
];

function expectNoServerError(label: string, res: { status: number; text: string }) {
  expect({ label, status: res.status }).not.toEqual({ label, status: 500 });
  expect(res.status).toBeLessThan(500);
  expect(res.text).not.toMatch(/at .*\.(js|ts):\d+|Internal error/);
}

const key = () => ({ key: platform.adminKey });

test.each(
  ROUTES.map(([method, path]) => ({
    method,
    path,
    label: `${method} ${path
      .toString()
      .match(/`(.*)`|'(.*)'/)
      ?.slice(1)
      .find(Boolean)}`,
  })),
)('$label: hostile JSON, form and query values never answer 500', async ({ method, path }) => {
  const calls: [string, Promise<{ status: number; text: string }>][] = [];
  for (const [valueLabel, value] of JSON_VALUES) {
    const body = Object.fromEntries(NAMES.map((n) => [n, value]));
    if (method !== 'GET' && method !== 'DELETE') {
      calls.push([`${valueLabel} (json)`, platform.request(method, path(), { ...key(), json: body })]);
      if (typeof value !== 'object' || value === null) {
        const form = Object.fromEntries(NAMES.map((n) => [n, String(value)]));
        calls.push([`${valueLabel} (form)`, platform.request(method, path(), { ...key(), form })]);
      }
    }
  }
  for (const [valueLabel, pattern] of QUERY_VALUES) {
    const query = NAMES.map((n) => pattern.replaceAll('N', n)).join('&');
    calls.push([`${valueLabel} (query)`, platform.request(method, `${path()}?${query}`, key())]);
  }
  for (const [label, call] of calls) expectNoServerError(label, await call);
  if (method !== 'GET' && method !== 'DELETE') {
    const proto = await platform.request(method, path(), {
      ...key(),
      json: JSON.parse('{"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}'),
    });
    expectNoServerError('prototype keys (json)', proto);
    expectNoServerError(
      'prototype keys (form)',
      await platform.request(method, path(), {
        ...key(),
        form: Object.fromEntries([
          ['__proto__', 'x'],
          ['constructor', 'y'],
        ]),
      }),
    );
  }
});

/**
 * Given one at a time (all at once, the first bad id answers 400 before any text reaches a
 * service), a NUL in any parameter of any route: 4xx, never the 500 Postgres caused.
 */
test('a NUL in any single parameter of any route answers 4xx, never 500', async () => {
  const failures: string[] = [];
  const cases = ROUTES.flatMap(([method, path]) => NAMES.map((name) => ({ method, path, name })));
  // A few at a time: enough to be quick, few enough for a shared CI machine.
  for (let i = 0; i < cases.length; i += 8) {
    await Promise.all(
      cases.slice(i, i + 8).map(async ({ method, path, name }) => {
        const valid = `ok_${name}_${i}`;
        const params = { [name]: `${valid}\u0000` };
        const res =
          method === 'GET' || method === 'DELETE'
            ? await platform.request(method, `${path()}?${new URLSearchParams(params)}`, key())
            : await platform.request(method, path(), { ...key(), json: name === 'name' ? params : { name: valid, ...params } });
        if (res.status >= 500) failures.push(`${method} ${path()} ${name}: ${res.status} ${res.text.slice(0, 100)}`);
      }),
    );
  }
  expect(failures).toEqual([]);
});
