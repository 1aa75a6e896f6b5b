/**
 * The bus is not a back door: each service's NATS user (libs/contracts nats-permissions, enforced
 * by the generated nats-server config) can do what the service does and nothing else. Each
 * hostile case logs in as a service, tries what only another service may do, and checks that
 * the server refused it AND that nothing reached anyone (a spy allowed everything sees the
 * legitimate traffic that follows, never the refused one).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { EVENTS_STREAM, EXECUTOR_LEASES_BUCKET, LAUNCH_STREAM, NatsDurables, Subjects, liveContainerSubject, type NatsServiceUser } from '@agentry/contracts';
import { connectNats } from '@agentry/messaging';
import { startTestNats, type TestNats } from './test-nats.js';
import { waitUntil } from './wait-until.js';

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
let nats: TestNats;
const connections: NatsConnection[] = [];
/** Permission errors each connection got from the server ("Permissions Violation for Publish to …"). */
const refusals = new Map<NatsConnection, string[]>();

async function loginAs(user: NatsServiceUser): Promise<NatsConnection> {
  const nc = await connectNats(nats.urlFor(user), `hostile-${user}`);
  connections.push(nc);
  const errors: string[] = [];
  refusals.set(nc, errors);
  void (async () => {
    for await (const status of nc.status()) if (status.type === 'error') errors.push(String(status.error?.message ?? status.error));
  })();
  return nc;
}

const refusedWith = (nc: NatsConnection, text: string) =>
  waitUntil(() => refusals.get(nc)!.some((e) => e.includes('Permissions Violation') && e.includes(text)), { message: `refusal "${text}"` });

/** Everything published on the server, as the test user (allowed all) sees it. */
let spy: { seen: string[]; close(): Promise<void> };

async function startSpy() {
  const nc = await connect({ ...natsOptions(nats.url) });
  const seen: string[] = [];
  nc.subscribe('>', { callback: (_e, msg) => seen.push(msg.subject) });
  await nc.flush();
  return { seen, close: () => nc.close() };
}

const natsOptions = (url: string) => {
  const u = new URL(url);
  const login = u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : {};
  return { servers: `${u.hostname}:${u.port}`, ...login };
};

/** A refused publish never reaches a subscriber: the same connection's next, allowed message does, and arrives alone. */
async function expectPublishRefused(nc: NatsConnection, subject: string, thenAllowed: () => Promise<void>, allowedSubject: string) {
  const before = spy.seen.length;
  nc.publish(subject, 'forged');
  await thenAllowed();
  await refusedWith(nc, `Publish to "${subject}"`);
  await waitUntil(() => spy.seen.slice(before).includes(allowedSubject), { message: `${allowedSubject} seen by the spy` });
  expect(spy.seen.slice(before)).not.toContain(subject);
}

async function expectSubscribeRefused(nc: NatsConnection, subject: string) {
  const sub = nc.subscribe(subject);
  const closedWith = await sub.closed;
  expect(String(closedWith)).toMatch(new RegExp(`Permissions Violation for Subscription to "${subject.replace(/[.*+?^${}()|[\]\\>]/g, '\\$&')}"`));
}

/** The registry answering an agents.fetch, as its Nest transport does (queue group, `respond`). */
function serveAsRegistry(nc: NatsConnection, subject: string) {
  return nc.subscribe(subject, { queue: 'registry', callback: (_e, msg: Msg) => msg.respond(`answer from registry to ${msg.string()}`) });
}

beforeAll(async () => {
  nats = await startTestNats({ auth: true });
  spy = await startSpy();
});

afterAll(async () => {
  await spy?.close();
  for (const nc of connections) await nc.close().catch(() => undefined);
  await nats?.stop({ expectViolations: true });
});

describe('the gateway', () => {
  let gateway: NatsConnection;
  let registry: NatsConnection;
  const legitimateCall = async () => {
    expect((await gateway.request(Subjects.agents.fetch, 'q', { timeout: 5000 })).string()).toBe('answer from registry to q');
  };

  beforeAll(async () => {
    gateway = await loginAs('gateway');
    registry = await loginAs('registry');
    serveAsRegistry(registry, Subjects.agents.fetch);
    serveAsRegistry(registry, Subjects.internal.agentLaunchSnapshot);
    await registry.flush();
  });

  test('calls the public API subjects and gets the answer on its own inbox', async () => {
    const seenBefore = spy.seen.length;
    await legitimateCall();
    // The answer went to _INBOX.gateway.…, which only the gateway's user may read.
    await waitUntil(() => spy.seen.slice(seenBefore).some((s) => s.startsWith('_INBOX.gateway.')), { message: 'the reply on _INBOX.gateway.…' });
  });

  test('watches live output of a container, which only the executor publishes', async () => {
    const executor = await loginAs('executor');
    const sub = gateway.subscribe(liveContainerSubject(7), { max: 1 });
    await gateway.flush();
    executor.publish(liveContainerSubject(7), 'bytes');
    for await (const msg of sub) expect(msg.string()).toBe('bytes');
    await expectPublishRefused(gateway, liveContainerSubject(8), legitimateCall, Subjects.agents.fetch);
  });

  test.each([
    ['a launch on the LAUNCHES work queue', 'launches.1'],
    ['an event (as the relay does)', 'events.container.ContainerEnded'],
    ['console bytes into OUTPUT', 'console.1'],
    ['a parallelism slot in the executor leases KV', `$KV.${EXECUTOR_LEASES_BUCKET}.slot.1.0`],
    ['an abort broadcast to every executor', 'executor.broadcast.abort'],
    ['a forged reply into the executor inbox', '_INBOX.executor.ABC.1'],
  ])('cannot publish %s', async (_what, subject) => {
    await expectPublishRefused(gateway, subject, legitimateCall, Subjects.agents.fetch);
  });

  test('cannot call internal subjects (the launch snapshot carries sealed secrets)', async () => {
    await expect(gateway.request(Subjects.internal.agentLaunchSnapshot, 'q', { timeout: 5000 })).rejects.toThrow(/Permissions Violation/);
  });

  test('cannot use the JetStream API: deleting EVENTS is refused and the stream stays', async () => {
    const relay = await loginAs('registry');
    await (await jetstreamManager(relay)).streams.add({ name: EVENTS_STREAM, subjects: ['events.>'] });
    await expect(gateway.request(`$JS.API.STREAM.DELETE.${EVENTS_STREAM}`, '', { timeout: 5000 })).rejects.toThrow(/Permissions Violation/);
    await expect(jetstream(gateway).publish('launches.1', 'x')).rejects.toThrow(/Permissions Violation/);
    const admin = await connect(natsOptions(nats.url));
    expect((await (await jetstreamManager(admin)).streams.info(EVENTS_STREAM)).config.name).toBe(EVENTS_STREAM);
    await admin.close();
  });

  test.each([
    ['delete the EVENTS stream', `$JS.API.STREAM.DELETE.${EVENTS_STREAM}`],
    ['enqueue a launch', 'launches.1'],
    ['publish live output', liveContainerSubject(3)],
  ])('cannot steer a service it calls into publishing for it (a request whose reply subject would %s)', async (_what, replySubject) => {
    const admin = await connect(natsOptions(nats.url));
    const jsm = await jetstreamManager(admin);
    await jsm.streams.add({ name: EVENTS_STREAM, subjects: ['events.>'] }).catch(() => undefined);
    const before = spy.seen.length;
    // The registry answers every request it gets, to the reply subject the requester wrote.
    gateway.publish(Subjects.agents.fetch, 'q', { reply: replySubject });
    await refusedWith(registry, `Publish to "${replySubject}"`);
    await legitimateCall();
    await waitUntil(() => spy.seen.slice(before).includes(Subjects.agents.fetch), { message: 'the legitimate call seen' });
    expect(spy.seen.slice(before)).not.toContain(replySubject);
    expect((await jsm.streams.info(EVENTS_STREAM)).config.name).toBe(EVENTS_STREAM);
    await admin.close();
  });

  test.each([
    ['every inbox', '_INBOX.>'],
    ["the executor's replies", '_INBOX.executor.>'],
    ["every service's replies, by wildcard", '_INBOX.*.>'],
    ['a registry subject (to answer in its place)', Subjects.agents.fetch],
    ['the events stream subjects', 'events.>'],
  ])('cannot subscribe to %s', async (_what, subject) => {
    await expectSubscribeRefused(gateway, subject);
  });
});

describe('the executor', () => {
  test('appends to its own streams, but cannot answer registry subjects or read other services inboxes', async () => {
    const executor = await loginAs('executor');
    const jsm = await jetstreamManager(executor);
    await jsm.streams.add({ name: LAUNCH_STREAM, subjects: ['launches.>'], retention: 'workqueue' as never });
    expect((await jetstream(executor).publish('launches.9', 'x')).stream).toBe(LAUNCH_STREAM);

    await expectSubscribeRefused(executor, Subjects.internal.agentLaunchSnapshot);
    await expectSubscribeRefused(executor, 'registry.>');
    await expectSubscribeRefused(executor, '_INBOX.gateway.>');
    await expectSubscribeRefused(executor, '_INBOX.>');
    await expectSubscribeRefused(executor, '_INBOX.*.>');
    await expect(executor.request(`$JS.API.STREAM.DELETE.${LAUNCH_STREAM}`, '', { timeout: 5000 })).rejects.toThrow(/Permissions Violation/);
  });
});

describe('the scheduler', () => {
  test('cannot take launches off the executor queue, publish live output or call internal subjects', async () => {
    const scheduler = await loginAs('scheduler');
    await expect(
      scheduler.request(`$JS.API.CONSUMER.MSG.NEXT.${LAUNCH_STREAM}.${NatsDurables.executorLaunches}`, '{"batch":1}', { timeout: 5000 }),
    ).rejects.toThrow(/Permissions Violation/);
    await expect(scheduler.request(`$JS.API.CONSUMER.CREATE.${LAUNCH_STREAM}.mine`, '{}', { timeout: 5000 })).rejects.toThrow(/Permissions Violation/);
    await expect(scheduler.request(Subjects.internal.agentLaunchSnapshot, 'q', { timeout: 5000 })).rejects.toThrow(/Permissions Violation/);
    // Pulling from another service's durable on EVENTS would steal its events: refused too.
    await expect(
      scheduler.request(`$JS.API.CONSUMER.MSG.NEXT.${EVENTS_STREAM}.${NatsDurables.executorRetries}`, '{"batch":1}', { timeout: 5000 }),
    ).rejects.toThrow(/Permissions Violation/);
    await expectSubscribeRefused(scheduler, liveContainerSubject(1));
  });
});

/**
 * Provokes one refusal of the `gateway` user on a marker subject and waits for the server to log
 * it; answers its index in `nats.violations()`. Everything logged before it is now in the list.
 */
async function logBarrier(marker: string): Promise<number> {
  const gateway = await loginAs('gateway');
  const subject = `log-barrier.${marker}`;
  gateway.publish(subject, '');
  await gateway.flush();
  await waitUntil(() => nats.violations().some((v) => v.subject === subject), { message: `the ${marker} marker in the server log` });
  return nats.violations().findIndex((v) => v.subject === subject);
}

describe('the ops user (operator jobs)', () => {
  test("lists and reconfigures the platform's streams, and nothing else: no message, no consumer, no delete, no new stream", async () => {
    const registry = await loginAs('registry');
    await (await jetstreamManager(registry)).streams.add({ name: EVENTS_STREAM, subjects: ['events.>'] });
    const ops = await loginAs('ops');
    const jsm = await jetstreamManager(ops);
    const names: string[] = [];
    for await (const info of jsm.streams.list()) names.push(info.config.name);
    expect(names).toContain(EVENTS_STREAM);
    expect((await jsm.streams.update(EVENTS_STREAM, { description: 'raised by ops' })).config.description).toBe('raised by ops');

    await expect(ops.request(`$JS.API.STREAM.DELETE.${EVENTS_STREAM}`, '', { timeout: 5000 })).rejects.toThrow(/Permissions Violation/);
    await expect(ops.request(`$JS.API.STREAM.PURGE.${EVENTS_STREAM}`, '', { timeout: 5000 })).rejects.toThrow(/Permissions Violation/);
    await expect(ops.request('$JS.API.STREAM.CREATE.MINE', '{}', { timeout: 5000 })).rejects.toThrow(/Permissions Violation/);
    await expect(jetstream(ops).publish('events.agent.AgentSaved', '{}')).rejects.toThrow(/Permissions Violation/);
    await expect(
      ops.request(`$JS.API.CONSUMER.MSG.NEXT.${EVENTS_STREAM}.${NatsDurables.schedulerAfterAgent}`, '{"batch":1}', { timeout: 5000 }),
    ).rejects.toThrow(/Permissions Violation/);
  });

  test('the stream-replicas job (deploy/images/ops) does its work as ops without one refusal', async () => {
    // The server writes violations to its log asynchronously: the refusals provoked by the test
    // above may land after this one starts, and the job's own would land after it exits. A marker
    // refusal, logged in order behind both, brackets exactly the job's.
    const start = await logBarrier('before-replicas-job');
    const job = await run(process.execPath, [join(REPO_ROOT, 'deploy/images/ops/raise-stream-replicas.mjs')], {
      env: { PATH: process.env.PATH, NATS_URL: nats.urlFor('ops'), STREAM_REPLICAS: '1', REQUIRED_STREAMS: EVENTS_STREAM },
    });
    const end = await logBarrier('after-replicas-job');
    expect(job.stderr).toBe('');
    expect(nats.violations().slice(start + 1, end)).toEqual([]);
  });
});

describe('without the platform credentials (what an agent script has)', () => {
  test('no login, a wrong password, or another user name with a service password: refused at connect', async () => {
    const address = natsOptions(nats.anonymousUrl);
    await expect(connect({ ...address, reconnect: false, timeout: 3000 })).rejects.toThrow(/Authorization Violation/);
    await expect(connect({ ...address, user: 'gateway', pass: 'guessed', reconnect: false, timeout: 3000 })).rejects.toThrow(/Authorization Violation/);
    const gatewayPassword = decodeURIComponent(new URL(nats.urlFor('gateway')).password);
    await expect(connect({ ...address, user: 'executor', pass: gatewayPassword, reconnect: false, timeout: 3000 })).rejects.toThrow(/Authorization Violation/);
  });
});

test('every refusal above was logged by the server under the service that tried it', () => {
  const logged = nats.violations();
  expect(logged).toContainEqual({ kind: 'Publish', user: 'gateway', subject: 'launches.1' });
  expect(logged).toContainEqual({ kind: 'Subscription', user: 'executor', subject: '_INBOX.gateway.>' });
  expect(logged.every((v) => v.user !== 'test')).toBe(true);
});

describe('the test NATS itself (what makes every integration test prove the map)', () => {
  test('a service refused anything fails the test at stop, naming the service and the subject; the test user never does', async () => {
    const own = await startTestNats();
    const gateway = await connectNats(own.urlFor('gateway'), 'refused-gateway');
    gateway.publish('launches.1', 'forged');
    const admin = await connect({ servers: own.url });
    admin.publish('launches.1', 'fine for the test user');
    await admin.flush();
    await waitUntil(() => own.violations().length > 0, { message: 'the violation in the server log' });
    await gateway.close();
    await admin.close();
    expect(() => own.assertServicesObeyed()).toThrow(/gateway: Publish to "launches\.1"/);
    await expect(own.stop()).rejects.toThrow(/permission map/);
  });
});
