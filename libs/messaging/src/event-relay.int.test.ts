import { jetstreamManager } from '@nats-io/jetstream';
import { EVENTS_STREAM, eventSubject } from '@agentry/contracts';
import {
  compareLogPositions,
  createDataSource,
  eventStoreMigrations,
  EventStore,
  migrate,
  positionOf,
  ProjectionRunner,
  type LogPosition,
  type Projection,
  type StoredEvent,
} from '@agentry/event-store';
import { createTestDatabase, useTestJetStream, waitUntil, type TestDatabase } from '@agentry/testing';
import type { DataSource } from 'typeorm';
import { createEventRelayProjection, EVENT_RELAY_PROJECTION } from './event-relay.js';
import { ensureEventsStream } from './events-stream.js';

const RUNNER_OPTIONS = { batchSize: 25, pollIntervalMs: 200, leadershipRetryMs: 50, onError: () => undefined };

interface StreamMessage {
  seq: number;
  subject: string;
  msgId: string | undefined;
  event: StoredEvent;
}

describe('event relay (event store -> JetStream EVENTS)', () => {
  const jet = useTestJetStream();
  let database: TestDatabase;
  let dataSource: DataSource;
  let store: EventStore;
  const cleanups: (() => Promise<unknown>)[] = [];

  const openDataSource = async (name: string) => {
    const ds = createDataSource({ url: database.url, migrations: eventStoreMigrations, name });
    await ds.initialize();
    cleanups.push(() => ds.destroy());
    return ds;
  };

  const startRelay = async (ds: DataSource, projection: Projection, options = {}) => {
    const runner = new ProjectionRunner(ds, [projection], { ...RUNNER_OPTIONS, ...options });
    await runner.start();
    cleanups.push(() => runner.stop());
    return runner;
  };

  /** Appends, then waits until whole-log readers see them (a concurrent transaction may hold the snapshot xmin back briefly). */
  async function appendEvents(count: number): Promise<void> {
    let last: string | undefined;
    for (let i = 0; i < count; i++) {
      const [streamType, type] = i % 3 === 0 ? ['script', 'ScriptSaved'] : ['agent', i % 2 ? 'AgentSaved' : 'AgentRetired'];
      last = (await store.append(`${streamType}-${i % 4}`, streamType, [{ type, data: { i } }], { expectedVersion: 'any' })).position.globalPosition;
    }
    await waitUntil(async () => (await store.readAll({ limit: 100_000 })).some((e) => e.globalPosition === last), {
      message: 'appended events visible to readers',
    });
  }

  async function streamMessages(): Promise<StreamMessage[]> {
    const jsm = await jetstreamManager(jet.nc);
    const { state } = await jsm.streams.info(EVENTS_STREAM);
    const messages: StreamMessage[] = [];
    for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
      const msg = await jsm.streams.getMessage(EVENTS_STREAM, { seq });
      if (msg) messages.push({ seq, subject: msg.subject, msgId: msg.header.get('Nats-Msg-Id'), event: msg.json<StoredEvent>() });
    }
    return messages;
  }

  async function storedCheckpoint(): Promise<LogPosition | undefined> {
    const [row] = await dataSource.query(
      `SELECT transaction_id::text AS "transactionId", global_position::text AS "globalPosition"
       FROM projection_checkpoints WHERE name = $1`,
      [EVENT_RELAY_PROJECTION],
    );
    return row;
  }

  /** The stream holds every event of the log exactly once, in log order, keyed by its event id. */
  async function expectStreamToMirrorTheLog(log: StoredEvent[]): Promise<void> {
    const messages = await streamMessages();
    expect(messages).toHaveLength(log.length);
    expect(new Set(messages.map((m) => m.event.eventId)).size).toBe(log.length);
    expect(messages.map((m) => m.event)).toEqual(log);
    for (const m of messages) {
      expect(m.msgId).toBe(m.event.eventId);
      expect(m.subject).toBe(eventSubject(m.event.streamType, m.event.type));
    }
  }

  beforeEach(async () => {
    database = await createTestDatabase();
    dataSource = await openDataSource('relay-test');
    await migrate(dataSource);
    store = new EventStore(dataSource);
    const jsm = await jetstreamManager(jet.nc);
    await jsm.streams.delete(EVENTS_STREAM).catch(() => undefined);
    await ensureEventsStream(jet.nc);
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await database.drop();
  });

  it('publishes every committed event once, with its id as Nats-Msg-Id, and follows new appends', async () => {
    await appendEvents(60);
    const relay = await startRelay(dataSource, createEventRelayProjection(jet.js));
    await appendEvents(15);
    const log = await store.readAll({ limit: 1000 });
    await relay.waitFor(positionOf(log[log.length - 1]));
    await expectStreamToMirrorTheLog(log);
  });

  it('killed mid-batch after publishing, then restarted: every event is in EVENTS exactly once', async () => {
    const total = 120;
    const killAfter = 60; // inside the third batch of 25
    await appendEvents(total);
    const log = await store.readAll({ limit: 1000 });

    // First relay "process": its own connections; after its 60th publish the process dies (its
    // database sessions are terminated, so the batch transaction never commits) and never runs again.
    const doomed = createEventRelayProjection(jet.js);
    let published = 0;
    let killed: () => void = () => {};
    const died = new Promise<void>((resolve) => (killed = resolve));
    const dying: Projection = {
      name: doomed.name,
      reset: (manager) => doomed.reset(manager),
      apply: async (event, manager) => {
        if (published === killAfter) throw new Error('this process is dead');
        await doomed.apply(event, manager);
        if (++published === killAfter) {
          await dataSource.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND application_name IN ('relay-a', 'agentry-projections')`,
          );
          killed();
          throw new Error('this process is dead');
        }
      },
    };
    const first = await startRelay(await openDataSource('relay-a'), dying, { leadershipRetryMs: 60_000 });
    await died;
    await first.stop();

    // The crash left published events behind the stored checkpoint: a naive resume would publish them twice.
    expect(await streamMessages()).toHaveLength(killAfter);
    const checkpoint = await storedCheckpoint();
    expect(checkpoint).toBeDefined();
    expect(compareLogPositions(checkpoint!, positionOf(log[killAfter - 1]))).toBeLessThan(0);

    const second = await startRelay(await openDataSource('relay-b'), createEventRelayProjection(jet.js));
    await second.waitFor(positionOf(log[total - 1]));
    await expectStreamToMirrorTheLog(log);
  });

  it('carries on after NATS restarts', async () => {
    const relay = await startRelay(dataSource, createEventRelayProjection(jet.js));
    await appendEvents(20);
    await relay.waitFor(positionOf((await store.readAll({ limit: 1000 })).at(-1)!));

    await jet.nats.restart(); // JetStream data survives; the relay's connection reconnects
    await appendEvents(20);
    const log = await store.readAll({ limit: 1000 });
    await relay.waitFor(positionOf(log[log.length - 1]));
    await expectStreamToMirrorTheLog(log);
  });

  it('has the server drop a late republish by a stale relay instance (msgID dedupe)', async () => {
    await appendEvents(10);
    const log = await store.readAll({ limit: 1000 });
    const stale = createEventRelayProjection(jet.js);
    const current = createEventRelayProjection(jet.js);
    const manager = dataSource.manager;

    await stale.apply(log[0], manager); // remembers the stream tail as of event 0
    for (const event of log) await current.apply(event, manager);
    // A paused old leader wakes up and publishes what it had in hand: the server recognises the ids.
    for (const event of log.slice(1)) await stale.apply(event, manager);

    await expectStreamToMirrorTheLog(log);
  });
});
