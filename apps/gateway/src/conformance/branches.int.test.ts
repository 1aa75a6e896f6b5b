import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { executionApi, type ExecutionApi } from '../containers/execution-test-kit.js';
import { conformanceErrors } from './conformance-test-kit.js';

/**
 * `branches/*` and the environments of scripts: a save with `branch` writes that branch's staging code,
 * `branches/release` promotes it to release, and an agent runs the code of the branch and environment it
 * points at (the launch snapshot picks it). Checked through the whole platform, runs included.
 */
let platform: TestPlatform;
let api: ExecutionApi;
let key: string;
let scriptId: string;
let devId: string;

const get = (path: string, k = key) => platform.request('GET', `/api/v2/${path}`, { key: k });
const post = (path: string, json: unknown, k = key) => platform.request('POST', `/api/v2/${path}`, { key: k, json });
const fieldsOf = (res: { body: { details?: { field: string }[] } }) => res.body.details?.map((d) => d.field);

/** An agent on `branch` / `environment` (null: the one-version default) of flow.js. */
async function agentOn(name: string, branch: string | null, environment: string | null): Promise<string> {
  const res = await post('agents/save', { name, script: 'flow.js', ...(branch ? { branch } : {}), ...(environment ? { environment } : {}) });
  expect(res.status).toBe(200);
  return res.body.id;
}

/** What a run of the agent printed, or the launch's refusal. */
async function runOf(agentId: string): Promise<string> {
  const launched = await post('agents/launch', { id: agentId });
  if (launched.status !== 200) return `refused ${launched.status}: ${launched.body.message}`;
  await api.ended(launched.body.containerId);
  // Its last line: the harness runs scripts unsandboxed, which the first line says.
  return (await api.storedOutput(launched.body.containerId)).trim().split('\n').at(-1)!;
}

beforeAll(async () => {
  platform = await startPlatform({ execution: true });
  key = (await platform.newOrg({ name: 'branches' })).key;
  api = executionApi(platform, key);
  scriptId = (await post('scripts/save', { name: 'flow.js', code: "console.log('v1')" })).body.id;
});
afterAll(async () => {
  await platform?.close();
});

test('a branch: created, listed, its staging code saved, diffed, run by staging agents; release agents run it once released', async () => {
  const created = await post('branches/create', { name: 'dev' });
  expect({ status: created.status, errors: conformanceErrors('POST branches/create', created.body) }).toEqual({ status: 200, errors: null });
  devId = created.body.id;
  const listed = await get('branches/fetch-all');
  expect(conformanceErrors('GET branches/fetch-all', listed.body)).toBeNull();
  expect(listed.body.map((b: { name: string }) => b.name)).toEqual(['master', 'dev']);

  expect((await post('scripts/save', { name: 'flow.js', code: "console.log('dev-2')", branch: 'dev' })).status).toBe(200);
  const diff = await get('branches/diff?name=dev');
  expect(conformanceErrors('GET branches/diff', diff.body)).toBeNull();
  expect(diff.body).toEqual([expect.objectContaining({ id: scriptId, name: 'flow.js', diffLength: "console.log('dev-2')".length })]);

  const staging = await agentOn('dev staging', 'dev', 'staging');
  const release = await agentOn('dev release', 'dev', 'release');
  const plain = await agentOn('one version', null, null);
  expect(await runOf(staging)).toBe('dev-2');
  expect(await runOf(release)).toMatch(/^refused 409: flow\.js: The script has no release code in branch "dev" yet/);
  expect(await runOf(plain)).toBe('v1');

  const released = await post('branches/release', { name: 'dev', scriptIds: [scriptId] });
  expect(released.status).toBe(200);
  expect((await get('branches/diff?name=dev')).body[0].diffLength).toBe(0);
  expect(await runOf(release)).toBe('dev-2');
  expect(await runOf(plain)).toBe('v1');

  const fetched = await get(`scripts/fetch?id=${scriptId}&branch=dev&environment=release&withCode=true`);
  expect(conformanceErrors('GET scripts/fetch', fetched.body)).toBeNull();
  expect(fetched.body).toMatchObject({ branch: 'dev', environment: 'release', code: "console.log('dev-2')" });
  expect(fetched.body.branches.map((b: { name: string; environment: string }) => `${b.name}:${b.environment}`)).toEqual(['master:release', 'dev:release']);
});

test("master's staging code waits for its release; a save without branch goes live at once, as before branches", async () => {
  const plain = await agentOn('master default', null, null);
  const masterStaging = await agentOn('master staging', 'master', 'staging');
  await post('scripts/save', { name: 'flow.js', code: "console.log('m-staged')", branch: 'master' });
  expect(await runOf(masterStaging)).toBe('m-staged');
  expect(await runOf(plain)).toBe('v1');
  expect((await get('scripts/code?script=flow.js&branch=master&environment=staging')).body.code).toBe("console.log('m-staged')");
  await post('branches/release', { name: 'master', scriptIds: [scriptId] });
  expect(await runOf(plain)).toBe('m-staged');
  await post('scripts/save', { name: 'flow.js', code: "console.log('v3')" });
  expect(await runOf(plain)).toBe('v3');
  expect(await runOf(masterStaging)).toBe('v3');
});

test('another org: its own branches only — our branch id is a 400, our script a 412, our branch not listed', async () => {
  const other = (await platform.newOrg({ name: 'branches-other' })).key;
  const deleted = await post('branches/delete', { id: devId }, other);
  expect({ status: deleted.status, fields: fieldsOf(deleted) }).toEqual({ status: 400, fields: ['id'] });
  expect((await post('branches/release', { name: 'master', scriptIds: [scriptId] }, other)).status).toBe(412);
  expect((await get('branches/fetch-all', other)).body.map((b: { name: string }) => b.name)).toEqual(['master']);
  expect((await get(`scripts/fetch?id=${scriptId}&branch=dev`, other)).status).toBe(404);
  // Its own branch of the same name is its own.
  expect((await post('branches/create', { name: 'dev' }, other)).status).toBe(200);
});

test.each([
  ['branches/create', { name: '../etc' }, 'name'],
  ['branches/create', { name: 'dev' }, 'name'],
  ['branches/create', { name: 'master' }, 'name'],
  ['branches/delete', { id: 'abc' }, 'id'],
  ['branches/delete', { id: '0' }, 'id'],
  ['branches/release', { name: 'dev', scriptIds: 'x' }, 'scriptIds'],
  ['branches/release', { name: 'nope', scriptIds: ['1'] }, 'name'],
  ['scripts/save', { name: 'flow.js', code: '1', branch: 'nope' }, 'branch'],
  ['scripts/save', { name: 'flow.js', branch: 'dev' }, 'code'],
])('%s %j is a 400 naming %s', async (path, body, field) => {
  const res = await post(path, body);
  expect({ status: res.status, fields: fieldsOf(res) }).toEqual({ status: 400, fields: [field] });
});

test('a deleted branch is gone: not listed, agents on it refused saying so', async () => {
  const agent = await agentOn('on a branch to delete', 'dev', 'release');
  expect((await post('branches/delete', { id: devId })).status).toBe(200);
  expect((await get('branches/fetch-all')).body.map((b: { name: string }) => b.name)).toEqual(['master']);
  expect(await runOf(agent)).toBe('refused 409: flow.js: No branch named "dev"');
  expect((await get(`scripts/fetch?id=${scriptId}&branch=dev`)).status).toBe(412);
});
