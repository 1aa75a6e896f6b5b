import { waitUntil } from '@agentry/testing';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { NO_SANDBOX_WARNING } from '@agentry/contracts';
import { executionApi, type ExecutionApi } from './execution-test-kit.js';

// The test platform runs scripts without a sandbox: every run's output starts with the runner's warning line.
const WORKING = `${NO_SANDBOX_WARNING}working\n`;
const WORKING_END = Buffer.byteLength(WORKING);

/** Abort / stop, the v1 API output.json and containers.json, the v2 container endpoints, stored files. */

const FOREVER = `setInterval(() => console.log('tick'), 100);`;

const REPORTING = `
const buster = require('phantombuster').create();
(async () => {
  buster.progressHint(0.5, 'Halfway');
  await buster.message('hello from the script', 'info');
  console.log('working');
  const url = await buster.saveText('saved text', 'out/report.txt');
  await buster.setResultObject({ url });
})();
`;

let platform: TestPlatform;
let api: ExecutionApi;

beforeAll(async () => {
  platform = await startPlatform({ execution: true });
  api = executionApi(platform, (await platform.newOrg()).key);
});
afterAll(async () => {
  await platform?.close();
});

describe('abort', () => {
  test('abort.json ends the running and the queued containers as cancelled', async () => {
    const agent = await api.agent('forever', FOREVER, { maxParallelism: 1 });
    const running = await api.launch(agent);
    const queued = await api.launch(agent);
    await api.running(running);
    expect((await api.container(queued)).status).toBe('starting');

    const res = await platform.request('GET', `/api/v1/agent/${agent}/abort.json`, { key: api.key });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'success', data: null });
    const [a, b] = [await api.ended(running), await api.ended(queued)];
    expect(a).toMatchObject({ status: 'finished', endType: 'killed' });
    expect(b.status).toMatch(/finished|launch error/);
    const history = await platform.request('GET', `/api/v1/agent/${agent}/containers.json`, { key: api.key });
    expect(history.body.data.map((c: any) => [c.id, c.lastEndStatus])).toEqual(
      expect.arrayContaining([
        [running, 'cancelled'],
        [queued, expect.stringMatching(/cancelled|launch failed/)],
      ]),
    );
  });

  test('v2 stop with a containerId stops that one only, and answers which', async () => {
    const agent = await api.agent('forever_two', FOREVER, { maxParallelism: 2 });
    const [one, two] = [await api.launch(agent), await api.launch(agent)];
    await api.running(one);
    await api.running(two);
    const res = await platform.request('POST', '/api/v2/agents/stop', { key: api.key, json: { id: agent, containerId: String(one) } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ containerIds: [String(one)] });
    expect((await api.ended(one)).endType).toBe('killed');
    expect((await api.container(two)).status).toBe('running');
    await platform.request('POST', '/api/v2/agents/stop', { key: api.key, json: { id: agent } });
    await api.ended(two);
  });

  test('a streaming launch ends when its container is aborted', async () => {
    const agent = await api.agent('forever_streamed', FOREVER);
    const streamed = api.sse(agent);
    // Aborted once it printed something: the stream has output to show, then ends.
    await waitUntil(async () => (await platform.request('GET', `/api/v1/agent/${agent}/output.json`, { key: api.key })).body.data.outputPos > 0, {
      timeoutMs: 30_000,
    });
    await api.abort(agent);
    const read = await streamed;
    expect(read.events.length).toBeGreaterThan(0);
    expect(read.comments[read.comments.length - 1]).toMatch(/^container \d+ ended$/);
  });
});

describe('history and output', () => {
  let agent: string;
  let containerId: number;
  let record: any;
  beforeAll(async () => {
    agent = await api.agent('reporting', REPORTING);
    containerId = await api.launch(agent);
    record = await api.ended(containerId, '&withResultObject=true&withOutput=true&withRuntimeEvents=true&withNewerAndOlderContainerId=true');
  });

  test('output.json (the v1 API): track mode, messages from an id, progress, output, result object', async () => {
    const res = await platform.request('GET', `/api/v1/agent/${agent}/output.json?containerId=${containerId}&fromMessageId=0`, { key: api.key });
    expect(res.status).toBe(200);
    const data = res.body.data;
    expect(Object.keys(data).sort()).toEqual(
      [
        'agentStatus',
        'containerStatus',
        'runningContainers',
        'queuedContainers',
        'containerId',
        'progress',
        'messages',
        'output',
        'outputPos',
        'resultObject',
      ].sort(),
    );
    expect(data).toMatchObject({
      agentStatus: 'not running',
      containerStatus: 'not running',
      runningContainers: 0,
      queuedContainers: 0,
      containerId,
      progress: { progress: 0.5, label: 'Halfway', runtime: expect.any(Number) },
      output: WORKING,
      outputPos: WORKING_END,
      resultObject: { url: expect.any(String) },
    });
    const texts = data.messages.map((m: any) => m.text);
    expect(texts).toContain('hello from the script');
    for (const m of data.messages)
      expect(m).toEqual({ id: expect.any(Number), date: expect.any(Number), text: expect.any(String), type: expect.any(String), context: expect.any(Array) });
    expect(data.messages[0].date).toBeLessThan(Date.now() / 1000 + 1);

    // Newer messages only: from the biggest id received.
    const lastId = Math.max(...data.messages.map((m: any) => m.id));
    const newer = await platform.request(
      'GET',
      `/api/v1/agent/${agent}/output.json?containerId=${containerId}&fromMessageId=${lastId}&fromOutputPos=${WORKING_END}`,
      { key: api.key },
    );
    expect(newer.body.data).toMatchObject({ messages: [], output: '', outputPos: WORKING_END });

    // Most-recent mode (containerId 0): no containerStatus; no messages by default.
    const recent = await platform.request('GET', `/api/v1/agent/${agent}/output.json`, { key: api.key });
    expect(recent.body.data).not.toHaveProperty('containerStatus');
    expect(recent.body.data).toMatchObject({ containerId, messages: [], output: WORKING });
  });

  test('containers.json (the v1 API): ended containers, newest first, in seconds', async () => {
    const second = await api.launch(agent);
    await api.ended(second);
    const res = await platform.request('GET', `/api/v1/agent/${agent}/containers.json`, { key: api.key });
    expect(res.status).toBe(200);
    expect(res.body.data.map((c: any) => c.id)).toEqual([second, containerId]);
    const entry = res.body.data[1];
    expect(Object.keys(entry).sort()).toEqual(
      ['id', 'queueDate', 'launchDate', 'launchType', 'launchNumber', 'endDate', 'lastEndMessage', 'lastEndStatus', 'exitCode'].sort(),
    );
    expect(entry).toMatchObject({ launchType: 'manual', launchNumber: 1, lastEndMessage: 'Agent finished (success)', lastEndStatus: 'success', exitCode: 0 });
    expect(res.body.data[0].launchNumber).toBe(2);
    expect(entry.queueDate).toBeLessThanOrEqual(entry.launchDate);
    expect(entry.launchDate).toBeLessThanOrEqual(entry.endDate);
    expect(entry.endDate).toBeLessThan(Date.now() / 1000 + 1);
  });

  test('v2 containers/fetch with every option', async () => {
    expect(record).toMatchObject({
      id: String(containerId),
      agentId: agent,
      status: 'finished',
      launchType: 'user api call',
      endType: 'finished',
      exitCode: 0,
      retryNumber: 0,
      createdAt: expect.any(Number),
      launchedAt: expect.any(Number),
      endedAt: expect.any(Number),
      agentVersionId: expect.any(String),
      resultObject: expect.stringContaining('"url"'),
      output: WORKING,
      outputPos: WORKING_END,
    });
    // The first container has no older one: left out, as the document types it a string.
    expect(record).not.toHaveProperty('olderContainerId');
    expect(record.createdAt).toBeGreaterThan(1e12); // ms
    expect(record.runtimeEvents.map((e: any) => e.text)).toContain('hello from the script');
  });

  test('v2 fetch-all, fetch-output, fetch-result-object, agents/fetch-output', async () => {
    const all = await platform.request('GET', `/api/v2/containers/fetch-all?agentId=${agent}&limit=1`, { key: api.key });
    expect(all.body).toMatchObject({ maxLimitReached: true, containers: [{ agentId: agent }] });
    const finalized = await platform.request('GET', `/api/v2/containers/fetch-all?agentId=${agent}&mode=finalized&withRuntimeEvents=true`, { key: api.key });
    expect(finalized.body.containers.every((c: any) => c.status === 'finished' && Array.isArray(c.runtimeEvents))).toBe(true);

    const output = await platform.request('GET', `/api/v2/containers/fetch-output?id=${containerId}`, { key: api.key });
    expect(output.body).toEqual({ output: WORKING, outputPos: WORKING_END });
    const raw = await platform.request('GET', `/api/v2/containers/fetch-output?id=${containerId}&raw=true`, { key: api.key });
    expect(raw.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(raw.text).toBe(WORKING);

    const result = await platform.request('GET', `/api/v2/containers/fetch-result-object?id=${containerId}`, { key: api.key });
    expect(JSON.parse(result.body.resultObject)).toEqual({ url: expect.any(String) });

    const latest = await platform.request('GET', `/api/v2/agents/fetch-output?id=${agent}`, { key: api.key });
    expect(latest.body).toMatchObject({ status: 'finished', isAgentRunning: false, output: WORKING, outputPos: WORKING_END, exitCode: 0, endType: 'finished' });
    const again = await platform.request(
      'GET',
      `/api/v2/agents/fetch-output?id=${agent}&prevContainerId=${latest.body.containerId}&fromOutputPos=${WORKING_END}&prevRuntimeEventIndex=${latest.body.nextRuntimeEventIndex}`,
      {
        key: api.key,
      },
    );
    expect(again.body).toMatchObject({ output: '', runtimeEvents: [] });
  });

  test('orgs/fetch-running-containers lists what runs now', async () => {
    const forever = await api.agent('forever_listed', FOREVER);
    const running = await api.launch(forever);
    await api.running(running);
    const res = await platform.request('GET', '/api/v2/orgs/fetch-running-containers', { key: api.key });
    expect(res.body.containers).toEqual([
      {
        id: String(running),
        agentId: forever,
        agentName: 'forever_listed',
        createdAt: expect.any(Number),
        retryNumber: 0,
        launchType: 'user api call',
        scriptSlug: 'forever_listed.js',
      },
    ]);
    await api.abort(forever);
    await api.ended(running);
  });

  test('a file the script saved is served at the URL save() answered, with the key only', async () => {
    const url = new URL(JSON.parse(record.resultObject).url, platform.baseUrl);
    expect(url.pathname).toBe(`/api/v1/agent/${agent}/storage/out/report.txt`);
    const file = await platform.request('GET', url.pathname, { key: api.key });
    expect(file.status).toBe(200);
    expect(file.text).toBe('saved text');
    expect(file.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await platform.request('GET', url.pathname)).status).toBe(401);
    expect((await platform.request('GET', `/api/v1/agent/${agent}/storage/out/missing.txt`, { key: api.key })).status).toBe(404);
  });

  test('an agent without a script: the launch is recorded and fails at once', async () => {
    const saved = await platform.request('POST', '/api/v2/agents/save', { key: api.key, json: { name: 'no_script' } });
    const noScript = saved.body.id as string;
    const containerId = await api.launch(noScript);
    expect(await api.ended(containerId)).toMatchObject({ status: 'launch error', endMessage: 'Agent has no associated script' });
    const history = await platform.request('GET', `/api/v1/agent/${noScript}/containers.json`, { key: api.key });
    expect(history.body.data[0]).toMatchObject({ id: containerId, lastEndStatus: 'launch failed', lastEndMessage: 'Agent has no associated script' });
  });
});

// Last: it stops the gateway.
test('a gateway shutting down ends its open streams instead of waiting for the runs', async () => {
  const agent = await api.agent('forever_at_shutdown', FOREVER, { maxParallelism: 2 });
  const raw = fetch(`${platform.baseUrl}/api/v1/agent/${agent}/launch?output=raw`, { headers: { 'X-Phantombuster-Key-1': api.key } })
    .then((res) => res.text())
    .then(
      () => 'complete',
      () => 'cut',
    );
  const sse = Promise.allSettled([api.sse(agent)]);
  await waitUntil(async () => (await platform.request('GET', `/api/v1/agent/${agent}/output.json`, { key: api.key })).body.data.runningContainers === 2, {
    timeoutMs: 30_000,
  });
  await platform.gateway.close();
  // raw cannot say "incomplete" in its body: the connection is cut.
  expect(await raw).toBe('cut');
  // The event stream ends or is cut (an EventSource reconnects either way), never with "ended".
  const [read] = await sse;
  if (read.status === 'fulfilled') expect(read.value.comments[read.value.comments.length - 1]).not.toMatch(/ended$/);
});
