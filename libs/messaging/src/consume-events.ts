import { Logger } from '@nestjs/common';
import { AckPolicy, DeliverPolicy, JetStreamApiCodes, jetstream, jetstreamManager, type ConsumerConfig, type JsMsg } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { DomainError, ErrorCode, EVENTS_STREAM, eventSubject } from '@agentry/contracts';
import type { ParkedEvents, StoredEvent, StoredEventOfType, TypedEvent } from '@agentry/event-store';
import { isDependencyUnavailable } from './dependency-errors.js';
import { isJetStreamApiError } from './jetstream-errors.js';
import { settle as settleDelivery, type Settlement } from './settle.js';
import { matchesAny } from './subject-match.js';
import { runWithLogContext } from '@agentry/service-kit';
import { eventLogContext } from './trace-headers.js';

const logger = new Logger('consumeEvents');

/** What every consumer sets, typed or not. */
interface ConsumerSettings {
  nc: NatsConnection;
  /** Durable consumer name: replicas using the same name share the work, each event goes to one of them. */
  durable: string;
  /**
   * Where an event the handler keeps failing on is parked (the service's `parked_events`), so the events
   * after it still flow; an operator replays or drops it (`npm run parked`).
   */
  parking: ParkedEvents;
  /** Failed attempts (transient failures excluded) before an event is parked (default 5). */
  maxAttempts?: number;
  /**
   * Failures that are not the event's fault, retried with back-off but never counted towards parking
   * (default: a dependency down — Postgres, NATS, another service answering SERVICE_UNAVAILABLE).
   */
  isTransient?: (error: unknown) => boolean;
  /** How often this consumer looks for replays an operator asked for (default 2 s). */
  replayPollMs?: number;
  /** Redelivery after this long without an ack, e.g. when the process died mid-handler (default 30 s). */
  ackWaitMs?: number;
  /** Where a consumer that does not exist yet starts: the whole stream (default) or only new events. */
  startAt?: 'all' | 'new';
}

/** A consumer of any events: its handler gets them untyped. */
export interface ConsumeEventsOptions extends ConsumerSettings {
  /** Subjects like `events.agent.>` (see `eventSubject`); all events when absent. */
  filterSubjects?: string[];
  /** Must be idempotent: delivery is at least once. Throwing makes the event come back later. */
  handle: (event: StoredEvent) => Promise<void>;
}

/**
 * Handles one event type's events. Declared as a method so a handler of one type's events is also a
 * handler the dispatch can hold by type name (as projectionOf's writers).
 */
type EventHandler<Event> = { handle(event: Event): Promise<void> }['handle'];

/**
 * One handler per event type of the union E, each receiving that type's events with `data` typed (no casts);
 * each must be idempotent: delivery is at least once, and throwing makes the event come back later.
 */
export type EventHandlers<E extends TypedEvent> = { [T in E['type']]?: EventHandler<StoredEventOfType<E, T>> };

/**
 * A consumer typed by the event union of one stream type (`consumeEvents<ContainerEvent>`): it subscribes to
 * exactly the types it has handlers for, on `events.<streamType>.<type>`, and hands each handler only its
 * type's events (checked here too), which is what makes the narrowing true.
 */
export interface ConsumeTypedEventsOptions<E extends TypedEvent> extends ConsumerSettings {
  /** The stream type E's events are written to (`StreamType.container` for `ContainerEvent`). */
  streamType: string;
  handlers: EventHandlers<E>;
}

/** The subjects to subscribe to and the handler that gets every delivered event, typed consumer or not. */
function routeOf<E extends TypedEvent>(opts: ConsumeEventsOptions | ConsumeTypedEventsOptions<E>) {
  if (!('handlers' in opts)) return { filterSubjects: opts.filterSubjects, handle: opts.handle };
  const byType: Partial<Record<string, EventHandler<StoredEvent>>> = opts.handlers;
  const types = Object.keys(byType).filter((type) => byType[type] !== undefined);
  if (types.length === 0) throw new Error(`${opts.durable}: a typed consumer needs at least one handler`);
  return {
    filterSubjects: types.map((type) => eventSubject(opts.streamType, type)),
    // The type guard: an event of another type or stream (a consumer left with wider filters) is acked unhandled.
    handle: async (event: StoredEvent): Promise<void> => {
      if (event.streamType === opts.streamType) await byType[event.type]?.(event);
    },
  };
}

export interface EventConsumer {
  /** Stops fetching, lets the event in hand finish, hands buffered unhandled events back to the server. */
  stop(): Promise<void>;
}

const DEFAULT_ACK_WAIT_MS = 30_000;
const MAX_RETRY_DELAY_MS = 60_000;
export const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_REPLAY_POLL_MS = 2000;
const MAX_TRACKED_FAILURES = 10_000;

/** A dependency that is down is nobody's event's fault. */
export const isTransientFailure = (error: unknown): boolean =>
  isDependencyUnavailable(error) || (error instanceof DomainError && error.code === ErrorCode.SERVICE_UNAVAILABLE);

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Several filter subjects on one consumer need nats-server 2.10 (ADR-34); older servers get one filter. */
function supportsMultipleFilters(nc: NatsConnection): boolean {
  const [major = 0, minor = 0] = (nc.info?.version ?? '0.0').split('.').map(Number);
  return major > 2 || (major === 2 && minor >= 10);
}

/**
 * The subjects the server filters on, and what is left to filter here. With one filter, or a server that
 * supports several, the server filters everything; otherwise the consumer takes the whole stream and
 * events outside the filters are acked without calling the handler.
 */
function planFilters(nc: NatsConnection, filterSubjects: string[] | undefined) {
  const filters = filterSubjects ?? [];
  if (filters.length === 0) return { server: {}, local: null };
  if (filters.length === 1) return { server: { filter_subject: filters[0] }, local: null };
  if (supportsMultipleFilters(nc)) return { server: { filter_subjects: filters }, local: null };
  return { server: {}, local: filters };
}

async function ensureDurableConsumer(nc: NatsConnection, config: Partial<ConsumerConfig> & { durable_name: string }) {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.consumers.info(EVENTS_STREAM, config.durable_name);
  } catch (err) {
    if (!isJetStreamApiError(err, JetStreamApiCodes.ConsumerNotFound)) throw err;
    await jsm.consumers.add(EVENTS_STREAM, config);
    return;
  }
  // deliver_policy is fixed at creation; the rest follows the code.
  const { deliver_policy: _fixed, ...updatable } = config;
  await jsm.consumers.update(EVENTS_STREAM, config.durable_name, updatable);
}

/** Exponential back-off for an event whose handler failed: 1 s, 2 s, 4 s … capped at one minute. */
const retryDelayMs = (msg: JsMsg): number => Math.min(1000 * 2 ** (msg.info.deliveryCount - 1), MAX_RETRY_DELAY_MS);

/**
 * Durable pull consumer on the EVENTS stream with explicit acks, for services reacting to events. Events are
 * handled one at a time in stream order; a failed handler's event is redelivered with back-off (so a later
 * event may be handled before it). After `maxAttempts` failures that are not transient the event is parked
 * (recorded, logged by id, terminated on the server) and never redelivered: one bad event cannot stop the rest.
 */
export async function consumeEvents<E extends TypedEvent>(opts: ConsumeTypedEventsOptions<E>): Promise<EventConsumer>;
export async function consumeEvents(opts: ConsumeEventsOptions): Promise<EventConsumer>;
export async function consumeEvents<E extends TypedEvent>(options: ConsumeEventsOptions | ConsumeTypedEventsOptions<E>): Promise<EventConsumer> {
  const opts = { ...options, ...routeOf(options) };
  const filters = planFilters(opts.nc, opts.filterSubjects);
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const isTransient = opts.isTransient ?? isTransientFailure;
  await ensureDurableConsumer(opts.nc, {
    durable_name: opts.durable,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(opts.ackWaitMs ?? DEFAULT_ACK_WAIT_MS),
    deliver_policy: opts.startAt === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
    max_deliver: -1,
    ...filters.server,
  });
  const consumer = await jetstream(opts.nc).consumers.get(EVENTS_STREAM, opts.durable);
  const messages = await consumer.consume();
  let stopping = false;
  /** Failures that count, per event id, on this replica (the server's delivery count also has transient ones). */
  const failures = new Map<string, number>();
  let parkedHere = 0;
  /** Handler calls one at a time, whether a delivery or a replay. */
  let turn: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const next = turn.then(work, work);
    turn = next.catch(() => undefined);
    return next;
  };

  const settle = (msg: JsMsg, outcome: Settlement, delayMs?: number): void => {
    settleDelivery(msg, outcome, delayMs, (why) => logger.warn(`${opts.durable}: ${why}`));
  };

  /** True when this failure parked the event (recorded first: if that fails, it is only redelivered). */
  const parkIfDue = async (event: StoredEvent, error: unknown): Promise<boolean> => {
    if (isTransient(error)) return false;
    const attempts = (failures.get(event.eventId) ?? 0) + 1;
    // Events another replica went on to handle never come back here: keep the map bounded.
    if (failures.size >= MAX_TRACKED_FAILURES) failures.clear();
    failures.set(event.eventId, attempts);
    if (attempts < maxAttempts) return false;
    try {
      await opts.parking.park({ consumer: opts.durable, event, reason: messageOf(error), attempts });
    } catch (parkError) {
      logger.error(`${opts.durable}: could not park event ${event.eventId}: ${messageOf(parkError)}; it will be redelivered`);
      return false;
    }
    failures.delete(event.eventId);
    parkedHere += 1;
    logger.warn(
      `${opts.durable}: parked event ${event.eventId} (${event.type}) after ${attempts} failed attempts: ${messageOf(error)} ` +
        `(${parkedHere} parked by this consumer since it started; replay with: npm run parked -- list)`,
    );
    return true;
  };

  const handleOne = async (msg: JsMsg): Promise<void> => {
    if (filters.local && !matchesAny(filters.local, msg.subject)) return settle(msg, 'ack');
    let event: StoredEvent;
    try {
      event = msg.json<StoredEvent>();
    } catch {
      // Not an event at all (nothing the relay publishes): nothing to park, nothing to retry.
      logger.error(`${opts.durable}: message ${msg.info.streamSequence} on ${msg.subject} is not JSON; terminated`);
      return settle(msg, 'term');
    }
    try {
      // Under the request that appended the event: its logs, RPCs and appends carry that request id.
      await runWithLogContext(eventLogContext(event), () => opts.handle(event));
    } catch (err) {
      // Message and stack only: the event may carry secrets.
      const e = err instanceof Error ? err : new Error(String(err));
      logger.error(`${opts.durable}: handler failed on event ${event.eventId} ${msg.subject} (delivery ${msg.info.deliveryCount}): ${e.message}`, e.stack);
      if (await parkIfDue(event, err)) return settle(msg, 'term');
      return settle(msg, 'nak', retryDelayMs(msg));
    }
    failures.delete(event.eventId);
    settle(msg, 'ack');
  };

  /** Runs the handler on the parked events an operator asked to replay; success unparks, failure keeps them parked. */
  const replayParked = async (): Promise<void> => {
    for (const entry of await opts.parking.claimReplays(opts.durable)) {
      try {
        const event = await opts.parking.readEvent(entry.eventId);
        if (!event) throw new Error(`event ${entry.eventId} is not in the log`);
        await opts.handle(event);
        await opts.parking.resolve(entry.id);
        logger.log(`${opts.durable}: replayed parked event ${entry.eventId} (${entry.eventType})`);
      } catch (error) {
        await opts.parking.replayFailed(entry.id, messageOf(error));
        logger.warn(`${opts.durable}: replay of parked event ${entry.eventId} (${entry.eventType}) failed again: ${messageOf(error)}`);
      }
    }
  };
  const replayTimer = setInterval(() => {
    if (!stopping) serially(replayParked).catch((error) => logger.warn(`${opts.durable}: replays not checked: ${messageOf(error)}`));
  }, opts.replayPollMs ?? DEFAULT_REPLAY_POLL_MS);

  const loop = (async () => {
    for await (const msg of messages) {
      if (stopping) settle(msg, 'nak');
      else await serially(() => handleOne(msg));
    }
  })();

  return {
    async stop() {
      stopping = true;
      clearInterval(replayTimer);
      await messages.close();
      await loop;
      await turn;
    },
  };
}
