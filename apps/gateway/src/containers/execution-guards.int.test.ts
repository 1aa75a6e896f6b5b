import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { executionApi, type ExecutionApi } from './execution-test-kit.js';

/** Every execution endpoint: another org sees nothing and changes nothing; bad input answers 400 naming the field. */

let platform: TestPlatform;
let owner: ExecutionApi;
let stranger: ExecutionApi;
let agent: string;
let containerId: number;

beforeAll(async () => {
  platform = await startPlatform({ execution: true });
  owner = executionApi(platform, (await platform.newOrg({ name: 'owner' })).key);
  stranger = executionApi(platform, (await platform.newOrg({ name: 'stranger' })).key);
  agent = await owner.agent('owned', `require('phantombuster').create().saveText('x', 'f.txt').then(() => console.log('done'))`);
  containerId = await owner.launch(agent);
  await owner.ended(containerId);
});
afterAll(async () => {
  await platform?.close();
});

interface Call {
  label: string;
  method: string;
  path: () => string;
  json?: () => unknown;
}

const calls: Call[] = [
  { label: 'v1 launch (json)', method: 'POST', path: () => `/api/v1/agent/${agent}/launch` },
  { label: 'v1 launch (event-stream)', method: 'GET', path: () => `/api/v1/agent/${agent}/launch?output=event-stream` },
  { label: 'v1 launch (raw)', method: 'GET', path: () => `/api/v1/agent/${agent}/launch?output=raw` },
  { label: 'v1 launch (result-object)', method: 'GET', path: () => `/api/v1/agent/${agent}/launch?output=result-object` },
  { label: 'v1 abort', method: 'POST', path: () => `/api/v1/agent/${agent}/abort.json` },
  { label: 'v1 output.json', method: 'GET', path: () => `/api/v1/agent/${agent}/output.json` },
  { label: 'v1 output.json (track)', method: 'GET', path: () => `/api/v1/agent/${agent}/output.json?containerId=${containerId}` },
  { label: 'v1 containers.json', method: 'GET', path: () => `/api/v1/agent/${agent}/containers.json` },
  { label: 'v1 storage', method: 'GET', path: () => `/api/v1/agent/${agent}/storage/f.txt` },
  { label: 'v2 launch', method: 'POST', path: () => '/api/v2/agents/launch', json: () => ({ id: agent }) },
  { label: 'v2 launch-sync', method: 'POST', path: () => '/api/v2/agents/launch-sync', json: () => ({ id: agent }) },
  { label: 'v2 stop', method: 'POST', path: () => '/api/v2/agents/stop', json: () => ({ id: agent }) },
  { label: 'v2 agents/fetch-output', method: 'GET', path: () => `/api/v2/agents/fetch-output?id=${agent}` },
  { label: 'v2 containers/fetch', method: 'GET', path: () => `/api/v2/containers/fetch?id=${containerId}` },
  { label: 'v2 containers/fetch-all', method: 'GET', path: () => `/api/v2/containers/fetch-all?agentId=${agent}` },
  { label: 'v2 containers/fetch-output', method: 'GET', path: () => `/api/v2/containers/fetch-output?id=${containerId}` },
  { label: 'v2 containers/fetch-result-object', method: 'GET', path: () => `/api/v2/containers/fetch-result-object?id=${containerId}` },
  { label: 'the agents API execute', method: 'POST', path: () => `/v1/agents/${agent}/execute`, json: () => ({}) },
];

test.each(calls)("$label: another org's agent or container is not found", async ({ method, path, json }) => {
  const res = await platform.request(method, path(), { key: stranger.key, json: json?.() });
  expect(res.status).toBe(404);
  expect(res.text).not.toContain('done');
});

test.each(calls)('$label: no key, no answer', async ({ method, path, json }) => {
  const res = await platform.request(method, path(), { json: json?.() });
  expect(res.status).toBe(401);
});

test("nothing the stranger did launched or stopped the owner's agent; its running list stays its own", async () => {
  const history = await platform.request('GET', `/api/v1/agent/${agent}/containers.json`, { key: owner.key });
  expect(history.body.data.map((c: { id: number }) => c.id)).toEqual([containerId]);
  const running = await platform.request('GET', '/api/v2/orgs/fetch-running-containers', { key: stranger.key });
  expect(running.body).toEqual({ containers: [] });
});

interface BadCall {
  field: string;
  method: string;
  path: () => string;
  json?: () => unknown;
}

const badInput: BadCall[] = [
  { field: 'id', method: 'GET', path: () => '/api/v1/agent/abc/launch' },
  { field: 'output', method: 'GET', path: () => `/api/v1/agent/${agent}/launch?output=xml` },
  { field: 'command', method: 'GET', path: () => `/api/v1/agent/${agent}/launch?command=python` },
  { field: 'argument', method: 'GET', path: () => `/api/v1/agent/${agent}/launch?argument=%7Bnope` },
  { field: 'id', method: 'POST', path: () => '/api/v1/agent/0/abort.json' },
  { field: 'mode', method: 'GET', path: () => `/api/v1/agent/${agent}/output.json?mode=latest` },
  { field: 'containerId', method: 'GET', path: () => `/api/v1/agent/${agent}/output.json?mode=track` },
  { field: 'fromOutputPos', method: 'GET', path: () => `/api/v1/agent/${agent}/output.json?fromOutputPos=-1` },
  { field: 'fromMessageId', method: 'GET', path: () => `/api/v1/agent/${agent}/output.json?fromMessageId=x` },
  { field: 'id', method: 'GET', path: () => '/api/v1/agent/x/containers.json' },
  { field: 'id', method: 'POST', path: () => '/api/v2/agents/launch', json: () => ({}) },
  { field: 'argument', method: 'POST', path: () => '/api/v2/agents/launch', json: () => ({ id: agent, argument: '{nope' }) },
  { field: 'maxInstanceCount', method: 'POST', path: () => '/api/v2/agents/launch', json: () => ({ id: agent, maxInstanceCount: 0 }) },
  { field: 'bonusArgument', method: 'POST', path: () => '/api/v2/agents/launch-sync', json: () => ({ id: agent, bonusArgument: 'nope' }) },
  { field: 'softAbort', method: 'POST', path: () => '/api/v2/agents/stop', json: () => ({ id: agent, softAbort: 'maybe' }) },
  { field: 'containerId', method: 'POST', path: () => '/api/v2/agents/stop', json: () => ({ id: agent, containerId: 'x' }) },
  { field: 'prevStatus', method: 'GET', path: () => `/api/v2/agents/fetch-output?id=${agent}&prevStatus=sleeping` },
  { field: 'id', method: 'GET', path: () => '/api/v2/containers/fetch' },
  { field: 'limit', method: 'GET', path: () => `/api/v2/containers/fetch-all?agentId=${agent}&limit=0` },
  { field: 'mode', method: 'GET', path: () => `/api/v2/containers/fetch-all?agentId=${agent}&mode=some` },
  { field: 'id', method: 'GET', path: () => '/api/v2/containers/fetch-result-object?id=-4' },
  { field: 'argument', method: 'POST', path: () => `/v1/agents/${agent}/execute`, json: () => ({ argument: '{nope' }) },
];

test.each(badInput)('400 naming $field ($method)', async ({ field, method, path, json }) => {
  const res = await platform.request(method, path(), { key: owner.key, json: json?.() });
  expect(res.status).toBe(400);
  const fields: { field: string }[] = res.body.data?.fields ?? res.body.details ?? [];
  expect(fields.map((f) => f.field)).toContain(field);
});
