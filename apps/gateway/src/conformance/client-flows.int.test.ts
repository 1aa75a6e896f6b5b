import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { NO_SANDBOX_WARNING } from '@agentry/contracts';
import { ndjson } from '../containers/execution-test-kit.js';
import { conformanceErrors } from './conformance-test-kit.js';

/**
 * The flows real integrations run against PhantomBuster's v2 API, end to end with real runs: upload
 * a script, save an agent, launch it, poll `agents/fetch-output` the way the popular integrations
 * do (carrying `prevContainerId`, `prevStatus`, `fromOutputPos`, `prevRuntimeEventIndex` from one
 * answer to the next), read the result object, launch-sync, delete. Every answer is checked
 * against the v2 schemas too.
 */

/** Prints over time so a poller sees the run in several pieces. */
const SCRIPT = `
// The documented modern form (runtime-sdk): a constructor; the classic create() answers the same object.
const Buster = require('phantombuster');
const buster = new Buster();
if (buster !== Buster.create()) throw new Error('two API objects');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
(async () => {
  console.log('step one ' + buster.argument.who);
  await buster.message('first message');
  await sleep(300);
  buster.progressHint(0.5, 'half way');
  console.log('step two');
  await buster.message('second message', 'info');
  await sleep(300);
  await buster.setResultObject({ greeted: buster.argument.who });
  console.log('step three');
})();
`;

let platform: TestPlatform;
let key: string;

const get = async (path: string, operation?: string) => {
  const res = await platform.request('GET', `/api/v2/${path}`, { key });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.text}`);
  if (operation) expect(conformanceErrors(operation, res.body)).toBeNull();
  return res.body;
};
const post = async (path: string, json: unknown, operation?: string) => {
  const res = await platform.request('POST', `/api/v2/${path}`, { key, json });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.text}`);
  if (operation) expect(conformanceErrors(operation, res.body)).toBeNull();
  return res.body;
};

beforeAll(async () => {
  platform = await startPlatform({ execution: true });
  key = (await platform.newOrg({ name: 'client-flows' })).key;
});
afterAll(async () => {
  await platform?.close();
});

test('upload, save, launch, poll fetch-output incrementally, read the result object, delete', async () => {
  const script = await post('scripts/save', { name: 'greeter.js', code: SCRIPT }, 'POST scripts/save');
  const { id: agentId } = await post('agents/save', { name: 'Greeter', script: script.name, argument: { who: 'world' } }, 'POST agents/save');
  const { containerId } = await post('agents/launch', { id: agentId, bonusArgument: { who: 'you' } }, 'POST agents/launch');

  // The poller of a typical integration: it only ever sends back what the last answer told it.
  let output = '';
  const events: { slug: string; text?: string }[] = [];
  let prev = { containerId: '', status: '', outputPos: 0, runtimeEventIndex: 0 };
  let polls = 0;
  for (;;) {
    const query = new URLSearchParams({ id: agentId, fromOutputPos: String(prev.outputPos), prevRuntimeEventIndex: String(prev.runtimeEventIndex) });
    if (prev.containerId) query.set('prevContainerId', prev.containerId);
    if (prev.status) query.set('prevStatus', prev.status);
    const answer = await get(`agents/fetch-output?${query}`, 'GET agents/fetch-output');
    polls++;
    if (answer.containerId && answer.containerId !== containerId) throw new Error(`another container: ${answer.containerId}`);
    output += answer.output ?? '';
    events.push(...(answer.runtimeEvents ?? []));
    prev = {
      containerId: answer.containerId ?? '',
      status: answer.status,
      outputPos: answer.outputPos ?? prev.outputPos,
      runtimeEventIndex: answer.nextRuntimeEventIndex ?? prev.runtimeEventIndex,
    };
    if (answer.status === 'finished' && !answer.isAgentRunning) break;
    if (polls > 600) throw new Error('the run never finished');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // Every byte once, in order, whatever the number of polls; every message once.
  expect(output).toBe(`${NO_SANDBOX_WARNING}step one you\nstep two\nstep three\n`);
  expect(events.filter((e) => /message/.test(e.text ?? '')).map((e) => e.text)).toEqual(['first message', 'second message']);
  expect(events.every((e) => /^[a-zA-Z0-9-_]+$/.test(e.slug))).toBe(true);

  const { resultObject } = await get(`containers/fetch-result-object?id=${containerId}`, 'GET containers/fetch-result-object');
  expect(JSON.parse(resultObject)).toEqual({ greeted: 'you' });
  const container = await get(`containers/fetch?id=${containerId}&withNewerAndOlderContainerId=true`, 'GET containers/fetch');
  expect(container).toMatchObject({ status: 'finished', exitCode: 0 });

  await post('agents/delete', { id: agentId }, 'POST agents/delete');
  const gone = await platform.request('GET', `/api/v2/agents/fetch?id=${agentId}`, { key });
  expect(gone.status).toBe(404);
  const deleted = await get('agents/fetch-deleted', 'GET agents/fetch-deleted');
  expect(deleted.map((a: { id: string }) => a.id)).toContain(agentId);
});

test('launch-sync: start names the container, logs with includeLogs, one summary with the result object', async () => {
  const { id: agentId } = await post('agents/save', { name: 'Greeter sync', script: 'greeter.js', argument: { who: 'sync' } });
  const res = await fetch(`${platform.baseUrl}/api/v2/agents/launch-sync`, {
    method: 'POST',
    headers: { 'X-Phantombuster-Key-1': key, 'content-type': 'application/json' },
    body: JSON.stringify({ id: agentId, includeLogs: 'true' }),
  });
  expect(res.status).toBe(200);
  const lines = ndjson(await res.text());
  expect(lines.map((line) => conformanceErrors('POST agents/launch-sync', line))).toEqual(lines.map(() => null));
  const [start] = lines;
  const summary = lines.at(-1);
  expect(start).toEqual({ type: 'start', data: { containerId: expect.stringMatching(/^\d+$/) } });
  expect(lines.filter((l) => l.type === 'logs').flatMap((l) => l.data)).toEqual([NO_SANDBOX_WARNING.trimEnd(), 'step one sync', 'step two', 'step three']);
  expect(summary).toMatchObject({ type: 'summary', data: { containerId: start.data.containerId, exitCode: 0, resultObject: '{"greeted":"sync"}' } });
});
