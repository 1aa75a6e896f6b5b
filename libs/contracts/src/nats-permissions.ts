/**
 * Who may do what on the bus: ONE declarative map of every NATS user of the platform and the
 * subjects it needs, from which every nats-server configuration is generated (the embedded
 * server of `npm start`, the tests' servers, the Kubernetes config). Nothing else grants a
 * permission, so a service that needs a new subject gets it here or not at all; the test NATS
 * enforces this map on every integration test and fails a test file whose service hit a
 * permission violation, so the map is proven sufficient by the suite and minimal by review.
 *
 * What a grant means on the wire:
 * - `serves`: request subjects it answers (subscribe, in its queue group), and publishing answers
 *   to inboxes (`_INBOX.>`). Not nats-server's `allow_responses`: that lets a responder publish to
 *   whatever reply subject the requester wrote, so the gateway could send the registry a request
 *   whose "reply subject" is `$JS.API.STREAM.DELETE.EVENTS` or `launches.1` and have the registry
 *   delete the stream or enqueue a launch for it (tested). Answers only ever go to inboxes.
 * - `calls`: request subjects it sends (publish). The reply comes back on its own inbox.
 * - Every user's inbox is `_INBOX.<user>.>` (the client's `inboxPrefix`, see
 *   `natsInboxPrefix`) and it may subscribe to no other inbox: one service cannot read the
 *   replies another one asked for.
 * - JetStream: the API subjects of exactly the streams, consumers and KV buckets it uses
 *   (`$JS.API.STREAM.<op>.<stream>`, `$JS.API.CONSUMER.<op>.<stream>.<durable>`,
 *   `$JS.ACK.<stream>.<durable>.>`, `$KV.<bucket>.>`). Deleting or purging a stream or
 *   consumer is granted to nobody.
 */
import { LIFECYCLE_STREAM, LIFECYCLE_SUBJECTS } from '@agentry/events';
import { EVENTS_STREAM, Subjects } from './subjects.js';
import { LAUNCH_STREAM, OUTPUT_STREAM, OUTPUT_STREAM_SUBJECTS } from './containers/live.js';
import { KEY_INVALIDATIONS_SUBJECT } from './accounts/key-invalidation.js';
import { AGENT_RECORD_EVENT_SUBJECTS } from './agents/record-events.js';

/** The platform's NATS users: one per service, each replica of a service logs in as it. */
export const NATS_SERVICE_USERS = ['gateway', 'registry', 'executor', 'output', 'scheduler', 'notifier'] as const;
export type NatsServiceUser = (typeof NATS_SERVICE_USERS)[number];
/** Operator jobs that connect (deploy/images/ops, e.g. raising stream replicas on a NATS cluster). */
export const NATS_OPS_USER = 'ops';
/** Every user of the map: the services, then the operators' one. */
export const NATS_USERS = [...NATS_SERVICE_USERS, NATS_OPS_USER] as const;
export type NatsUser = (typeof NATS_USERS)[number];

/** The subjects a stream captures (its config `subjects`), i.e. what publishing to it means. */
export const StreamSubjects = {
  [EVENTS_STREAM]: 'events.>',
  [LAUNCH_STREAM]: 'launches.>',
  [OUTPUT_STREAM]: OUTPUT_STREAM_SUBJECTS,
  [LIFECYCLE_STREAM]: LIFECYCLE_SUBJECTS,
} as const;

/** Durable consumers, by stream: their names are part of the permission (a service pulls only from its own). */
export const NatsDurables = {
  /** LAUNCHES work queue, shared by executor replicas. */
  executorLaunches: 'executor-launches',
  /** EVENTS: re-publishes still-queued containers. */
  executorLaunchBackstop: 'executor-launch-backstop',
  /** EVENTS: retries of ended containers. */
  executorRetries: 'executor-retries',
  /** EVENTS: after-agent chaining. */
  schedulerAfterAgent: 'scheduler-after-agent',
  /** OUTPUT: console chunks into Postgres. */
  outputStore: 'output-store',
  /** EVENTS: container ends → end-of-run webhooks. */
  notifierWebhooks: 'notifier-webhooks',
  /** LIFECYCLE: public lifecycle events → org webhook endpoints subscribed to their type. */
  notifierEndpoints: 'notifier-endpoints',
} as const;

/** KV bucket of the executor's leases (agent parallelism slots, container heartbeats). */
export const EXECUTOR_LEASES_BUCKET = 'agentry_executor_leases';

/** Executor replicas tell each other to stop a run (core NATS, every replica hears it). */
const EXECUTOR_BROADCASTS = 'executor.broadcast.>';

/** How a service uses one JetStream stream. */
export interface StreamGrant {
  /** Creates it or brings its config up to date at boot (`ensureStream`): info, create, update. */
  ensure?: boolean;
  /** Appends to it (publishes on its subjects; the PubAck comes back on the inbox). */
  publish?: boolean;
  /** Reads single messages by sequence (e.g. the relay reading the stream's tail). */
  readMessages?: boolean;
  /** Durable pull consumers it creates, pulls from and acks. */
  consumers?: readonly string[];
  /** Reads and changes the configuration of a stream that exists (info, update), nothing else. */
  reconfigure?: boolean;
  /** Durable pull consumers of any name it chooses (a lifecycle subscriber): create, pull, ack. Reading only. */
  anyConsumer?: boolean;
}

export interface ServiceGrants {
  serves?: readonly string[];
  calls?: readonly string[];
  /** Core NATS subjects it publishes (no reply expected). */
  publishes?: readonly string[];
  /** Core NATS subjects it subscribes to (outside request/reply). */
  subscribes?: readonly string[];
  streams?: Readonly<Record<string, StreamGrant>>;
  /** KV buckets it creates, reads and writes. */
  kvBuckets?: readonly string[];
  /** Lists the account's streams (names and configurations). */
  listStreams?: boolean;
}

/** Request subjects meant for clients of the public API; `Subjects.internal` is service to service only. */
const publicRequestSubjects = (): string[] =>
  Object.entries(Subjects)
    .filter(([area]) => area !== 'internal')
    .flatMap(([, subjects]) => Object.values(subjects as Record<string, string>));

/** The map. Read it as: "the <service> may …". */
const serviceGrants: Readonly<Record<NatsServiceUser, ServiceGrants>> = {
  // The HTTP edge: asks the services what the public API offers and watches live output. It
  // appends nothing, answers nothing, touches no stream: a compromised gateway cannot forge an
  // event, a launch, a slot or a registry answer, nor read sealed secrets (internal subjects).
  gateway: {
    calls: publicRequestSubjects(),
    // The org events SSE: reads LIFECYCLE by sequence (MSG.GET next by subject) and hears the public subjects
    // only to wake up. Public events, read-only: it still publishes nothing to any stream.
    // It also hears which verified keys to drop from its cache (revoked keys), from the registry, and which
    // cached agent reads to drop: the relayed events that change an agent's record, by exact subject (their
    // sealed secrets stay sealed: the gateway holds no AGENTRY_SECRET_KEY).
    subscribes: ['live.container.*', LIFECYCLE_SUBJECTS, KEY_INVALIDATIONS_SUBJECT, ...AGENT_RECORD_EVENT_SUBJECTS],
    streams: { [LIFECYCLE_STREAM]: { readMessages: true } },
  },
  registry: {
    serves: ['registry.>'],
    // Tells every gateway replica which verified keys to drop from its cache (on revoke).
    publishes: [KEY_INVALIDATIONS_SUBJECT],
    // The outbox relay (any service that appends may run it; one is active).
    streams: { [EVENTS_STREAM]: { ensure: true, publish: true, readMessages: true } },
  },
  executor: {
    serves: ['executor.>'],
    calls: [
      Subjects.internal.agentLaunchSnapshot,
      Subjects.internal.getAgentObject,
      Subjects.internal.setAgentObject,
      Subjects.internal.sendScriptNotification,
      Subjects.agents.fetch,
      Subjects.agents.save,
    ],
    publishes: ['live.container.*', EXECUTOR_BROADCASTS],
    subscribes: [EXECUTOR_BROADCASTS],
    streams: {
      [EVENTS_STREAM]: {
        ensure: true,
        publish: true,
        readMessages: true,
        consumers: [NatsDurables.executorLaunchBackstop, NatsDurables.executorRetries],
      },
      [LAUNCH_STREAM]: { ensure: true, publish: true, consumers: [NatsDurables.executorLaunches] },
      [OUTPUT_STREAM]: { ensure: true, publish: true },
    },
    kvBuckets: [EXECUTOR_LEASES_BUCKET],
  },
  output: {
    serves: ['output.>'],
    streams: { [OUTPUT_STREAM]: { ensure: true, consumers: [NatsDurables.outputStore] } },
  },
  scheduler: {
    calls: [Subjects.executor.launch, Subjects.agents.delete],
    streams: { [EVENTS_STREAM]: { ensure: true, consumers: [NatsDurables.schedulerAfterAgent] } },
  },
  // Reads container ends (EVENTS) and public lifecycle events (LIFECYCLE) from its own durables and calls
  // out over HTTP; answers the org webhook endpoint, delivery-log and script-notification requests (notifier.>).
  notifier: {
    serves: ['notifier.>'],
    streams: {
      [EVENTS_STREAM]: { ensure: true, consumers: [NatsDurables.notifierWebhooks] },
      // The public-events projection creates LIFECYCLE and publishes the public lifecycle events into it.
      [LIFECYCLE_STREAM]: { ensure: true, publish: true, consumers: [NatsDurables.notifierEndpoints] },
    },
  },
};

/** Every JetStream stream the services use (a KV bucket is the stream `KV_<bucket>`). */
export const platformStreams = (): string[] => [
  ...new Set(Object.values(serviceGrants).flatMap((g) => [...Object.keys(g.streams ?? {}), ...(g.kvBuckets ?? []).map((bucket) => `KV_${bucket}`)])),
];

export const NatsUserGrants: Readonly<Record<NatsUser, ServiceGrants>> = {
  ...serviceGrants,
  // Operator jobs: list the platform's streams and change their configuration (e.g. num_replicas
  // on a cluster). No message in or out, no consumer, no delete or purge.
  [NATS_OPS_USER]: {
    listStreams: true,
    streams: Object.fromEntries(platformStreams().map((stream) => [stream, { reconfigure: true }])),
  },
};

/** Where a user's replies arrive: `_INBOX.<user>`. A user name that is not a plain token keeps the default. */
export function natsInboxPrefix(user: string | undefined): string {
  return user && /^[A-Za-z0-9_-]+$/.test(user) ? `_INBOX.${user}` : '_INBOX';
}

/** The nats-server permissions of one user: subjects it may publish to and subscribe to. */
export interface NatsUserPermissions {
  publish: string[];
  subscribe: string[];
}

const JS_API = '$JS.API';

function streamSubjects(stream: string, grant: StreamGrant): string[] {
  const subjects: string[] = [];
  if (grant.ensure) subjects.push(...['INFO', 'CREATE', 'UPDATE'].map((op) => `${JS_API}.STREAM.${op}.${stream}`));
  else if (grant.reconfigure) subjects.push(...['INFO', 'UPDATE'].map((op) => `${JS_API}.STREAM.${op}.${stream}`));
  else if (grant.consumers?.length || grant.anyConsumer) subjects.push(`${JS_API}.STREAM.INFO.${stream}`);
  if (grant.publish) {
    const captured = StreamSubjects[stream as keyof typeof StreamSubjects];
    if (!captured) throw new Error(`nats-permissions: stream ${stream} has no subjects in StreamSubjects`);
    subjects.push(captured);
  }
  if (grant.readMessages) subjects.push(`${JS_API}.STREAM.MSG.GET.${stream}`);
  // `*` matches exactly one token: any consumer name, never another stream's.
  for (const durable of [...(grant.consumers ?? []), ...(grant.anyConsumer ? ['*'] : [])]) {
    subjects.push(
      `${JS_API}.CONSUMER.INFO.${stream}.${durable}`,
      // Servers ≥ 2.9 take the name (and the filter subject, when there is one) in the subject.
      `${JS_API}.CONSUMER.CREATE.${stream}.${durable}`,
      `${JS_API}.CONSUMER.CREATE.${stream}.${durable}.>`,
      `${JS_API}.CONSUMER.DURABLE.CREATE.${stream}.${durable}`,
      `${JS_API}.CONSUMER.MSG.NEXT.${stream}.${durable}`,
      `$JS.ACK.${stream}.${durable}.>`,
      // The longer ack subject of ADR-15 (`$JS.ACK.<domain>.<account hash>.<stream>.<durable>.…`), which newer servers may send.
      `$JS.ACK.*.*.${stream}.${durable}.>`,
    );
  }
  return subjects;
}

function kvSubjects(bucket: string): string[] {
  const stream = `KV_${bucket}`;
  return [
    ...streamSubjects(stream, { ensure: true }),
    `$KV.${bucket}.>`,
    // Reads: direct get (streams with allow_direct) or the stream's message get.
    `${JS_API}.DIRECT.GET.${stream}`,
    `${JS_API}.DIRECT.GET.${stream}.>`,
    `${JS_API}.STREAM.MSG.GET.${stream}`,
  ];
}

/** Compiles a user's grants into the allow lists nats-server enforces. */
export function natsPermissionsOf(user: NatsUser): NatsUserPermissions {
  return compileGrants(user, NatsUserGrants[user]);
}

/**
 * A lifecycle subscriber (libs/subscriber, an operator's or a user's service): durable consumers of its own
 * naming on the public LIFECYCLE stream, and nothing else: it cannot publish an event (to LIFECYCLE or any
 * stream), call a service, or read EVENTS. Not a platform user (not in NATS_USERS): an operator adds such a
 * login with these permissions for each subscriber they allow (docs/events/README.md).
 */
export const LIFECYCLE_SUBSCRIBER_GRANTS: ServiceGrants = { streams: { [LIFECYCLE_STREAM]: { anyConsumer: true } } };
export const lifecycleSubscriberPermissions = (user = 'subscriber'): NatsUserPermissions => compileGrants(user, LIFECYCLE_SUBSCRIBER_GRANTS);

function compileGrants(user: string, grants: ServiceGrants): NatsUserPermissions {
  const usesJetStream = Object.keys(grants.streams ?? {}).length > 0 || (grants.kvBuckets ?? []).length > 0 || !!grants.listStreams;
  const publish = [
    ...(grants.calls ?? []),
    // Answers, to the requester's inbox. A responder can't guess the random tokens of another
    // client's pending requests, and can't be steered to publish anywhere but an inbox.
    ...((grants.serves ?? []).length ? ['_INBOX.>'] : []),
    ...(grants.publishes ?? []),
    // The JetStream client asks for the account's JetStream info before managing streams.
    ...(usesJetStream ? [`${JS_API}.INFO`] : []),
    ...(grants.listStreams ? [`${JS_API}.STREAM.LIST`, `${JS_API}.STREAM.NAMES`] : []),
    ...Object.entries(grants.streams ?? {}).flatMap(([stream, grant]) => streamSubjects(stream, grant)),
    ...(grants.kvBuckets ?? []).flatMap(kvSubjects),
  ];
  const subscribe = [...(grants.serves ?? []), ...(grants.subscribes ?? []), `${natsInboxPrefix(user)}.>`];
  return { publish: [...new Set(publish)], subscribe: [...new Set(subscribe)] };
}
