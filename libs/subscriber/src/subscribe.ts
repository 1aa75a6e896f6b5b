import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type ConsumerConfig,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import {
  LIFECYCLE_STREAM,
  LIFECYCLE_SUBJECT_PREFIX,
  LIFECYCLE_SUBJECTS,
  isLifecycleEventType,
  lifecycleSubject,
  orgLifecycleSubjects,
  type LifecycleEvent,
  type LifecycleEventType,
} from '@agentry/events';
import { connectSubscriber } from './connect.js';
import { InMemoryProcessedEvents, type ProcessedEvents } from './processed-events.js';
import { lifecycleEventProblem } from './validate.js';

/** What a handler gets besides the event. */
export interface DeliveryInfo {
  /** LIFECYCLE stream sequence: resume a replay after it (`startAt: { sequence: n + 1 }`). */
  streamSequence: number;
  /** 1 on the first delivery. */
  deliveryCount: number;
  /** Attempt within this process (in-place retries of a failing handler), 1-based. */
  attempt: number;
}

export type StartAt = 'all' | 'new' | { sequence: number } | { time: Date };

export interface SubscribeOptions {
  /** `nats://user:password@host:4222`, a login allowed to read LIFECYCLE; or pass a connection as `nc`. */
  natsUrl?: string;
  nc?: NatsConnection;
  /** The durable consumer's name (letters, digits, - and _): the server remembers its position under it. Replicas sharing it share the work. */
  durable: string;
  /** Only these types (all when absent or empty). */
  types?: readonly LifecycleEventType[];
  /** Only these orgs' events (all the login may read when absent or empty). */
  orgs?: readonly (string | number)[];
  /** Called once per event id (per the store); throwing retries it in place, in order for its agent. */
  handler: (event: LifecycleEvent, info: DeliveryInfo) => Promise<void> | void;
  /** Processed ids (default: in memory). PostgresProcessedEvents survives restarts. */
  store?: ProcessedEvents;
  /** Events handled at once, and unacknowledged on the server (max_ack_pending): the back-pressure bound. Default 16. */
  maxInFlight?: number;
  /** Where a consumer that does not exist yet starts (default 'all': the whole stream). Fixed once it exists. */
  startAt?: StartAt;
  /** Check each event against its published schema before the handler (default true); a failure is reported, never handled. */
  validate?: boolean;
  /** Attempts of a failing handler before the event is given up (terminated on the server, `onGiveUp`). Default 10. */
  maxAttempts?: number;
  /** Redelivery after this long without an ack or progress (default 30 s); the kit signals progress while a handler runs. */
  ackWaitMs?: number;
  /** An event the kit will not hand to the handler (invalid, or the handler failed maxAttempts times). Default: console.error. */
  onGiveUp?: (reason: string, detail: { streamSequence: number; subject: string; eventId?: string }) => void;
}

export interface Subscription {
  /** Stops pulling, lets handlers in flight finish (acked), hands unstarted messages back. */
  stop(): Promise<void>;
}

const DURABLE = /^[A-Za-z0-9_-]{1,64}$/;
const RETRY_BASE_MS = 200;
const RETRY_MAX_MS = 30_000;
const RECONSUME_DELAY_MS = 1000;

/** The single server-side filter that covers the choice; null when the subject alone does not decide it. */
function planFilter(types: ReadonlySet<string>, orgs: ReadonlySet<string>): { subject: string; exact: boolean } {
  if (orgs.size === 1) {
    const [org] = orgs;
    if (types.size === 1) return { subject: lifecycleSubject(org!, [...types][0] as LifecycleEventType), exact: true };
    return { subject: orgLifecycleSubjects(org!), exact: types.size === 0 };
  }
  if (orgs.size === 0 && types.size === 1) return { subject: lifecycleSubject('*', [...types][0] as LifecycleEventType), exact: true };
  return { subject: LIFECYCLE_SUBJECTS, exact: orgs.size === 0 && types.size === 0 };
}

/** `agentry.events.v1.<org>.<type…>` → org and type. */
function addressOf(subject: string): { org: string; type: string } | null {
  if (!subject.startsWith(`${LIFECYCLE_SUBJECT_PREFIX}.`)) return null;
  const [org, ...rest] = subject.slice(LIFECYCLE_SUBJECT_PREFIX.length + 1).split('.');
  return org && rest.length ? { org, type: rest.join('.') } : null;
}

function deliverPolicy(startAt: StartAt | undefined): Partial<ConsumerConfig> {
  if (startAt === undefined || startAt === 'all') return { deliver_policy: DeliverPolicy.All };
  if (startAt === 'new') return { deliver_policy: DeliverPolicy.New };
  if ('sequence' in startAt) return { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startAt.sequence };
  return { deliver_policy: DeliverPolicy.StartTime, opt_start_time: startAt.time.toISOString() };
}

const isApiError = (error: unknown, code: number): boolean => error instanceof JetStreamApiError && error.code === code;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Subscribes to public lifecycle events with a durable pull consumer on LIFECYCLE (explicit acks).
 *
 * - Idempotent: an id the store has seen is acked without calling the handler; an id is remembered only
 *   after the handler resolved, and the message acked only after that (at-least-once, never at-most-once).
 * - Back-pressure: at most `maxInFlight` events are handled at once and the server holds the rest
 *   (max_ack_pending), so a slow handler slows delivery instead of filling memory.
 * - Order per agent: events of one agent are handled one after another in stream order (a failing handler
 *   is retried in place, keeping its agent's later events waiting); different agents run concurrently.
 * - Survives NATS restarts (the client reconnects; the consumer is re-opened if it was lost) and its own
 *   restarts (the durable position is on the server).
 */
export async function subscribe(opts: SubscribeOptions): Promise<Subscription> {
  if (!DURABLE.test(opts.durable)) throw new Error(`durable must be 1-64 letters, digits, - or _, got ${JSON.stringify(opts.durable)}`);
  for (const type of opts.types ?? []) if (!isLifecycleEventType(type)) throw new Error(`types: unknown lifecycle event type ${JSON.stringify(type)}`);
  const orgs = new Set((opts.orgs ?? []).map(String));
  for (const org of orgs) if (!/^[0-9]+$/.test(org)) throw new Error(`orgs: ${JSON.stringify(org)} is not a numeric org id`);
  const types = new Set<string>(opts.types ?? []);
  const maxInFlight = opts.maxInFlight ?? 16;
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) throw new Error('maxInFlight must be a positive integer');
  const maxAttempts = opts.maxAttempts ?? 10;
  const store = opts.store ?? new InMemoryProcessedEvents();
  const validate = opts.validate ?? true;
  const onGiveUp =
    opts.onGiveUp ?? ((reason, d) => console.error(`[agentry-subscriber] ${opts.durable}: gave up on #${d.streamSequence} ${d.subject}: ${reason}`));
  if (!opts.nc && !opts.natsUrl) throw new Error('give natsUrl or nc');
  const ownConnection = !opts.nc;
  const nc = opts.nc ?? (await connectSubscriber(opts.natsUrl!, `subscriber ${opts.durable}`));

  const filter = planFilter(types, orgs);
  const config: Partial<ConsumerConfig> & { durable_name: string } = {
    durable_name: opts.durable,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(opts.ackWaitMs ?? 30_000),
    max_ack_pending: maxInFlight,
    max_deliver: -1,
    filter_subject: filter.subject,
    ...deliverPolicy(opts.startAt),
  };
  const ensureConsumer = async (): Promise<void> => {
    const jsm = await jetstreamManager(nc);
    try {
      await jsm.consumers.info(LIFECYCLE_STREAM, opts.durable);
    } catch (error) {
      if (!isApiError(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
      await jsm.consumers.add(LIFECYCLE_STREAM, config);
      return;
    }
    // The start position is fixed at creation; the rest follows the options.
    const { deliver_policy: _p, opt_start_seq: _s, opt_start_time: _t, ...updatable } = config;
    await jsm.consumers.update(LIFECYCLE_STREAM, opts.durable, updatable);
  };
  await ensureConsumer();

  let stopping = false;
  let inFlight = 0;
  let slotFreed: (() => void) | null = null;
  const lanes = new Map<string, Promise<void>>();
  const settled = (): void => {
    inFlight -= 1;
    slotFreed?.();
    slotFreed = null;
  };

  /** The handler until it succeeds, retried in place with back-off; false when given up. */
  const handleWithRetries = async (msg: JsMsg, event: LifecycleEvent): Promise<boolean> => {
    for (let attempt = 1; ; attempt++) {
      const progress = setInterval(() => msg.working(), Math.max(1000, (opts.ackWaitMs ?? 30_000) / 3));
      try {
        await opts.handler(event, { streamSequence: msg.info.streamSequence, deliveryCount: msg.info.deliveryCount, attempt });
        return true;
      } catch (error) {
        if (attempt >= maxAttempts || stopping) {
          if (!stopping)
            onGiveUp(`handler failed ${attempt} times: ${error instanceof Error ? error.message : String(error)}`, {
              streamSequence: msg.info.streamSequence,
              subject: msg.subject,
              eventId: event.id,
            });
          return false;
        }
        await sleep(Math.min(RETRY_BASE_MS * 2 ** (attempt - 1), RETRY_MAX_MS));
      } finally {
        clearInterval(progress);
      }
    }
  };

  const handleOne = async (msg: JsMsg): Promise<void> => {
    const address = addressOf(msg.subject);
    if (!address || (!filter.exact && ((orgs.size && !orgs.has(address.org)) || (types.size && !types.has(address.type))))) return void msg.ack();
    let event: LifecycleEvent;
    try {
      event = msg.json<LifecycleEvent>();
    } catch {
      onGiveUp('not JSON', { streamSequence: msg.info.streamSequence, subject: msg.subject });
      return void msg.term();
    }
    // A newer contract's type this kit does not know: not ours to handle.
    if (!isLifecycleEventType(event?.type)) return void msg.ack();
    const problem = validate ? lifecycleEventProblem(event) : null;
    // The envelope must name the org and type its subject does: a filter by org is only as good as this.
    const misaddressed =
      event.orgId !== address.org || event.type !== address.type ? `addressed to ${address.org}/${address.type}, says ${event.orgId}/${event.type}` : null;
    if (problem || misaddressed) {
      onGiveUp(problem ?? misaddressed!, { streamSequence: msg.info.streamSequence, subject: msg.subject, eventId: event.id });
      return void msg.term();
    }
    if (await store.has(opts.durable, event.id)) return void msg.ack();
    if (!(await handleWithRetries(msg, event))) {
      if (stopping) return void msg.nak();
      return void msg.term();
    }
    await store.remember(opts.durable, event.id);
    // Only now: an ack lost here means one redelivery, which the store answers.
    await msg.ackAck().catch(() => undefined);
  };

  const dispatch = async (msg: JsMsg): Promise<void> => {
    while (inFlight >= maxInFlight && !stopping) await new Promise<void>((resolve) => (slotFreed = resolve));
    if (stopping) return void msg.nak();
    inFlight += 1;
    // The lane key: events of one agent in order. Unparseable ones get a lane of their own.
    const lane = /"agentId":"([0-9]+)"/.exec(msg.string())?.[1] ?? `#${msg.info.streamSequence}`;
    const previous = lanes.get(lane) ?? Promise.resolve();
    const run = previous
      .then(() => handleOne(msg))
      .catch((error: unknown) => {
        // Store or ack trouble (e.g. Postgres away): the message comes back after ack_wait.
        console.error(`[agentry-subscriber] ${opts.durable}: #${msg.info.streamSequence}: ${error instanceof Error ? error.message : String(error)}`);
        msg.nak(RECONSUME_DELAY_MS);
      });
    const tail = run.finally(() => {
      settled();
      if (lanes.get(lane) === tail) lanes.delete(lane);
    });
    lanes.set(lane, tail);
  };

  let closeMessages: (() => Promise<void>) | null = null;
  const loop = (async () => {
    while (!stopping) {
      try {
        const consumer = await jetstream(nc).consumers.get(LIFECYCLE_STREAM, opts.durable);
        const messages = await consumer.consume({ max_messages: maxInFlight });
        closeMessages = async () => void (await messages.close());
        for await (const msg of messages) {
          if (stopping) msg.nak();
          else await dispatch(msg);
        }
      } catch {
        if (stopping) break;
        // The consumer went away (e.g. a NATS server restarted without its store): re-create it and go on.
        await sleep(RECONSUME_DELAY_MS);
        await ensureConsumer().catch(() => undefined);
      }
      if (!stopping) await sleep(RECONSUME_DELAY_MS);
    }
  })();

  return {
    async stop() {
      stopping = true;
      slotFreed?.();
      await closeMessages?.();
      await Promise.all([...lanes.values()]);
      await loop.catch(() => undefined);
      if (ownConnection) await nc.drain().catch(() => undefined);
    },
  };
}
