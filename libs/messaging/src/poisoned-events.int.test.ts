import { jetstreamManager } from '@nats-io/jetstream';
import { DomainError, ErrorCode, EVENTS_STREAM } from '@agentry/contracts';
import {
  createDataSource,
  eventStoreMigrations,
  EventStore,
  maxEventBytes,
  maxEventBytesFor,
  migrate,
  ParkedEvents,
  parkedCommand,
  ProjectionRunner,
  setMaxEventBytes,
  type Projection,
  type StoredEvent,
} from '@agentry/event-store';
import { createTestDatabase, useTestJetStream, waitUntil, type TestDatabase } from '@agentry/testing';
import type { DataSource } from 'typeorm';
import { consumeEvents } from './consume-events.js';
import { startEventRelay } from './relay-runner.js';
import { createEventRelayProjection, EVENT_RELAY_PROJECTION } from './event-relay.js';
import { ensureEventsStream } from './events-stream.js';

/**
 * One bad event must not stop the flow for everyone: the relay and durable consumers park it (recorded,
 * logged by id, skipped), keep going, and an operator can replay or drop it.
 */
describe('poisoned events: the relay and consumers park them and keep flowing', () => {
  const jet = useTestJetStream();
  let database: TestDatabase;
  let dataSource: DataSource;
  let store: EventStore;
  let parked: ParkedEvents;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeEach(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource({ url: database.url, migrations: eventStoreMigrations, name: 'poison-test' });
    await dataSource.initialize();
    await migrate(dataSource);
    store = new EventStore(dataSource);
    parked = new ParkedEvents(dataSource);
    const jsm = await jetstreamManager(jet.nc);
    await jsm.streams.delete(EVENTS_STREAM).catch(() => undefined);
    await ensureEventsStream(jet.nc);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await dataSource.destroy();
    await database.drop();
  });

  const runProjection = async (projection: Projection, onError: (error: unknown) => void = () => undefined) => {
    const runner = new ProjectionRunner(dataSource, [projection], {
      batchSize: 50,
      pollIntervalMs: 100,
      leadershipRetryMs: 50,
      onError,
      onParking: () => undefined,
    });
    await runner.start();
    cleanups.push(() => runner.stop());
    return runner;
  };

  const append = async (n: number, label: string) => {
    const result = await store.append(`agent-${label}`, 'agent', [{ type: 'AgentRetired', data: { n, label } }], { expectedVersion: 'any' });
    return result.position;
  };

  /**
   * What the size check at append now prevents, forced in behind its back: a result object of 600 KB of
   * backslashes, 1.2 MB once JSON-encoded, over the server's 1 MiB max_payload.
   */
  const insertOversizedEvent = async (): Promise<string> => {
    const [row] = await dataSource.query(
      `INSERT INTO events (stream_id, stream_type, stream_position, event_id, type, data)
       VALUES ('container-666', 'container', 1, gen_random_uuid(), 'ContainerResultObjectSet', jsonb_build_object('resultObject', repeat(E'\\\\', 600000)))
       RETURNING event_id::text AS id`,
    );
    return row.id;
  };

  const streamEventIds = async (): Promise<string[]> => {
    const jsm = await jetstreamManager(jet.nc);
    const { state } = await jsm.streams.info(EVENTS_STREAM);
    const ids: string[] = [];
    for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
      ids.push((await jsm.streams.getMessage(EVENTS_STREAM, { seq }))!.json<StoredEvent>().eventId);
    }
    return ids;
  };

  const logIds = async (): Promise<string[]> => (await store.readAll({ limit: 1000 })).map((e) => e.eventId);

  it('the relay parks an event over max_payload and relays every event after it; replay retries it, drop removes it', async () => {
    await append(1, 'a');
    await append(2, 'b');
    const poisoned = await insertOversizedEvent();
    await append(3, 'c');
    const last = await append(4, 'd');
    const relay = await runProjection(createEventRelayProjection(jet.js));
    await relay.waitFor(last);

    const log = await logIds();
    expect(log).toHaveLength(5);
    expect(await streamEventIds()).toEqual(log.filter((id) => id !== poisoned));
    const [row] = await parked.list();
    expect(row).toMatchObject({ consumer: EVENT_RELAY_PROJECTION, eventId: poisoned, eventType: 'ContainerResultObjectSet', attempts: 1 });
    expect(row!.reason).toMatch(/the encoded event is \d+ bytes, over the NATS server's max_payload/);

    // Later events keep flowing.
    const after = await append(5, 'e');
    await relay.waitFor(after);
    expect((await streamEventIds()).length).toBe(5);

    // The operator's command: list, replay (still too large: it stays parked, one more attempt), drop.
    const out: string[] = [];
    await parkedCommand(['list'], parked, (t) => out.push(t));
    expect(out[0]).toContain(`#${row!.id}  ${EVENT_RELAY_PROJECTION}  event ${poisoned}  ContainerResultObjectSet  container-666`);
    expect(out.join('\n')).not.toContain('\\\\\\\\');
    expect(await parkedCommand(['replay', String(row!.id)], parked, (t) => out.push(t))).toBe(0);
    await waitUntil(async () => (await parked.get(row!.id))?.attempts === 2, { message: 'the relay retried the parked event' });
    expect(await streamEventIds()).not.toContain(poisoned);
    expect(await parkedCommand(['drop', String(row!.id)], parked, (t) => out.push(t))).toBe(0);
    expect(await parked.list()).toEqual([]);
  });

  it('control: a relay that does not park stays stuck at the oversized event, for every event after it', async () => {
    await append(1, 'a');
    await insertOversizedEvent();
    await append(2, 'b');
    const relay = createEventRelayProjection(jet.js);
    const withoutParking: Projection = { name: 'relay-without-parking', apply: (e, m) => relay.apply(e, m), reset: async () => undefined };
    let failures = 0;
    await runProjection(withoutParking, () => (failures += 1));
    await waitUntil(() => failures >= 3, { message: 'three failed batches' });
    expect(await streamEventIds()).toEqual((await logIds()).slice(0, 1));
  });

  it('startEventRelay sizes appends by the server it publishes to', async () => {
    setMaxEventBytes(dataSource, 1);
    const relay = await startEventRelay(dataSource, jet.nats.url);
    cleanups.push(() => relay.stop());
    expect(maxEventBytes(dataSource)).toBe(maxEventBytesFor(jet.nc.info!.max_payload));
    expect(maxEventBytes(dataSource)).toBe(1024 * 1024 - 16 * 1024);
  });

  it('a durable consumer parks an event its handler keeps failing on, handles the events after it, and replays it on request', async () => {
    await runProjection(createEventRelayProjection(jet.js));
    const positions = [await append(1, 'a'), await append(2, 'b'), await append(3, 'c')];
    const [, bad] = (await store.readAll()).map((e) => e.eventId);
    let fixed = false;
    const handled: string[] = [];
    const attemptsOnBad: number[] = [];
    const consumer = await consumeEvents({
      nc: jet.nc,
      durable: 'picky',
      parking: parked,
      maxAttempts: 3,
      replayPollMs: 100,
      handle: async (event) => {
        if (event.eventId === bad && !fixed) {
          attemptsOnBad.push(attemptsOnBad.length + 1);
          throw new Error(`cannot handle ${event.type}`);
        }
        handled.push(event.eventId);
      },
    });
    cleanups.push(() => consumer.stop());
    expect(positions).toHaveLength(3);

    // Three attempts take 1 s + 2 s of back-off; the bound is generous for a loaded CI machine, and a
    // failure says how far the consumer got.
    await waitUntil(async () => (await parked.list('picky')).length === 1, { timeoutMs: 60_000 }).catch(async (error) => {
      const info = await (await jetstreamManager(jet.nc)).consumers.info(EVENTS_STREAM, 'picky');
      const stream = await streamEventIds();
      throw new Error(
        `${(error as Error).message}: not parked; handled ${handled.length}, failed attempts on the bad event ${attemptsOnBad.length}, ` +
          `events in the stream ${stream.length}, consumer delivered ${info.delivered.stream_seq} / ack pending ${info.num_ack_pending} / pending ${info.num_pending}`,
      );
    });
    const [row] = await parked.list('picky');
    expect(row).toMatchObject({ eventId: bad, attempts: 3, reason: 'cannot handle AgentRetired' });
    expect(handled).toHaveLength(2);
    expect(handled).not.toContain(bad);
    const jsm = await jetstreamManager(jet.nc);
    // Terminated on the server: never redelivered.
    await waitUntil(async () => (await jsm.consumers.info(EVENTS_STREAM, 'picky')).num_ack_pending === 0);
    expect(attemptsOnBad).toEqual([1, 2, 3]);

    fixed = true;
    await parked.requestReplay(row!.id);
    await waitUntil(() => handled.includes(bad!), { message: 'replayed' });
    await waitUntil(async () => (await parked.list('picky')).length === 0, { message: 'unparked' });
  });

  it('a consumer does not count failures of a dependency that is down: the event is handled once it is back', async () => {
    await runProjection(createEventRelayProjection(jet.js));
    await append(1, 'a');
    let failures = 0;
    let handledStream: string | undefined;
    const consumer = await consumeEvents({
      nc: jet.nc,
      durable: 'patient',
      parking: parked,
      maxAttempts: 2,
      handle: async (event) => {
        if (failures < 2) {
          failures += 1;
          throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'executor service unavailable');
        }
        handledStream = event.streamId;
      },
    });
    cleanups.push(() => consumer.stop());
    await waitUntil(() => handledStream !== undefined, { message: 'handled after the outage', timeoutMs: 20_000 });
    expect(failures).toBe(2);
    expect(handledStream).toBe('agent-a');
    expect(await parked.list()).toEqual([]);
  });
});
