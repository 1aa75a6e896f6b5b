import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { conformanceErrors } from '../conformance/conformance-test-kit.js';
import { executionApi, type ExecutionApi } from './execution-test-kit.js';

/**
 * csvName / jsonName through the whole platform: a script saves the agent's conventional result
 * files, the executor records them (ContainerResultFileSaved), the output service folds them and the
 * gateway answers them on containers/fetch and fetch-all; agents/fetch and fetch-all answer the
 * names the agent's argument configures. A run saving none answers null (the control).
 */

const SAVES_RESULTS = `
const buster = require('phantombuster').create();
buster.saveResults([{ name: 'Ada', city: 'London' }]).then(() => console.log('saved'));
`;
const SAVES_OTHER = `require('phantombuster').create().saveText('not a result', 'notes.csv');`;

let platform: TestPlatform;
let api: ExecutionApi;
let key: string;
const get = (path: string) => platform.request('GET', `/api/v2/${path}`, { key });

beforeAll(async () => {
  platform = await startPlatform({ execution: true });
  key = (await platform.newOrg({ name: 'result files' })).key;
  api = executionApi(platform, key);
});
afterAll(async () => {
  await platform?.close();
});

test('containers/fetch and fetch-all answer the result files the run stored; agents/fetch the configured names', async () => {
  const agentId = await api.agent('result-files', SAVES_RESULTS, { argument: { csvName: 'leads.csv', jsonName: 'people' } });
  const containerId = await api.launch(agentId);
  await api.ended(containerId);

  const fetched = await get(`containers/fetch?id=${containerId}`);
  expect({ status: fetched.status, errors: conformanceErrors('GET containers/fetch', fetched.body) }).toEqual({ status: 200, errors: null });
  expect(fetched.body).toMatchObject({ csvName: 'leads', jsonName: 'people' });
  const all = await get(`containers/fetch-all?agentId=${agentId}`);
  expect(all.body.containers.find((c: { id: string }) => c.id === String(containerId))).toMatchObject({ csvName: 'leads', jsonName: 'people' });

  const agent = await get(`agents/fetch?id=${agentId}`);
  expect({ status: agent.status, errors: conformanceErrors('GET agents/fetch', agent.body) }).toEqual({ status: 200, errors: null });
  expect(agent.body).toMatchObject({ csvName: 'leads', jsonName: 'people' });
  const agents = await get('agents/fetch-all');
  expect(agents.body.find((a: { id: string }) => a.id === agentId)).toMatchObject({ csvName: 'leads', jsonName: 'people' });

  const stored = await platform.request('GET', `/api/v1/agent/${agentId}/storage/leads.csv`, { key });
  expect(stored.text).toBe('name,city\r\nAda,London\r\n');
}, 120_000);

test('control: a run saving no result file, and an agent naming none, answer null', async () => {
  const agentId = await api.agent('no-result-files', SAVES_OTHER);
  const containerId = await api.launch(agentId);
  await api.ended(containerId);
  expect((await get(`containers/fetch?id=${containerId}`)).body).toMatchObject({ csvName: null, jsonName: null });
  expect((await get(`agents/fetch?id=${agentId}`)).body).toMatchObject({ csvName: null, jsonName: null });
}, 120_000);
