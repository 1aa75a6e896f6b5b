import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import pg from 'pg';
import { installTracing, metrics, ServiceLogger, type LogRecord } from '@agentry/service-kit';
import { waitUntil } from '@agentry/testing';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { executionApi, type ExecutionApi } from '../containers/execution-test-kit.js';

/**
 * A request id travels from the HTTP request through NATS headers into every service's logs and
 * into the metadata of the events the request appends. Real gateway, registry, executor and
 * output in this process; their log lines are captured from the process-wide logger.
 */

let platform: TestPlatform;
let api: ExecutionApi;
let agentId: string;
const lines: string[] = [];
const records = () => lines.map((l) => JSON.parse(l) as LogRecord);
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

beforeAll(async () => {
  platform = await startPlatform({ execution: true });
  const org = await platform.newOrg();
  api = executionApi(platform, org.key);
  agentId = await api.agent('traced', 'console.log("traced run")');
  // Every `new Logger(context)` of every service in this process now writes here, at debug level.
  Logger.overrideLogger(new ServiceLogger({ service: 'test', level: 'debug', format: 'json', write: (line) => lines.push(line) }));
});
afterAll(async () => {
  await platform?.close();
});

async function eventsCorrelatedWith(requestId: string): Promise<{ stream_id: string; type: string; metadata: Record<string, unknown> }[]> {
  const client = new pg.Client({ connectionString: platform.databaseUrl });
  await client.connect();
  try {
    return (await client.query(`SELECT stream_id, type, metadata FROM events WHERE metadata->>'correlationId' = $1 ORDER BY global_position`, [requestId]))
      .rows;
  } finally {
    await client.end();
  }
}

/** The value of one sample of the process's metrics (0 when absent); histogram samples by their `_count` / `_sum` names. */
async function sample(name: string, labels: Record<string, string>): Promise<number> {
  const samples = (await metrics.getMetricsAsJSON()).flatMap((m) => m.values.map((v) => ({ ...v, name: (v as { metricName?: string }).metricName ?? m.name })));
  const value = samples.find((v) => v.name === name && Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l));
  return value?.value ?? 0;
}

test("a launch with X-Request-Id: its id is answered back, logged by the gateway, the executor and the registry, and in the container's events", async () => {
  const requestId = `abc-${Date.now()}`;
  const res = await platform.request('GET', `/api/v1/agent/${agentId}/launch?output=json`, {
    key: api.key,
    headers: { 'X-Request-Id': requestId, traceparent: TRACEPARENT },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('x-request-id')).toBe(requestId);
  const containerId = res.body.data.containerId as number;

  const mine = () => records().filter((r) => r.requestId === requestId);
  await waitUntil(() => ['gateway', 'executor', 'registry'].every((s) => mine().some((r) => r.service === s)), {
    message: `log lines with requestId ${requestId} from gateway, executor and registry (got: ${JSON.stringify(mine().map((r) => [r.service, r.message]))})`,
  });
  // The gateway's access line, the executor's launch handler, the registry's launch snapshot asked by the executor.
  expect(mine()).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ service: 'gateway', context: 'Http', message: expect.stringMatching(new RegExp(`^GET /api/v1/agent/${agentId}/launch 200 `)) }),
      expect.objectContaining({ service: 'executor', context: 'Rpc', message: expect.stringMatching(/^executor\.containers\.launch answered in/) }),
      expect.objectContaining({ service: 'registry', context: 'Rpc' }),
    ]),
  );
  // The queue worker that runs it, outside the request, logs with its request id and container id (LAUNCHES message headers).
  await waitUntil(() => mine().some((r) => r.service !== 'gateway' && r.context === 'LaunchWorker' && r.containerId === containerId), {
    message: 'the launch worker logged the run with its request id and container id',
  });
  // One trace across the hops: the client's trace id on every line of the request.
  for (const r of mine()) expect(r.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  // The access line never carries the query string (a `key=` parameter may be there).
  expect(lines.join('\n')).not.toContain(api.key);

  // The run's records: every event of the container, appended later by the queue worker and the
  // run outside the request, carries the request id too.
  const container = `container-${containerId}`;
  await waitUntil(async () => (await eventsCorrelatedWith(requestId)).some((e) => e.stream_id === container && e.type === 'ContainerEnded'), {
    message: 'the container ended with its request id',
  });
  const client = new pg.Client({ connectionString: platform.databaseUrl });
  await client.connect();
  const all = (await client.query(`SELECT type, metadata FROM events WHERE stream_id = $1 ORDER BY stream_position`, [container]).finally(() => client.end()))
    .rows;
  expect(all[0]).toMatchObject({ type: 'ContainerQueued', metadata: { correlationId: requestId } });
  expect(all.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['ContainerQueued', 'ContainerStarted', 'ContainerEnded']));
  for (const event of all) expect(event.metadata.correlationId).toBe(requestId);
});

test('an agent saved with X-Request-Id: the registry appends its events with that correlation id', async () => {
  const requestId = `save-${Date.now()}`;
  const res = await platform.request('POST', '/api/v2/agents/save', {
    key: api.key,
    json: { id: agentId, name: 'traced again' },
    headers: { 'X-Request-Id': requestId },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('x-request-id')).toBe(requestId);
  const events = await eventsCorrelatedWith(requestId);
  expect(events).toEqual([expect.objectContaining({ stream_id: `agent-${agentId}`, metadata: expect.objectContaining({ correlationId: requestId }) })]);
});

test('without X-Request-Id the gateway makes one up, answers it and uses it the same way', async () => {
  const res = await platform.request('GET', `/api/v2/agents/fetch?id=${agentId}`, { key: api.key });
  expect(res.status).toBe(200);
  const generated = res.headers.get('x-request-id');
  expect(generated).toMatch(/^[0-9a-f-]{36}$/);
  await waitUntil(() => records().some((r) => r.requestId === generated && r.service === 'registry'), { message: 'registry line with the generated id' });
});

test('a hostile X-Request-Id (log-line forgery, oversized) is replaced, never echoed nor logged', async () => {
  for (const hostile of ['x"}\n{"level":"error","message":"forged', 'a'.repeat(500), 'id with spaces']) {
    const before = lines.length;
    const res = await fetch(`${platform.baseUrl}/api/v2/agents/fetch?id=${agentId}`, {
      headers: { 'X-Phantombuster-Key-1': api.key, 'X-Request-Id': hostile.replace('\n', ' ') },
    });
    expect(res.status).toBe(200);
    const answered = res.headers.get('x-request-id')!;
    expect(answered).toMatch(/^[0-9a-f-]{36}$/);
    await waitUntil(
      () =>
        records()
          .slice(before)
          .some((r) => r.requestId === answered),
      { message: 'lines with the replacement id' },
    );
    const logged = lines.slice(before).join('\n');
    expect(logged).not.toContain(hostile.slice(0, 60).replace('\n', ' '));
    expect(logged).not.toContain('forged');
  }
});

test('a launch is counted by the executor: launches by type, ends by status, run duration', async () => {
  const before = {
    launched: await sample('agentry_launches_total', { launch_type: 'user api call' }),
    ended: await sample('agentry_containers_ended_total', { status: 'complete' }),
    runs: await sample('agentry_run_duration_seconds_count', { status: 'complete' }),
  };
  const res = await platform.request('GET', `/api/v1/agent/${agentId}/launch?output=json`, { key: api.key });
  expect(res.status).toBe(200);
  await waitUntil(async () => (await sample('agentry_containers_ended_total', { status: 'complete' })) > before.ended, {
    message: 'the end was never counted',
  });
  expect(await sample('agentry_launches_total', { launch_type: 'user api call' })).toBe(before.launched + 1);
  expect(await sample('agentry_containers_ended_total', { status: 'complete' })).toBe(before.ended + 1);
  expect(await sample('agentry_run_duration_seconds_count', { status: 'complete' })).toBe(before.runs + 1);
});

interface ReceivedSpan {
  attributes: { key: string; value: { intValue?: string; stringValue?: string } }[];
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  status: { code: number };
}

test('traces: with an OTLP endpoint, the request is one tree of spans — gateway → executor → registry, and the run under the launch', async () => {
  // A collector on loopback that keeps what it is sent.
  const spans: ReceivedSpan[] = [];
  const collector: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        for (const rs of JSON.parse(body).resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const flush = installTracing('test', `http://127.0.0.1:${(collector.address() as AddressInfo).port}`);
  try {
    const res = await platform.request('GET', `/api/v1/agent/${agentId}/launch?output=json`, { key: api.key, headers: { traceparent: TRACEPARENT } });
    expect(res.status).toBe(200);
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const named = (name: string) => spans.find((s) => s.traceId === traceId && s.name === name);
    await waitUntil(
      async () => {
        await flush();
        return ['GET /api/v1/agent/:id/launch', 'executor.containers.launch', 'registry.agents.launch-snapshot', 'run container'].every((n) => named(n));
      },
      { message: `spans of the launch (got ${JSON.stringify(spans.map((s) => s.name))})` },
    );
    const http = named('GET /api/v1/agent/:id/launch')!;
    const launch = named('executor.containers.launch')!;
    const snapshot = named('registry.agents.launch-snapshot')!;
    const run = named('run container')!;
    expect(http).toMatchObject({ parentSpanId: '00f067aa0ba902b7', kind: 2, status: { code: 1 } });
    expect(http.attributes).toEqual(
      expect.arrayContaining([
        { key: 'http.route', value: { stringValue: '/api/v1/agent/:id/launch' } },
        { key: 'http.response.status_code', value: { intValue: '200' } },
        { key: 'agentry.org_id', value: { intValue: expect.stringMatching(/^\d+$/) } },
      ]),
    );
    expect(launch.parentSpanId).toBe(http.spanId);
    expect(snapshot.parentSpanId).toBe(launch.spanId);
    expect(run).toMatchObject({ parentSpanId: launch.spanId, kind: 5 });
    // Route patterns, subjects and ids only: no key, no parameters.
    expect(JSON.stringify(spans)).not.toContain(api.key);
    expect(JSON.stringify(spans)).not.toContain('output=json');
  } finally {
    installTracing('test', undefined);
    await new Promise<void>((resolve) => collector.close(() => resolve()));
  }
});
