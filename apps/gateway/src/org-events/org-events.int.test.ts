/**
 * GET /api/v2/orgs/events against the real gateway and registry (keys, orgs) and a real NATS server holding
 * LIFECYCLE. The public events are published here as the notifier would (its projection has its own test,
 * apps/notifier/src/public-events): this file is about the HTTP stream — resume, filters, tenant isolation.
 */
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats } from '@agentry/messaging';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { LIFECYCLE_STREAM, LIFECYCLE_SUBJECTS, lifecycleSubject, type LifecycleEventType } from '@agentry/events';
import { waitUntil } from '@agentry/testing';

let platform: TestPlatform;
let nc: NatsConnection;
let js: JetStreamClient;
let orgA: { orgId: string; key: string };
let orgB: { orgId: string; key: string };
let counter = 0;

beforeAll(async () => {
  platform = await startPlatform();
  orgA = await platform.newOrg();
  orgB = await platform.newOrg();
  nc = await connectNats(platform.natsUrl, 'org-events test');
  js = jetstream(nc);
  await (await jetstreamManager(nc)).streams.add({ name: LIFECYCLE_STREAM, subjects: [LIFECYCLE_SUBJECTS] });
});

afterAll(async () => {
  await nc?.close();
  await platform?.close();
});

/** Publishes one public event of an org, as the notifier's projection does; answers its id. */
async function publish(orgId: string, type: LifecycleEventType, agentId = '5'): Promise<string> {
  counter += 1;
  const id = `evt_${counter.toString(16).padStart(32, '0')}`;
  await js.publish(lifecycleSubject(orgId, type), JSON.stringify({ id, type, version: 1, orgId, agentId, occurredAt: 1_800_000_000_000 + counter, data: {} }), {
    msgID: id,
  });
  return id;
}

interface SseMessage {
  id: string;
  event: string;
  data: { id: string; orgId: string; agentId: string; type: string };
}

/** An open SSE response: the messages parsed so far (comments dropped). */
async function openEvents(key: string, query = '', lastEventId?: string) {
  const abort = new AbortController();
  const headers: Record<string, string> = { 'X-Phantombuster-Key-1': key, accept: 'text/event-stream' };
  if (lastEventId !== undefined) headers['Last-Event-ID'] = lastEventId;
  const res = await fetch(`${platform.baseUrl}/api/v2/orgs/events${query}`, { headers, signal: abort.signal });
  const messages: SseMessage[] = [];
  let buffer = '';
  let opened = false;
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        if (block.includes(': org ')) opened = true;
        const fields = Object.fromEntries(
          block
            .split('\n')
            .filter((l) => !l.startsWith(':') && l.includes(': '))
            .map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]),
        );
        if (fields.data) messages.push({ id: fields.id!, event: fields.event!, data: JSON.parse(fields.data) });
      }
    }
  })().catch(() => undefined);
  if (res.status === 200) await waitUntil(() => opened, { message: 'the stream opened' });
  return {
    res,
    messages,
    async close() {
      abort.abort();
      await reading;
    },
  };
}

test('the stream carries the caller`s org events only, in order, as they are published', async () => {
  const early = await publish(orgA.orgId, 'agent.created'); // before the connection: not part of a stream that starts now
  const a = await openEvents(orgA.key);
  const b = await openEvents(orgB.key);
  expect(a.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const a1 = await publish(orgA.orgId, 'container.queued');
  const b1 = await publish(orgB.orgId, 'container.queued');
  const a2 = await publish(orgA.orgId, 'container.ended');
  await waitUntil(() => a.messages.length >= 2 && b.messages.length >= 1, { message: 'both streams got their events' });
  await publish(orgA.orgId, 'agent.saved'); // a last one: anything misrouted would have arrived before it
  await waitUntil(() => a.messages.length >= 3, { message: 'the last event' });
  await a.close();
  await b.close();
  expect(a.messages.map((m) => m.data.id)).toEqual([a1, a2, expect.any(String)]);
  expect(a.messages.map((m) => m.event)).toEqual(['container.queued', 'container.ended', 'agent.saved']);
  expect(a.messages.map((m) => m.data.id)).not.toContain(early);
  expect(b.messages.map((m) => m.data.id)).toEqual([b1]);
  // Ids are stream sequences: increasing, the resume point.
  const ids = a.messages.map((m) => Number(m.id));
  expect([...ids].sort((x, y) => x - y)).toEqual(ids);
});

test('Last-Event-ID resumes right after the last event seen: nothing missed while away, nothing twice, then live again', async () => {
  const first = await openEvents(orgA.key);
  const seen1 = await publish(orgA.orgId, 'container.started');
  await waitUntil(() => first.messages.length >= 1, { message: 'first event' });
  await first.close();
  const lastId = first.messages.at(-1)!.id;

  const whileAway = [
    await publish(orgA.orgId, 'container.progress'),
    await publish(orgB.orgId, 'container.progress'),
    await publish(orgA.orgId, 'container.ended'),
  ];
  const resumed = await openEvents(orgA.key, '', lastId);
  const live = await publish(orgA.orgId, 'agent.retired');
  await waitUntil(() => resumed.messages.length >= 3, { message: 'the missed events and the live one' });
  await resumed.close();
  expect(first.messages.map((m) => m.data.id)).toEqual([seen1]);
  expect(resumed.messages.map((m) => m.data.id)).toEqual([whileAway[0], whileAway[2], live]);
});

test('types and agentId filter the stream; another org`s key asking for this org`s agent sees nothing of it', async () => {
  const filtered = await openEvents(orgA.key, '?types=container.ended,agent.deleted&agentId=77');
  const intruder = await openEvents(orgB.key, '?agentId=77');
  await publish(orgA.orgId, 'container.ended', '78');
  await publish(orgA.orgId, 'container.queued', '77');
  const wanted = await publish(orgA.orgId, 'container.ended', '77');
  const wanted2 = await publish(orgA.orgId, 'agent.deleted', '77');
  const marker = await publish(orgB.orgId, 'agent.created', '77');
  await waitUntil(() => filtered.messages.length >= 2 && intruder.messages.length >= 1, { message: 'filtered events' });
  await filtered.close();
  await intruder.close();
  expect(filtered.messages.map((m) => m.data.id)).toEqual([wanted, wanted2]);
  expect(intruder.messages.map((m) => m.data.id)).toEqual([marker]);
});

test('hostile input: unknown types, a Last-Event-ID that is no sequence, another field than a number: 400 naming the field; no key: 401', async () => {
  const badType = await platform.request('GET', '/api/v2/orgs/events?types=container.ended,agent.%3E', { key: orgA.key });
  expect(badType.status).toBe(400);
  expect(badType.text).toContain('types');
  const badResume = await platform.request('GET', '/api/v2/orgs/events', { key: orgA.key, headers: { 'Last-Event-ID': '1; drop' } });
  expect(badResume.status).toBe(400);
  expect(badResume.text).toContain('Last-Event-ID');
  const badAgent = await platform.request('GET', '/api/v2/orgs/events?agentId=*', { key: orgA.key });
  expect(badAgent.status).toBe(400);
  expect(badAgent.text).toContain('agentId');
  expect((await platform.request('GET', '/api/v2/orgs/events')).status).toBe(401);
});
