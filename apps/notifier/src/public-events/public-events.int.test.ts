/**
 * Internal events appended to a real event store (Postgres) become public lifecycle events in LIFECYCLE (a
 * dedicated nats-server with the platform's permission map), and a subscriber built with @agentry/subscriber,
 * logged in with the read-only subscriber permissions, receives them.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Ajv } from 'ajv';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Pool } from 'pg';
import { lifecycleSubscriberPermissions, natsPermissionsOf } from '@agentry/contracts';
import { EventStore } from '@agentry/event-store';
import { LIFECYCLE_EVENT_TYPES, LIFECYCLE_STREAM, type LifecycleEvent } from '@agentry/events';
import { freePort, startNatsServer, type NatsAuthorization, type RunningNatsServer } from '@agentry/local-servers';
import { PostgresProcessedEvents, subscribe, type Subscription } from '@agentry/subscriber';
import { createTestDatabase, parseNatsViolation, waitUntil, type NatsViolation, type TestDatabase } from '@agentry/testing';
import type { DataSource } from 'typeorm';
import { notifierDataSource } from '../notifier-app.js';
import { startPublicEvents, type PublicEventsPublisher } from './start-public-events.js';

const pw = () => randomBytes(12).toString('hex');
const auth: NatsAuthorization = {
  users: [
    { user: 'test', password: pw() },
    { user: 'notifier', password: pw(), permissions: natsPermissionsOf('notifier') },
    { user: 'acme', password: pw(), permissions: lifecycleSubscriberPermissions('acme') },
  ],
};
const T0 = 1_800_000_000_000;
const by = { userId: 7, keyId: 8 };

let db: TestDatabase;
let dataSource: DataSource;
let store: EventStore;
let pool: Pool;
let storeDir: string;
let port: number;
let server: RunningNatsServer;
const violations: NatsViolation[] = [];
let nc: NatsConnection; // the test's own login
let publisher: PublicEventsPublisher;

const startServer = async () => {
  server = await startNatsServer({ port, storeDir, auth, onLog: (line) => void (parseNatsViolation(line) && violations.push(parseNatsViolation(line)!)) });
};

const append = (streamId: string, streamType: string, type: string, data: Record<string, unknown>) =>
  store.append(streamId, streamType, [{ type, data }], { expectedVersion: 'any' });

/** One agent's whole life in internal events: every public type once (schedule records: one per outcome). */
async function appendAgentLife(orgId: number, agentId: number, containerId: number, t: number): Promise<void> {
  const agent = `agent-${agentId}`;
  const container = `container-${containerId}`;
  await append(agent, 'agent', 'AgentCreated', {
    agentId,
    orgId,
    storageFolder: 'f',
    userStorageFolder: 'u',
    createdBy: by,
    createdAt: t,
    idempotencyKey: null,
  });
  await append(agent, 'agent', 'AgentVersionSaved', {
    agentId,
    versionId: `v-${agentId}-1`,
    versionNumber: 1,
    settingsSchemaVersion: 1,
    settings: { name: `agent ${agentId}` },
    secrets: {},
    savedBy: by,
    savedAt: t,
    reason: 'create',
    changedFields: [],
  });
  await append(container, 'container', 'ContainerQueued', {
    containerId,
    agentId,
    orgId,
    launchType: 'scheduled repeatedly',
    agentVersionId: `v-${agentId}-1`,
    queuedAt: t + 10,
  });
  await append(`schedule-${agentId}`, 'schedule', 'ScheduleFired', { agentId, plannedAt: t, resumeAfter: t, firedAt: t + 5, containerId, outcome: 'launched' });
  await append(container, 'container', 'ContainerStarted', { containerId, agentId, startedAt: t + 110 });
  await append(container, 'container', 'ContainerProgressed', { containerId, agentId, progress: 0.5, label: 'half way', at: t + 200 });
  await append(container, 'container', 'ContainerResultObjectSet', { containerId, agentId, resultObject: '{"rows":3}', at: t + 300 });
  await append(container, 'container', 'ContainerEnded', {
    containerId,
    agentId,
    status: 'complete',
    endType: 'finished',
    exitCode: 0,
    endMessage: 'Agent finished (success)',
    endedAt: t + 1110,
  });
  await append(`schedule-${agentId}`, 'schedule', 'ScheduleFired', {
    agentId,
    plannedAt: t + 60_000,
    resumeAfter: t + 60_000,
    firedAt: t + 60_001,
    containerId: null,
    outcome: 'refused',
    reason: 'parallelism limit',
  });
  await append(`schedule-${agentId}`, 'schedule', 'ScheduleFired', {
    agentId,
    plannedAt: t + 120_000,
    resumeAfter: t + 120_000,
    firedAt: t + 900_000,
    containerId: null,
    outcome: 'skipped',
  });
  await append(agent, 'agent', 'AgentRetired', { agentId, by, at: t + 2000 });
  await append(agent, 'agent', 'AgentReinstated', { agentId, by, at: t + 3000 });
  await append(agent, 'agent', 'AgentDeleted', { agentId, by, at: t + 4000 });
}
const EVENTS_PER_LIFE = 12;

async function lifecycleMessages(): Promise<{ seq: number; subject: string; event: LifecycleEvent }[]> {
  const jsm = await jetstreamManager(nc);
  const { state } = await jsm.streams.info(LIFECYCLE_STREAM);
  const out = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(LIFECYCLE_STREAM, { seq });
    if (m) out.push({ seq, subject: m.subject, event: m.json<LifecycleEvent>() });
  }
  return out;
}
const streamCount = async () => (await (await jetstreamManager(nc)).streams.info(LIFECYCLE_STREAM)).state.messages;

beforeAll(async () => {
  db = await createTestDatabase();
  dataSource = notifierDataSource(db.url);
  await dataSource.initialize();
  await dataSource.runMigrations();
  store = new EventStore(dataSource);
  pool = new Pool({ connectionString: db.url, max: 4 });
  storeDir = await mkdtemp(join(tmpdir(), 'public-events-nats-'));
  port = await freePort();
  await startServer();
  nc = await connect({
    servers: server.urlFor('test').replace(/^nats:\/\/[^@]*@/, 'nats://'),
    user: 'test',
    pass: auth.users[0]!.password,
    maxReconnectAttempts: -1,
  });
  const notifierNc = await connect({
    servers: `nats://127.0.0.1:${port}`,
    user: 'notifier',
    pass: auth.users[1]!.password,
    inboxPrefix: '_INBOX.notifier',
    maxReconnectAttempts: -1,
  });
  publisher = await startPublicEvents({ dataSource, nc: notifierNc, runner: { pollIntervalMs: 200 } });
  const stopPublisher = publisher.stop;
  publisher = { ...publisher, stop: async () => (await stopPublisher(), await notifierNc.close()) };
});

afterAll(async () => {
  await publisher?.stop();
  await nc?.close();
  await server?.stop();
  await pool?.end();
  await dataSource?.destroy();
  await db?.drop();
  await rm(storeDir, { recursive: true, force: true });
});

test('every internal lifecycle event becomes one public event on agentry.events.v1.<org>.<type>, valid against docs/events, in log order per agent', async () => {
  await appendAgentLife(1, 10, 100, T0);
  await waitUntil(async () => (await streamCount()) >= EVENTS_PER_LIFE, { message: 'public events of agent 10 published' });
  const messages = await lifecycleMessages();
  expect(messages.map((m) => m.event.type)).toEqual([
    'agent.created',
    'agent.saved',
    'container.queued',
    'schedule.fired',
    'container.started',
    'container.progress',
    'container.ended',
    'schedule.skipped',
    'schedule.missed',
    'agent.retired',
    'agent.reinstated',
    'agent.deleted',
  ]);
  expect(new Set(messages.map((m) => m.event.type))).toEqual(new Set(LIFECYCLE_EVENT_TYPES));
  // Validated with the published files themselves, not the package code that wrote them.
  const ajv = new Ajv({ strict: false });
  const docs = join(process.cwd(), 'docs/events');
  for (const file of await readdir(docs)) if (file.endsWith('.schema.json')) ajv.addSchema(JSON.parse(await readFile(join(docs, file), 'utf8')), file);
  for (const { subject, event } of messages) {
    expect(subject).toBe(`agentry.events.v1.1.${event.type}`);
    const validate = ajv.getSchema(`${event.type}.v1.schema.json`)!;
    expect([event.type, validate(event) ? 'valid' : validate.errors]).toEqual([event.type, 'valid']);
    expect(event).toMatchObject({ orgId: '1', agentId: '10', version: 1 });
  }
  const ended = messages.find((m) => m.event.type === 'container.ended')!.event;
  expect(ended.data).toMatchObject({
    containerId: '100',
    status: 'complete',
    exitCode: 0,
    endType: 'finished',
    launchType: 'scheduled repeatedly',
    agentVersionId: 'v-10-1',
    agentVersionNumber: 1,
    durations: { queuedMs: 100, runMs: 1000, totalMs: 1100 },
    resultObject: { rows: 3 },
    hasResultObject: true,
    resultObjectPath: '/api/v2/containers/fetch-result-object?id=100',
  });
  // A schema that would accept anything proves nothing: a broken event is refused by the same validator.
  const validateEnded = ajv.getSchema('container.ended.v1.schema.json')!;
  expect(validateEnded({ ...ended, data: { ...ended.data, status: 'done' } })).toBe(false);
});

test('the public id is stable: the same log published again (a projection reset) adds nothing to LIFECYCLE', async () => {
  const before = await lifecycleMessages();
  await publisher.stop();
  const [rewound] = await dataSource.query(
    `UPDATE projection_checkpoints SET global_position = 0, transaction_id = '0' WHERE name = 'notifier:public-events' RETURNING name`,
  );
  expect(rewound).toBeDefined();
  const republished: string[] = [];
  const notifierNc = await connect({ servers: `nats://127.0.0.1:${port}`, user: 'notifier', pass: auth.users[1]!.password, inboxPrefix: '_INBOX.notifier' });
  const again = await startPublicEvents({ dataSource, nc: notifierNc, runner: { pollIntervalMs: 200 }, onPublished: (e) => void republished.push(e.id) });
  publisher = { ...again, stop: async () => (await again.stop(), await notifierNc.close()) };
  await appendAgentLife(2, 20, 200, T0 + 10_000);
  await waitUntil(async () => (await streamCount()) >= before.length + EVENTS_PER_LIFE, { message: 'agent 20 published after the replay' });
  const after = await lifecycleMessages();
  expect(after.slice(0, before.length)).toEqual(before);
  expect(after).toHaveLength(before.length + EVENTS_PER_LIFE);
  expect(new Set(after.map((m) => m.event.id)).size).toBe(after.length);
  // Control: the history really was published a second time, under the same ids, and the server dropped it.
  expect(republished.slice(0, before.length)).toEqual(before.map((m) => m.event.id));
});

describe('a subscriber built with @agentry/subscriber', () => {
  const subscriberUrl = () => server.urlFor('acme');

  test('receives every event exactly once per event id across its own restart and a NATS restart (Postgres store)', async () => {
    const processed = new PostgresProcessedEvents(pool, 'kit_processed');
    await processed.ensureTable();
    const handled = new Map<string, number>();
    const types = new Set<string>();
    const handler = (event: LifecycleEvent) => {
      handled.set(event.id, (handled.get(event.id) ?? 0) + 1);
      types.add(event.type);
    };
    // A message the server sent while the subscriber stopped (on the wire when it unsubscribed) is redelivered
    // only after the consumer's ack wait: with the kit's default (30 s) the wait below failed ~1 run in 9 under
    // load (the message after the last ack, e.g. #6, handled 30 s later). A short ack wait bounds that here.
    const ackWaitMs = 3000;
    let sub: Subscription = await subscribe({ natsUrl: subscriberUrl(), durable: 'kit-all', handler, store: processed, maxInFlight: 1, ackWaitMs });
    try {
      await waitUntil(() => handled.size >= 5, { message: 'first events handled' });
    } finally {
      await sub.stop(); // its own restart, mid-stream
    }

    // A copy of an already handled event under another Nats-Msg-Id (what a republish after the duplicate window is).
    const [first] = await lifecycleMessages();
    await jetstream(nc).publish(first!.subject, JSON.stringify(first!.event), { msgID: 'copy-of-first' });

    sub = await subscribe({ natsUrl: subscriberUrl(), durable: 'kit-all', handler, store: processed, maxInFlight: 4, ackWaitMs });
    const published = await streamCount();
    try {
      await waitUntil(() => handled.size >= published - 1, { message: 'every event handled after the restart', timeoutMs: 30_000 });

      await server.stop(); // NATS restart: the consumer's position survives in its store
      await startServer();
      await appendAgentLife(1, 11, 110, T0 + 20_000);
      await waitUntil(async () => nc.isClosed() === false && (await streamCount().catch(() => 0)) >= published + EVENTS_PER_LIFE, {
        message: 'published after the NATS restart',
        timeoutMs: 30_000,
      });
      await waitUntil(() => handled.size >= published - 1 + EVENTS_PER_LIFE, { message: 'events after the NATS restart handled', timeoutMs: 30_000 });
    } finally {
      // Stopped even when a wait fails: a subscription left running keeps the worker alive and handles the next test's messages.
      await sub.stop();
    }

    expect(types).toEqual(new Set(LIFECYCLE_EVENT_TYPES));
    expect([...handled.values()].filter((n) => n !== 1)).toEqual([]);
    expect(handled.size).toBe((await lifecycleMessages()).length - 1);
  });

  test('hostile: a subscriber filtered to one org never gets another org`s events, and its envelope must match its subject', async () => {
    const seen: LifecycleEvent[] = [];
    const givenUp: string[] = [];
    // A forged message on org 2's subject claiming org 1 (only a writer could put it there; the kit still refuses it).
    await jetstream(nc).publish('agentry.events.v1.2.agent.created', JSON.stringify({ ...(await lifecycleMessages())[0]!.event, id: 'evt_' + 'f'.repeat(32) }));
    const total = await streamCount();
    const sub = await subscribe({
      natsUrl: subscriberUrl(),
      durable: 'kit-org-2',
      orgs: ['2'],
      handler: (e) => void seen.push(e),
      onGiveUp: (reason) => void givenUp.push(reason),
    });
    await waitUntil(
      async () => {
        const info = await (await jetstreamManager(nc)).consumers.info(LIFECYCLE_STREAM, 'kit-org-2');
        return info.num_pending === 0 && info.num_ack_pending === 0;
      },
      { message: 'kit-org-2 caught up' },
    );
    await sub.stop();
    expect(seen.length).toBe(EVENTS_PER_LIFE);
    expect(seen.every((e) => e.orgId === '2')).toBe(true);
    expect(givenUp).toEqual([expect.stringContaining('addressed to 2/agent.created, says 1/agent.created')]);
    // Control: the stream does hold other orgs' events, so the filter did something.
    expect(total).toBeGreaterThan(EVENTS_PER_LIFE + 1);
  });

  test('hostile: the subscriber login cannot publish an event, read EVENTS or create a consumer on another stream', async () => {
    const before = await streamCount();
    const acme = await connect({ servers: `nats://127.0.0.1:${port}`, user: 'acme', pass: auth.users[2]!.password, inboxPrefix: '_INBOX.acme' });
    const seen = violations.length;
    await expect(jetstream(acme).publish('agentry.events.v1.2.container.ended', '{}', { timeout: 1000 })).rejects.toThrow();
    acme.publish('agentry.events.v1.1.agent.deleted', '{}');
    await expect(
      (await jetstreamManager(acme, { checkAPI: false })).consumers.add('EVENTS', { durable_name: 'steal', ack_policy: 'explicit' as never }),
    ).rejects.toThrow();
    await acme.flush();
    await acme.close();
    expect(await streamCount()).toBe(before);
    await waitUntil(() => violations.length > seen, { message: 'violations logged' });
    expect(violations.slice(seen).map((v) => [v.user, v.kind])).toContainEqual(['acme', 'Publish']);
    expect(violations.filter((v) => v.user === 'notifier')).toEqual([]);
  });
});
