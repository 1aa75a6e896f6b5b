import { NO_SANDBOX_WARNING } from '@agentry/contracts';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { waitUntil } from '@agentry/testing';
import { executionApi, ndjson, type ExecutionApi } from './execution-test-kit.js';

/** Every launch answer of the v1 API, v2 and the agents API, end to end with real runs. */

const HELLO = `
const buster = require('phantombuster').create();
console.log('line one');
console.log('line two €');
buster.setResultObject({ your: 'data', is: { here: [123] } });
`;
// The test platform runs scripts without a sandbox (isolation none): every run's output starts with the runner's warning line.
const WARNING = NO_SANDBOX_WARNING;
const HELLO_OUTPUT = `${WARNING}line one\nline two €\n`;

const FAILING = `console.log('bad'); process.exit(3);`;

/** Sets a first result object, then keeps running until aborted. */
const FIRST_THEN_WAIT = `
const buster = require('phantombuster').create();
buster.setResultObject({ step: 1 }).then(() => setTimeout(() => buster.setResultObject({ step: 2 }), 60000));
`;

let platform: TestPlatform;
let api: ExecutionApi;
let hello: string;

beforeAll(async () => {
  platform = await startPlatform({ execution: true });
  const org = await platform.newOrg();
  api = executionApi(platform, org.key);
  hello = await api.agent('hello', HELLO, { maxParallelism: 4 });
});
afterAll(async () => {
  await platform?.close();
});

/** A blocking JSON answer: spaces may come first (keep-alive), then the JSend body. */
const blockingBody = (text: string) => {
  expect(text.trimStart().startsWith('{')).toBe(true);
  return JSON.parse(text);
};

test('json: the container id as soon as it is queued', async () => {
  const res = await api.launchV1(hello, 'output=json');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ status: 'success', data: { containerId: expect.any(Number) } });
  const record = await api.ended(res.body.data.containerId);
  expect(record).toMatchObject({ status: 'finished', exitCode: 0, launchType: 'user api call' });
  expect(await api.storedOutput(res.body.data.containerId)).toBe(HELLO_OUTPUT);
});

test('result-object: blocks until the end, answers exit code, time and the result object', async () => {
  const res = await api.stream(hello, 'output=result-object');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  const body = blockingBody(res.text);
  expect(body).toEqual({
    status: 'success',
    message: 'Agent finished (success)',
    data: { containerId: expect.any(Number), executionTime: expect.any(Number), exitCode: 0, resultObject: { your: 'data', is: { here: [123] } } },
  });
  expect((await api.container(body.data.containerId)).status).toBe('finished');
});

test('result-object-with-output adds the console output', async () => {
  const body = blockingBody((await api.stream(hello, 'output=result-object-with-output', {}, 'GET')).text);
  expect(body.message).toBe('Agent finished (success)');
  expect(body.data).toMatchObject({ exitCode: 0, output: HELLO_OUTPUT, resultObject: { your: 'data', is: { here: [123] } } });
});

test('a failing run still answers 200 with its exit code and no result object', async () => {
  const failing = await api.agent('failing', FAILING);
  const res = await api.stream(failing, 'output=result-object');
  expect(res.status).toBe(200);
  const body = blockingBody(res.text);
  expect(body).toMatchObject({ status: 'success', message: 'Agent finished (error)', data: { exitCode: 3, resultObject: null } });
});

test('first-result-object answers at the first result object, while the run goes on', async () => {
  const agent = await api.agent('first_result', FIRST_THEN_WAIT);
  const body = blockingBody((await api.stream(agent, 'output=first-result-object')).text);
  expect(body).toEqual({ status: 'success', data: { containerId: expect.any(Number), resultObject: { step: 1 } } });
  // The container history is a read model: it may still say "starting" for a moment after the
  // script's first result object went out live. The rule is that the run goes on (it never ends here).
  let status = '';
  await waitUntil(async () => (status = (await api.container(body.data.containerId)).status) !== 'starting', {
    timeoutMs: 30_000,
    message: 'the container history shows the run started',
  });
  expect(status).toBe('running');
  expect((await api.abort(agent)).status).toBe(200);
});

test('event-stream: one message per output line, state comments, closed when the container ends', async () => {
  const read = await api.sse(hello);
  expect(read.status).toBe(200);
  expect(read.events.map((e) => e.data)).toEqual([WARNING, 'line one\n', 'line two €\n']);
  expect(read.events.map((e) => Number(e.id))).toEqual([Buffer.byteLength(WARNING), Buffer.byteLength(WARNING) + 9, Buffer.byteLength(HELLO_OUTPUT)]);
  const containerId = /^container (\d+) /.exec(read.comments[0]!)![1];
  expect(read.comments[read.comments.length - 1]).toBe(`container ${containerId} ended`);
  expect(read.text).toContain('data: line one\ndata: \n\n');
  expect(read.comments.every((c) => /^container \d+ (in queue|still running|ended)$/.test(c))).toBe(true);
});

test('raw: chunked text/plain of the console bytes', async () => {
  const res = await api.stream(hello, 'output=raw');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  expect(res.text).toBe(HELLO_OUTPUT);
});

test('v2 launch answers a string container id; launch-sync streams heartbeat, logs and a summary', async () => {
  const launched = await platform.request('POST', '/api/v2/agents/launch', { key: api.key, json: { id: hello, manualLaunch: true } });
  expect(launched.status).toBe(200);
  expect(launched.body).toEqual({ containerId: expect.stringMatching(/^\d+$/) });
  expect((await api.ended(launched.body.containerId)).launchType).toBe('manual');

  const launchSync = async (body: Record<string, unknown>) => {
    const res = await fetch(`${platform.baseUrl}/api/v2/agents/launch-sync`, {
      method: 'POST',
      headers: { 'X-Phantombuster-Key-1': api.key, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    return ndjson(await res.text());
  };
  const lines = await launchSync({ id: hello, includeLogs: true });
  // The first line names the container, so a client that loses the stream can still find the run.
  expect(lines[0]).toEqual({ type: 'start', data: { containerId: expect.stringMatching(/^\d+$/) } });
  expect(lines.filter((l) => l.type === 'logs').flatMap((l) => l.data)).toEqual([WARNING.trimEnd(), 'line one', 'line two €']);
  const summary = lines[lines.length - 1];
  expect(summary.data.containerId).toBe(lines[0].data.containerId);
  // includeLogs defaults to false, as documented: no logs lines, still a summary.
  const quiet = await launchSync({ id: hello });
  expect(quiet.filter((l) => l.type === 'logs')).toEqual([]);
  expect(quiet.at(-1)).toMatchObject({ type: 'summary', data: { exitCode: 0 } });
  expect(summary).toMatchObject({
    type: 'summary',
    data: {
      containerId: expect.stringMatching(/^\d+$/),
      status: 'finished',
      exitCode: 0,
      executionTime: expect.any(Number),
      resultObject: '{"your":"data","is":{"here":[123]}}',
    },
  });
});

test('the agents API execute answers 202 with the queued run', async () => {
  const res = await platform.request('POST', `/v1/agents/${hello}/execute`, { key: api.key, json: {} });
  expect(res.status).toBe(202);
  expect(res.body).toEqual({ data: { containerId: expect.stringMatching(/^\d+$/), agentId: hello, status: 'QUEUED', queuedAt: expect.any(String) } });
  expect((await api.ended(res.body.data.containerId)).exitCode).toBe(0);
});

test('an idempotency key (header or parameter) launches once', async () => {
  const first = await api.launchV1(hello, 'idempotencyKey=same-key');
  const again = await platform.request('POST', `/api/v1/agent/${hello}/launch`, { key: api.key, headers: { 'Idempotency-Key': 'same-key' } });
  const other = await api.launchV1(hello, 'idempotencyKey=other-key');
  expect(again.body.data.containerId).toBe(first.body.data.containerId);
  expect(other.body.data.containerId).not.toBe(first.body.data.containerId);
  const v2 = await platform.request('POST', '/api/v2/agents/launch', { key: api.key, json: { id: hello, idempotencyKey: 'same-key' } });
  expect(v2.body.containerId).toBe(String(first.body.data.containerId));
});

test('the launch argument: given, saved with saveLaunchOptions, then used when none is given', async () => {
  const echo = await api.agent('echo_argument', `const buster = require('phantombuster').create(); console.log(JSON.stringify(buster.argument));`);
  const given = blockingBody((await api.stream(echo, `output=result-object-with-output&argument=${encodeURIComponent('{"n":1}')}&saveLaunchOptions=1`)).text);
  expect(given.data.output).toBe(`${WARNING}{"n":1}\n`);
  const saved = blockingBody((await api.stream(echo, 'output=result-object-with-output')).text);
  expect(saved.data.output).toBe(`${WARNING}{"n":1}\n`);
  const commandOnly = blockingBody((await api.stream(echo, 'output=result-object-with-output&command=node')).text);
  expect(commandOnly.data.output).toBe(`${WARNING}{}\n`);
});

test('casperjs and phantomjs do not run: 400 naming command', async () => {
  const res = await api.launchV1(hello, 'command=casperjs');
  expect(res.status).toBe(400);
  expect(res.body).toMatchObject({ status: 'error', code: 'VALIDATION_FAILED', data: { fields: [{ field: 'command' }] } });
});
