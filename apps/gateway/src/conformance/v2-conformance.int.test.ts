import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { executionApi, ndjson, type ExecutionApi } from '../containers/execution-test-kit.js';
import { conformanceErrors } from './conformance-test-kit.js';

/**
 * Every operation of the v2 document's agents/*, containers/*, scripts/* and orgs/* groups in
 * scope, called the way a client built from the document calls it, its answer checked against the
 * schemas written in `v2-schemas.ts`. A failing case names the operation and the schema errors.
 */

const HELLO = `
const buster = require('phantombuster').create();
console.log('hello');
buster.progressHint(0.5, 'half way');
buster.setResultObject({ ok: true });
`;
/** Runs until stopped. */
const WAITS = `setTimeout(() => {}, 120000); console.log('waiting');`;

let platform: TestPlatform;
let api: ExecutionApi;
let key: string;
let agentId: string;
let scriptId: string;
let firstContainerId: string;
let lastContainerId: string;

const get = (path: string) => platform.request('GET', `/api/v2/${path}`, { key });
const post = (path: string, json: unknown) => platform.request('POST', `/api/v2/${path}`, { key, json });

/** Status 200 and no schema errors, as one value so a failure shows both. */
function expectConforms(operation: string, res: { status: number; body: unknown; text: string }) {
  const body = res.status === 200 ? res.body : res.text;
  expect({ status: res.status, errors: res.status === 200 ? conformanceErrors(operation, body) : body }).toEqual({ status: 200, errors: null });
}

beforeAll(async () => {
  platform = await startPlatform({ execution: true });
  const org = await platform.newOrg({ name: 'conformance' });
  key = org.key;
  api = executionApi(platform, key);
  agentId = await api.agent('conformance-hello', HELLO, { maxParallelism: 2 });
  scriptId = String((await platform.request('GET', '/api/v1/script/by-name/json/conformance-hello.js', { key })).body.data.id);
  firstContainerId = String(await api.launch(agentId));
  await api.ended(firstContainerId);
  lastContainerId = String(await api.launch(agentId));
  await api.ended(lastContainerId);
});
afterAll(async () => {
  await platform?.close();
});

describe('agents/*', () => {
  test('GET agents/fetch', async () => expectConforms('GET agents/fetch', await get(`agents/fetch?id=${agentId}`)));
  test('GET agents/fetch-all', async () => expectConforms('GET agents/fetch-all', await get('agents/fetch-all')));
  test('POST agents/save', async () => expectConforms('POST agents/save', await post('agents/save', { name: 'saved', script: 'conformance-hello.js' })));
  test('GET agents/fetch-deleted', async () => {
    const id = (await post('agents/save', { name: 'to delete' })).body.id;
    expectConforms('POST agents/delete', await post('agents/delete', { id }));
    expectConforms('GET agents/fetch-deleted', await get('agents/fetch-deleted'));
  });
  test('POST agents/launch', async () => {
    const res = await post('agents/launch', { id: agentId, argument: { a: 1 } });
    expectConforms('POST agents/launch', res);
    await api.ended(res.body.containerId);
  });
  test('GET agents/fetch-output', async () => expectConforms('GET agents/fetch-output', await get(`agents/fetch-output?id=${agentId}`)));
  test('POST agents/launch-soon', async () => {
    const id = (await post('agents/save', { name: 'soon', script: 'conformance-hello.js' })).body.id;
    expectConforms('POST agents/launch-soon', await post('agents/launch-soon', { id, minutes: 30 }));
  });
  test('POST agents/unschedule-all', async () => expectConforms('POST agents/unschedule-all', await post('agents/unschedule-all', {})));
  test('POST agents/stop', async () => expectConforms('POST agents/stop', await post('agents/stop', { id: agentId })));
  test('POST agents/launch-sync: every NDJSON line', async () => {
    const res = await fetch(`${platform.baseUrl}/api/v2/agents/launch-sync`, {
      method: 'POST',
      headers: { 'X-Phantombuster-Key-1': key, 'content-type': 'application/json' },
      body: JSON.stringify({ id: agentId, includeLogs: true }),
    });
    const lines = ndjson(await res.text());
    expect(res.status).toBe(200);
    expect(lines[0].type).toBe('start');
    expect(lines.some((line) => line.type === 'logs')).toBe(true);
    expect(lines.map((line) => conformanceErrors('POST agents/launch-sync', line))).toEqual(lines.map(() => null));
    expect(lines.at(-1).type).toBe('summary');
  });
});

describe('containers/*', () => {
  test('GET containers/fetch', async () =>
    expectConforms('GET containers/fetch', await get(`containers/fetch?id=${lastContainerId}&withResultObject=true&withOutput=true&withRuntimeEvents=true`)));
  test('GET containers/fetch with withNewerAndOlderContainerId', async () =>
    expectConforms('GET containers/fetch', await get(`containers/fetch?id=${firstContainerId}&withNewerAndOlderContainerId=true`)));
  test('GET containers/fetch-all', async () =>
    expectConforms('GET containers/fetch-all', await get(`containers/fetch-all?agentId=${agentId}&withRuntimeEvents=true`)));
  test('GET containers/fetch-output', async () => expectConforms('GET containers/fetch-output', await get(`containers/fetch-output?id=${lastContainerId}`)));
  test('GET containers/fetch-result-object', async () =>
    expectConforms('GET containers/fetch-result-object', await get(`containers/fetch-result-object?id=${lastContainerId}`)));
  test('GET containers/attach streams the output of a container', async () => {
    const res = await platform.request('GET', `/api/v2/containers/attach?id=${lastContainerId}`, { key });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toContain('hello\n');
  });
  test("GET containers/attach: another org's container is a 404 without its output", async () => {
    const other = await platform.newOrg({ name: 'conformance-other' });
    const res = await platform.request('GET', `/api/v2/containers/attach?id=${lastContainerId}`, { key: other.key });
    expect(res.status).toBe(404);
    expect(res.text).not.toContain('hello');
  });
});

describe('manifest and master/slave parameters answer what Agentry has (no script manifests, no slave agents)', () => {
  test('agents/fetch withManifest, withSlaves, withSubSlaves: manifest null, slaves empty', async () => {
    const res = await get(`agents/fetch?id=${agentId}&withManifest=true&withSlaves=true&withSubSlaves=true`);
    expectConforms('GET agents/fetch', res);
    expect(res.body).toMatchObject({ manifest: null, slaves: [] });
    const plain = (await get(`agents/fetch?id=${agentId}`)).body;
    expect(plain).not.toHaveProperty('manifest');
    expect(plain).not.toHaveProperty('slaves');
  });
  test('withSubSlaves needs withSlaves, as documented (400 naming it)', async () => {
    const res = await get(`agents/fetch?id=${agentId}&withSubSlaves=true`);
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['withSubSlaves']);
  });
  test('agents/fetch-all inputTypes / outputTypes keep no agent (no script declares types); without them the agent is listed', async () => {
    for (const query of ['inputTypes=profileUrl', 'outputTypes=fullName,job', 'inputTypes=companyUrl&inputTypes=jobUrl']) {
      const res = await get(`agents/fetch-all?${query}`);
      expectConforms('GET agents/fetch-all', res);
      expect({ query, body: res.body }).toEqual({ query, body: [] });
    }
    expect((await get('agents/fetch-all')).body.map((a: { id: string }) => a.id)).toContain(agentId);
  });
  test.each([
    ['inputTypes=profile%20url', 'inputTypes'],
    [`outputTypes=${'x'.repeat(101)}`, 'outputTypes'],
  ])('a bad type name (%s) is a 400 naming the field', async (query, field) => {
    const res = await get(`agents/fetch-all?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual([field]);
  });
  test('agents/fetch-all withAgentSlotsFactor: each agent takes one slot', async () => {
    const res = await get('agents/fetch-all?withAgentSlotsFactor=true');
    expectConforms('GET agents/fetch-all', res);
    expect(res.body.map((a: { reservedAgentSlotsFactor: number }) => a.reservedAgentSlotsFactor)).toEqual(res.body.map(() => 1));
    expect((await get('agents/fetch-all')).body[0]).not.toHaveProperty('reservedAgentSlotsFactor');
  });
});

describe('launch metadata (agents/launch userCustomMetadata / internalMetadata) is kept on the container', () => {
  test('containers/fetch and fetch-all answer what the launch was tagged with; a launch without any answers null', async () => {
    const tags = { userCustomMetadata: { campaign: 'spring', batch: 3, vip: true }, internalMetadata: { source: 'crm' } };
    const tagged = (await post('agents/launch', { id: agentId, ...tags })).body.containerId;
    await api.ended(tagged);
    const fetched = await get(`containers/fetch?id=${tagged}`);
    expectConforms('GET containers/fetch', fetched);
    expect(fetched.body).toMatchObject(tags);
    const all = await get(`containers/fetch-all?agentId=${agentId}`);
    expectConforms('GET containers/fetch-all', all);
    expect(all.body.containers.find((c: { id: string }) => c.id === tagged)).toMatchObject(tags);
    expect((await get(`containers/fetch?id=${firstContainerId}`)).body).toMatchObject({ userCustomMetadata: null, internalMetadata: null });
  });
  test('launch-sync keeps them too', async () => {
    const res = await post('agents/launch-sync', { id: agentId, userCustomMetadata: { via: 'sync' } });
    const containerId = ndjson(res.text)[0].data.containerId;
    expect((await get(`containers/fetch?id=${containerId}`)).body.userCustomMetadata).toEqual({ via: 'sync' });
  });
  test.each([
    ['an array', { userCustomMetadata: [1] }, 'userCustomMetadata'],
    ['text that is not JSON', { internalMetadata: 'campaign=spring' }, 'internalMetadata'],
    ['a nested value', { userCustomMetadata: { a: { b: 1 } } }, 'userCustomMetadata.a'],
    ['101 keys', { internalMetadata: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i])) }, 'internalMetadata'],
    ['a 2001-character value', { userCustomMetadata: { note: 'x'.repeat(2001) } }, 'userCustomMetadata.note'],
  ])('%s is a 400 naming the field, and nothing is launched', async (_case, body, field) => {
    const before = (await get(`containers/fetch-all?agentId=${agentId}`)).body.containers.length;
    const res = await post('agents/launch', { id: agentId, ...body });
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual([field]);
    expect((await get(`containers/fetch-all?agentId=${agentId}`)).body.containers.length).toBe(before);
  });
});

describe('scripts/*', () => {
  test('POST scripts/save with {name, code}', async () =>
    expectConforms('POST scripts/save', await post('scripts/save', { name: 'conformance-saved.js', code: 'console.log(1)' })));
  test('GET scripts/fetch', async () => expectConforms('GET scripts/fetch', await get(`scripts/fetch?id=${scriptId}&withCode=true`)));
  test('GET scripts/fetch-all', async () => expectConforms('GET scripts/fetch-all', await get('scripts/fetch-all')));
  test('GET scripts/code', async () => expectConforms('GET scripts/code', await get('scripts/code?script=conformance-hello.js')));
  test('POST scripts/delete', async () => {
    const id = (await post('scripts/save', { name: 'conformance-deleted.js', code: '1' })).body.id;
    expectConforms('POST scripts/delete', await post('scripts/delete', { id }));
  });
  test('POST scripts/visibility', async () =>
    expectConforms('POST scripts/visibility', await post('scripts/visibility', { name: 'conformance-hello.js', branch: 'master', visibility: 'private' })));
  test('POST scripts/access-list: removing answers 200; sharing with another org is out of scope (501)', async () => {
    expectConforms('POST scripts/access-list', await post('scripts/access-list', { name: 'conformance-hello.js', branch: 'master', remove: 'other-org' }));
    const share = await post('scripts/access-list', { name: 'conformance-hello.js', branch: 'master', add: 'other-org' });
    expect(share.status).toBe(501);
    expect(share.body).toMatchObject({ error: 'NOT_IMPLEMENTED', message: expect.stringContaining('is not part of Agentry') });
  });
});

describe('branches/* (the flows: branches.int.test.ts)', () => {
  test('GET branches/fetch-all', async () => expectConforms('GET branches/fetch-all', await get('branches/fetch-all')));
  test('GET branches/diff', async () => {
    const res = await get('branches/diff?name=master');
    expectConforms('GET branches/diff', res);
    expect(res.body).toContainEqual(expect.objectContaining({ id: scriptId, diffLength: 0 }));
  });
  test("POST branches/create, release, delete; another org's script is a 412", async () => {
    const created = await post('branches/create', { name: 'conformance' });
    expectConforms('POST branches/create', created);
    expectConforms('POST branches/release', await post('branches/release', { name: 'master', scriptIds: [scriptId] }));
    const other = await platform.newOrg({ name: 'conformance-branches-other' });
    const res = await platform.request('POST', '/api/v2/branches/release', { key: other.key, json: { name: 'master', scriptIds: [scriptId] } });
    expect(res.status).toBe(412);
    expectConforms('POST branches/delete', await post('branches/delete', { id: created.body.id }));
  });
});

describe('orgs/*', () => {
  test('GET orgs/fetch', async () => expectConforms('GET orgs/fetch', await get('orgs/fetch')));
  test('GET orgs/fetch-resources', async () => expectConforms('GET orgs/fetch-resources', await get('orgs/fetch-resources')));
  test('GET orgs/fetch-running-containers with one running', async () => {
    const waiting = await api.agent('conformance-waits', WAITS);
    const containerId = await api.launch(waiting);
    await api.running(containerId);
    try {
      const res = await get('orgs/fetch-running-containers');
      expectConforms('GET orgs/fetch-running-containers', res);
      expect(res.body.containers.map((c: { id: string }) => c.id)).toContain(String(containerId));
    } finally {
      await post('agents/stop', { id: waiting });
    }
  });
  test('POST orgs/save-agent-groups then GET orgs/fetch-agent-groups', async () => {
    const groups = [agentId, { id: 'g1', name: 'Group one', agents: [agentId] }];
    expectConforms('POST orgs/save-agent-groups', await post('orgs/save-agent-groups', { agentGroups: groups }));
    const res = await get('orgs/fetch-agent-groups');
    expectConforms('GET orgs/fetch-agent-groups', res);
    expect(res.body).toEqual(groups);
  });
  test("orgs/save-agent-groups refuses another org's agent ids (400 naming agentGroups), keeping the layout", async () => {
    const other = await platform.newOrg({ name: 'conformance-groups-other' });
    const res = await platform.request('POST', '/api/v2/orgs/save-agent-groups', { key: other.key, json: { agentGroups: [agentId] } });
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['agentGroups']);
    expect((await platform.request('GET', '/api/v2/orgs/fetch-agent-groups', { key: other.key })).body).toEqual([]);
  });
  test.each(['orgs/export-agent-usage?days=7', `orgs/export-container-usage?days=7`])('GET %s answers CSV', async (path) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.text).toContain(agentId);
  });
  test('usage exports defuse formulas in agent names', async () => {
    await post('agents/save', { id: agentId, name: '=HYPERLINK("http://evil.example")' });
    try {
      const res = await get(`orgs/export-container-usage?days=1&agentId=${agentId}`);
      expect(res.text).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
      expect(res.text).not.toMatch(/(^|,)=HYPERLINK/m);
    } finally {
      await post('agents/save', { id: agentId, name: 'conformance-hello' });
    }
  });
  test('usage exports need days (400 naming it)', async () => {
    const res = await get('orgs/export-agent-usage');
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['days']);
  });
});

describe('liberal parsing where the document is loose', () => {
  test('containers/fetch?withResultObject=2 is true (the document types it as a string)', async () => {
    const res = await get(`containers/fetch?id=${lastContainerId}&withResultObject=2`);
    expect(res.status).toBe(200);
    expect(res.body.resultObject).toBe('{"ok":true}');
  });
  test("agents/fetch-output accepts the misspelled prevStatus 'lauch error' a popular integration sends", async () => {
    const res = await get(`agents/fetch-output?id=${agentId}&prevStatus=lauch%20error&prevContainerId=${lastContainerId}&prevRuntimeEventIndex=0`);
    expectConforms('GET agents/fetch-output', res);
  });
  test('agents/launch with saveArgument as text and numbers as strings', async () => {
    const id = (await post('agents/save', { name: 'liberal', script: 'conformance-hello.js' })).body.id;
    const res = await post('agents/launch', { id, argument: '{"kept":1}', saveArgument: 'true', maxInstanceCount: '2' });
    expectConforms('POST agents/launch', res);
    await api.ended(res.body.containerId);
    expect((await get(`agents/fetch?id=${id}`)).body.argument).toBe('{"kept":1}');
  });
});

describe('out of scope groups answer 501 with a clear message', () => {
  test.each([
    ['POST', 'org-storage/leads/save'],
    ['GET', 'org-storage/lists/fetch-all'],
    ['POST', 'identities/generate-token'],
    ['POST', 'ai/completions'],
    ['POST', 'hcaptcha'],
    ['POST', 'recaptcha'],
    ['GET', 'location/ip'],
    ['GET', 'brightdata/serp'],
    ['GET', 'orgs/fetch-crm-access'],
  ])('%s %s', async (method, path) => {
    const res = await platform.request(method, `/api/v2/${path}`, { key, ...(method === 'POST' ? { json: {} } : {}) });
    expect(res.status).toBe(501);
    expect(res.body).toMatchObject({ status: 'error', error: 'NOT_IMPLEMENTED', message: expect.stringContaining('is not part of Agentry') });
  });
});
