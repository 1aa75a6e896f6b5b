import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { EVENTS_STREAM, eventSubject } from '@agentry/contracts';
import { createDataSource, eventStoreMigrations, migrate, ParkedEvents, type StoredEvent } from '@agentry/event-store';
import { createTestDatabase, startTestNats, waitUntil, type TestDatabase } from '@agentry/testing';
import type { DataSource } from 'typeorm';
import { consumeEvents, type EventConsumer } from './consume-events.js';
import { EVENTS_DUPLICATE_WINDOW_MS, ensureEventsStream } from './events-stream.js';

let position = 0;
function storedEvent(streamType: string, type: string): StoredEvent {
  position += 1;
  return {
    globalPosition: String(position),
    transactionId: String(1000 + position),
    streamId: `${streamType}-1`,
    streamType,
    streamPosition: position,
    eventId: randomUUID(),
    type,
    schemaVersion: 1,
    data: { n: position },
    metadata: {},
    createdAt: Date.now(),
  };
}

describe('EVENTS stream and consumeEvents', () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let database: TestDatabase;
  let dataSource: DataSource;
  /** Where these consumers would park an event (none of these tests gets that far). */
  let parking: ParkedEvents;
  const consumers: EventConsumer[] = [];

  const publish = async (e: StoredEvent) => {
    await js.publish(eventSubject(e.streamType, e.type), JSON.stringify(e), { msgID: e.eventId });
    return e;
  };

  beforeAll(async () => {
    nats = await startTestNats();
    nc = await connect({ servers: nats.url });
    js = jetstream(nc);
    await ensureEventsStream(nc);
    database = await createTestDatabase();
    dataSource = createDataSource({ url: database.url, migrations: eventStoreMigrations, name: 'consume-events-test' });
    await dataSource.initialize();
    await migrate(dataSource);
    parking = new ParkedEvents(dataSource);
  });

  afterAll(async () => {
    for (const c of consumers) await c.stop();
    await nc?.close();
    await nats?.stop();
    await dataSource?.destroy();
    await database?.drop();
  });

  it('creates EVENTS with a one hour duplicate window, and repairs a drifted configuration', async () => {
    await ensureEventsStream(nc);
    await ensureEventsStream(nc); // idempotent
    const jsm = await jetstreamManager(nc);
    let info = await jsm.streams.info(EVENTS_STREAM);
    expect(info.config.subjects).toEqual(['events.>']);
    expect(info.config.duplicate_window).toBe(nanos(EVENTS_DUPLICATE_WINDOW_MS));

    await jsm.streams.update(EVENTS_STREAM, { duplicate_window: nanos(1000) });
    await ensureEventsStream(nc);
    info = await jsm.streams.info(EVENTS_STREAM);
    expect(info.config.duplicate_window).toBe(nanos(EVENTS_DUPLICATE_WINDOW_MS));
  });

  it('drops a republished event id', async () => {
    const e = storedEvent('agent', 'AgentCreated');
    const first = await js.publish(eventSubject(e.streamType, e.type), JSON.stringify(e), { msgID: e.eventId });
    const again = await js.publish(eventSubject(e.streamType, e.type), JSON.stringify(e), { msgID: e.eventId });
    expect(first.duplicate).toBe(false);
    expect(again.duplicate).toBe(true);
    expect(again.seq).toBe(first.seq);
  });

  it('delivers only events matching several filter subjects, in stream order', async () => {
    const handled: StoredEvent[] = [];
    consumers.push(
      await consumeEvents({
        nc,
        durable: 'filtered',
        parking,
        startAt: 'new',
        filterSubjects: ['events.script.>', 'events.org.OrgCreated'],
        handle: async (e) => void handled.push(e),
      }),
    );
    const wanted: StoredEvent[] = [];
    for (const [streamType, type] of [
      ['agent', 'AgentCreated'],
      ['script', 'ScriptSaved'],
      ['org', 'OrgRenamed'],
      ['org', 'OrgCreated'],
      ['script', 'ScriptDeleted'],
    ] as const) {
      const e = await publish(storedEvent(streamType, type));
      if (e.streamType === 'script' || e.type === 'OrgCreated') wanted.push(e);
    }
    const marker = await publish(storedEvent('script', 'Marker'));
    await waitUntil(() => handled.some((e) => e.eventId === marker.eventId));
    expect(handled.map((e) => e.eventId)).toEqual([...wanted, marker].map((e) => e.eventId));
    expect(handled[0]).toEqual(wanted[0]);
  });

  it('a typed consumer hands each handler only its own type of its stream type, even from a publisher that mislabels events', async () => {
    type Ev = { type: 'Opened'; data: { n: number } } | { type: 'Closed'; data: { n: number } };
    const opened: StoredEvent[] = [];
    const closed: StoredEvent[] = [];
    consumers.push(
      await consumeEvents<Ev>({
        nc,
        durable: 'typed',
        parking,
        startAt: 'new',
        streamType: 'door',
        handlers: { Opened: async (e) => void opened.push(e), Closed: async (e) => void closed.push(e) },
      }),
    );
    const open = await publish(storedEvent('door', 'Opened'));
    await publish(storedEvent('door', 'Locked')); // a type with no handler: not subscribed
    await publish(storedEvent('window', 'Opened')); // another stream type: not subscribed
    // On a subscribed subject but saying otherwise inside (another stream type, another type): not handed over.
    const otherStream = storedEvent('window', 'Opened');
    await js.publish(eventSubject('door', 'Opened'), JSON.stringify(otherStream), { msgID: otherStream.eventId });
    const otherType = storedEvent('door', 'Locked');
    await js.publish(eventSubject('door', 'Closed'), JSON.stringify(otherType), { msgID: otherType.eventId });
    const close = await publish(storedEvent('door', 'Closed'));
    await waitUntil(() => closed.some((e) => e.eventId === close.eventId));
    expect(opened.map((e) => e.eventId)).toEqual([open.eventId]);
    expect(closed.map((e) => e.eventId)).toEqual([close.eventId]);
    const jsm = await jetstreamManager(nc);
    // What was delivered and not handed over was acked, not left to come back.
    await waitUntil(async () => (await jsm.consumers.info(EVENTS_STREAM, 'typed')).num_ack_pending === 0);
  });

  it('redelivers an event whose handler failed', async () => {
    const attempts: number[] = [];
    const e = storedEvent('agent', 'AgentRetired');
    consumers.push(
      await consumeEvents({
        nc,
        durable: 'flaky',
        parking,
        startAt: 'new',
        filterSubjects: ['events.agent.AgentRetired'],
        handle: async (got) => {
          attempts.push(got.globalPosition === e.globalPosition ? attempts.length + 1 : -1);
          if (attempts.length === 1) throw new Error('transient failure');
        },
      }),
    );
    await publish(e);
    await waitUntil(() => attempts.length >= 2);
    expect(attempts.slice(0, 2)).toEqual([1, 2]);
    const jsm = await jetstreamManager(nc);
    await waitUntil(async () => (await jsm.consumers.info(EVENTS_STREAM, 'flaky')).num_ack_pending === 0);
  });

  it('redelivers an event never acked because its consumer died, to the next consumer of the durable', async () => {
    const durable = 'crashy';
    const crashingNc = await connect({ servers: nats.url });
    const seenByCrashing: string[] = [];
    let releaseHandler: () => void = () => {};
    const handlerGate = new Promise<void>((resolve) => (releaseHandler = resolve));
    const crashed = await consumeEvents({
      nc: crashingNc,
      durable,
      parking,
      startAt: 'new',
      ackWaitMs: 1000,
      handle: async (got) => {
        seenByCrashing.push(got.eventId);
        await handlerGate; // the process "dies" (its connection closes) before this handler returns
      },
    });
    const e = await publish(storedEvent('agent', 'AgentDeleted'));
    await waitUntil(() => seenByCrashing.length === 1);
    await crashingNc.close();

    const seenBySuccessor: StoredEvent[] = [];
    consumers.push(await consumeEvents({ nc, durable, parking, ackWaitMs: 1000, handle: async (got) => void seenBySuccessor.push(got) }));
    await waitUntil(() => seenBySuccessor.length >= 1);
    expect(seenByCrashing).toEqual([e.eventId]);
    expect(seenBySuccessor[0]).toEqual(e);
    const jsm = await jetstreamManager(nc);
    await waitUntil(async () => (await jsm.consumers.info(EVENTS_STREAM, durable)).num_ack_pending === 0);
    // One stream message, delivered twice: to the consumer that died, then again to its successor.
    expect((await jsm.consumers.info(EVENTS_STREAM, durable)).delivered.consumer_seq).toBe(2);
    releaseHandler();
    await crashed.stop();
  });
});
