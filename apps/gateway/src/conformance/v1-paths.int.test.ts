import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { executionApi, type ExecutionApi } from '../containers/execution-test-kit.js';

/**
 * The v1 document's paths without `.json` answer exactly what the v1 API's `.json` paths answer,
 * and the public script uploader's two calls (script, then store-info) both succeed.
 */

let platform: TestPlatform;
let api: ExecutionApi;
let key: string;
let agentId: string;

beforeAll(async () => {
  platform = await startPlatform({ execution: true });
  key = (await platform.newOrg({ name: 'v1-paths' })).key;
  api = executionApi(platform, key);
  agentId = await api.agent('v1-paths', 'console.log("v1 paths")');
  await api.ended(await api.launch(agentId));
});
afterAll(async () => {
  await platform?.close();
});

const get = (path: string, k = key) => platform.request('GET', `/api/v1/${path}`, { key: k });

describe('paths with and without .json answer the same', () => {
  test.each([
    ['agent/{id}', (id: string) => `agent/${id}`],
    ['agent/{id}/output', (id: string) => `agent/${id}/output`],
    ['agent/{id}/containers', (id: string) => `agent/${id}/containers`],
    ['user', () => 'user'],
  ])('GET %s', async (_name, path) => {
    const bare = await get(path(agentId));
    const json = await get(`${path(agentId)}.json`);
    expect(bare.status).toBe(200);
    expect(bare.body.status).toBe('success');
    expect(bare.body).toEqual(json.body);
  });

  test.each(['abort', 'abort.json'])('POST agent/{id}/%s', async (path) => {
    const res = await platform.request('POST', `/api/v1/agent/${agentId}/${path}`, { key });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('success');
  });

  test("another org's agent is a 404 on the bare paths too", async () => {
    const other = (await platform.newOrg({ name: 'v1-paths-other' })).key;
    for (const path of [`agent/${agentId}`, `agent/${agentId}/output`, `agent/${agentId}/containers`]) {
      const res = await get(path, other);
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('v1 paths');
    }
  });
});

describe('the public script uploader (phantombuster-sdk)', () => {
  test('uploads a script, then its store info, both answered success', async () => {
    const uploaded = await platform.request('POST', '/api/v1/script/uploaded.js', { key, json: { text: 'console.log(1)', source: 'sdk' } });
    expect(uploaded.body).toEqual({ status: 'success', data: expect.any(Number) });
    const info = await platform.request('POST', '/api/v1/store-info/by-name/uploaded.js', {
      key,
      json: { infoString: '{"slug":"uploaded","description":"x"}', markdown: '# Uploaded' },
    });
    expect(info.status).toBe(200);
    expect(info.body.status).toBe('success');
  });

  test("store info of a script the org doesn't have is a 404; broken JSON is a 400 naming infoString", async () => {
    const missing = await platform.request('POST', '/api/v1/store-info/by-name/nothing.js', { key, json: { infoString: '{}', markdown: '' } });
    expect(missing.status).toBe(404);
    const broken = await platform.request('POST', '/api/v1/store-info/by-name/uploaded.js', { key, json: { infoString: '{nope', markdown: '' } });
    expect(broken.status).toBe(400);
    expect(broken.body.data.fields.map((f: { field: string }) => f.field)).toEqual(['infoString']);
  });
});
