/**
 * examples/subscriber-results-table against the real platform: registry, executor (real script processes),
 * output, the notifier publishing public events, and the example copying finished runs' result objects into a
 * table of its own database.
 */
import { jest } from '@jest/globals';
import pg from 'pg';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { createTestDatabase, waitUntil, type TestDatabase } from '@agentry/testing';
import { testNotifierConfig } from '../testing/notifier-config.js';
import { startNotifier, type RunningNotifier } from '../notifier-app.js';
import { startResultsTable, type RunningResultsTable } from '../../../../examples/subscriber-results-table/src/results-table.js';

jest.setTimeout(120_000);

let platform: TestPlatform;
let notifier: RunningNotifier;
let exampleDb: TestDatabase;
let pool: pg.Pool;
let example: RunningResultsTable;
let org: { orgId: string; key: string };

beforeAll(async () => {
  platform = await startPlatform({ execution: true });
  notifier = await startNotifier(testNotifierConfig(platform));
  exampleDb = await createTestDatabase();
  pool = new pg.Pool({ connectionString: exampleDb.url, max: 2 });
  org = await platform.newOrg();
});
afterAll(async () => {
  await example?.stop();
  await notifier?.close();
  await pool?.end();
  await exampleDb?.drop();
  await platform?.close();
});

async function agentRunning(name: string, code: string): Promise<string> {
  const script = await platform.request('POST', `/api/v1/script/${name}.js`, { key: org.key, form: { text: code } });
  expect(script.status).toBe(200);
  const saved = await platform.request('POST', '/api/v2/agents/save', { key: org.key, json: { name, scriptId: script.body.data } });
  expect(saved.status).toBe(200);
  return String(saved.body.id);
}
async function launch(agentId: string): Promise<string> {
  const res = await platform.request('POST', '/api/v2/agents/launch', { key: org.key, json: { id: agentId } });
  expect(res.status).toBe(200);
  return String(res.body.containerId);
}
const rows = async () =>
  (await pool.query(`SELECT container_id, org_id, agent_id, status, exit_code, result_object FROM run_results ORDER BY container_id`)).rows;
const ended = async (containerId: string) =>
  (await platform.request('GET', `/api/v2/containers/fetch?id=${containerId}`, { key: org.key })).body?.status === 'finished';

test('a finished run`s result object lands in run_results once, across a restart of the copier; a run without one adds no row', async () => {
  example = await startResultsTable({ natsUrl: platform.natsUrl, databaseUrl: exampleDb.url, orgs: [org.orgId] });
  const withResult = await agentRunning(
    'with_result',
    `const buster = require('phantombuster').create(); buster.setResultObject({ rows: 3, source: 'example' }, (err) => process.exit(err ? 2 : 0));`,
  );
  const without = await agentRunning('without_result', `console.log('nothing to keep')`);

  const first = await launch(withResult);
  const nothing = await launch(without);
  await waitUntil(async () => (await rows()).length === 1, { timeoutMs: 60_000, message: 'the first run copied' });
  await waitUntil(() => ended(nothing), { timeoutMs: 60_000, message: 'the run without a result object ended' });

  await example.stop(); // the copier restarts; runs end meanwhile
  const second = await launch(withResult);
  await waitUntil(() => ended(second), { timeoutMs: 60_000, message: 'the second run ended while the copier was down' });
  example = await startResultsTable({ natsUrl: platform.natsUrl, databaseUrl: exampleDb.url, orgs: [org.orgId] });
  await waitUntil(async () => (await rows()).length === 2, { timeoutMs: 60_000, message: 'the second run copied after the restart' });

  expect(await rows()).toEqual(
    [first, second].sort().map((containerId) => ({
      container_id: containerId,
      org_id: org.orgId,
      agent_id: withResult,
      status: 'complete',
      exit_code: 0,
      result_object: { rows: 3, source: 'example' },
    })),
  );
  expect((await pool.query(`SELECT count(*)::int AS n FROM run_results_events`)).rows[0].n).toBe(2);
});
