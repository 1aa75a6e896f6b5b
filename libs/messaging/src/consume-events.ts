import { Logger } from '@nestjs/common';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  jetstream,
  jetstreamManager,
  type ConsumerConfig,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { EVENTS_STREAM } from '@agentry/contracts';
import type { StoredEvent } from '@agentry/event-store';
import { isJetStreamApiError } from './jetstream-errors.js';
import { matchesAny } from './subject-match.js';

const logger = new Logger('consumeEvents');

export interface ConsumeEventsOptions {
  nc: NatsConnection;
  /** Durable consumer name: replicas using the same name share the work, each event goes to one of them. */
  durable: string;
  /** Subjects like `events.agent.>` (see `eventSubject`); all events when absent. */
  filterSubjects?: string[];
  /** Must be idempotent: delivery is at least once. Throwing makes the event come back later. */
  handle: (event: StoredEvent) => Promise<void>;
  /** Redelivery after this long without an ack, e.g. when the process died mid-handler (default 30 s). */
  ackWaitMs?: number;
  /** Where a consumer that does not exist yet starts: the whole stream (default) or only new events. */
  startAt?: 'all' | 'new';
}

export interface EventConsumer {
  /** Stops fetching, lets the event in hand finish, hands buffered unhandled events back to the server. */
  stop(): Promise<void>;
}

const DEFAULT_ACK_WAIT_MS = 30_000;
const MAX_RETRY_DELAY_MS = 60_000;

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
 * event may be handled before it).
 */
export async function consumeEvents(opts: ConsumeEventsOptions): Promise<EventConsumer> {
  const filters = planFilters(opts.nc, opts.filterSubjects);
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

  /** A lost ack or nak (e.g. the connection closed) only means the server redelivers after ack_wait. */
  const settle = (msg: JsMsg, outcome: 'ack' | 'nak', delayMs?: number): void => {
    try {
      if (outcome === 'ack') msg.ack();
      else msg.nak(delayMs);
    } catch (err) {
      logger.warn(`${opts.durable}: could not ${outcome} ${msg.subject} (${(err as Error).message}); it will be redelivered`);
    }
  };

  const handleOne = async (msg: JsMsg): Promise<void> => {
    if (filters.local && !matchesAny(filters.local, msg.subject)) return settle(msg, 'ack');
    try {
      await opts.handle(msg.json<StoredEvent>());
    } catch (err) {
      // Message and stack only: the event may carry secrets.
      const e = err instanceof Error ? err : new Error(String(err));
      logger.error(`${opts.durable}: handler failed on ${msg.subject} (delivery ${msg.info.deliveryCount}): ${e.message}`, e.stack);
      return settle(msg, 'nak', retryDelayMs(msg));
    }
    settle(msg, 'ack');
  };

  const loop = (async () => {
    for await (const msg of messages) {
      if (stopping) settle(msg, 'nak');
      else await handleOne(msg);
    }
  })();

  return {
    async stop() {
      stopping = true;
      await messages.close();
      await loop;
    },
  };
}
