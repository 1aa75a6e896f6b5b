import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { waitUntil } from '@agentry/testing';
import { executionApi, type ExecutionApi } from '../containers/execution-test-kit.js';

/**
 * `buster.apiKey`: a key for the run's own org, issued when the run starts and refused from the moment
 * it ends. The script uses it against the v2 API itself (the harness runs scripts unsandboxed, so the
 * gateway on loopback is in reach; in a sandbox it is only if the operator lists the gateway's port in
 * AGENTRY_EGRESS_HOST_PORTS), then hands it to the test through its result object so the test can try
 * it after the end — something a real script has no reason to do.
 */
const USES_ITS_KEY = `
const buster = require('phantombuster').create();
const { base, otherContainerId, otherOrgId } = buster.argument;
const call = async (method, path, opts = {}) =>
  (await fetch(base + path, { method, headers: { 'X-Phantombuster-Key-1': buster.apiKey, 'content-type': 'application/json', ...opts.headers }, body: opts.body })).status;
(async () => {
  const statuses = {
    ownAgent: await call('GET', '/api/v2/agents/fetch?id=' + buster.agentId),
    ownContainer: await call('GET', '/api/v2/containers/fetch?id=' + buster.containerId),
    otherOrgsContainer: await call('GET', '/api/v2/containers/fetch?id=' + otherContainerId),
    otherOrgByHeader: await call('GET', '/api/v2/containers/fetch?id=' + otherContainerId, { headers: { 'X-Phantombuster-Org': String(otherOrgId) } }),
    saveAgent: await call('POST', '/api/v2/agents/save', { body: JSON.stringify({ name: 'written by a run' }) }),
    createKey: await call('POST', '/api/v2/org/api-keys', { body: JSON.stringify({ roles: ['org:admin'] }) }),
  };
  await buster.setResultObject({ statuses, key: buster.apiKey });
  setTimeout(() => {}, 120000);
})();
`;

let platform: TestPlatform;
let api: ExecutionApi;
let agentId: string;
let otherOrg: { orgId: string; key: string };
let otherContainerId: number;

beforeAll(async () => {
  platform = await startPlatform({ execution: true });
  const org = await platform.newOrg({ name: 'run-keys' });
  api = executionApi(platform, org.key);
  agentId = await api.agent('uses-its-key', USES_ITS_KEY);
  otherOrg = await platform.newOrg({ name: 'run-keys-other' });
  const other = executionApi(platform, otherOrg.key);
  otherContainerId = await other.launch(await other.agent('other-org-run', 'console.log("mine")'));
  await other.ended(otherContainerId);
});
afterAll(async () => {
  await platform?.close();
});

test("the run's key works for its org while it runs, within read and launch rights, and is refused once the run ended", async () => {
  const argument = { base: platform.baseUrl, otherContainerId, otherOrgId: otherOrg.orgId };
  const launched = await platform.request('POST', '/api/v2/agents/launch', { key: api.key, json: { id: agentId, argument } });
  const containerId = launched.body.containerId as string;
  let result: { statuses: Record<string, number>; key: string } | undefined;
  await waitUntil(
    async () => {
      const res = await platform.request('GET', `/api/v2/containers/fetch-result-object?id=${containerId}`, { key: api.key });
      result = res.body.resultObject ? JSON.parse(res.body.resultObject) : undefined;
      return result !== undefined;
    },
    { timeoutMs: 30_000, message: 'the script to report what its key could do' },
  );
  expect(result!.statuses).toEqual({ ownAgent: 200, ownContainer: 200, otherOrgsContainer: 404, otherOrgByHeader: 404, saveAgent: 403, createKey: 403 });
  const key = result!.key;
  expect(key).toMatch(/^rk_\d+_[A-Za-z0-9]{24}$/);
  expect(key).not.toBe(api.key);

  // Still running: the key works from outside the run too.
  expect((await platform.request('GET', `/api/v2/agents/fetch?id=${agentId}`, { key })).status).toBe(200);
  const forged = key.replace(/.{4}$/, key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
  expect((await platform.request('GET', `/api/v2/agents/fetch?id=${agentId}`, { key: forged })).status).toBe(401);

  await platform.request('POST', '/api/v2/agents/stop', { key: api.key, json: { id: agentId } });
  await api.ended(containerId);
  const after = await platform.request('GET', `/api/v2/agents/fetch?id=${agentId}`, { key });
  expect({ status: after.status, message: after.body.message }).toEqual({ status: 401, message: 'Invalid API key' });
  // Never written to the run's console output.
  expect(await api.storedOutput(containerId)).not.toContain(key);
});
