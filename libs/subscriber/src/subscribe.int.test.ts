/**
 * The kit's own rules, on a real NATS server with LIFECYCLE: back-pressure, order per agent with a failing
 * handler retried in place, and events it must never hand to a handler. Events are published here directly
 * (valid v1 events); the path from the internal log is apps/notifier/src/public-events/public-events.int.test.ts.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { LIFECYCLE_STREAM, LIFECYCLE_SUBJECTS, lifecycleSubject, type LifecycleEvent } from '@agentry/events';
import { useTestJetStream, waitUntil } from '@agentry/testing';
import { subscribe } from './subscribe.js';

const bed = useTestJetStream();
let n = 0;

beforeAll(async () => {
  await (await jetstreamManager(bed.nc)).streams.add({ name: LIFECYCLE_STREAM, subjects: [LIFECYCLE_SUBJECTS] });
});

/** A valid container.progress event of `agentId` in org `orgId`, published to LIFECYCLE; answers it. */
async function publishProgress(orgId: string, agentId: string, label: string): Promise<LifecycleEvent> {
  n += 1;
  const event: LifecycleEvent = {
    id: `evt_${n.toString(16).padStart(32, '0')}`,
    type: 'container.progress',
    version: 1,
    orgId,
    agentId,
    occurredAt: 1_800_000_000_000 + n,
    data: { containerId: String(n), progress: 0.5, label, at: 1_800_000_000_000 + n },
  };
  await bed.js.publish(lifecycleSubject(orgId, event.type), JSON.stringify(event), { msgID: event.id });
  return event;
}
const labelOf = (e: LifecycleEvent) => (e.type === 'container.progress' ? e.data.label : null);

test('back-pressure: at most maxInFlight handlers run and at most that many events are unacknowledged on the server; nothing is acked before its handler resolves', async () => {
  for (let i = 0; i < 10; i++) await publishProgress('10', String(100 + i), `bp${i}`);
  let running = 0;
  let most = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const handled: string[] = [];
  const sub = await subscribe({
    nc: bed.nc,
    durable: 'kit-backpressure',
    orgs: ['10'],
    maxInFlight: 2,
    handler: async (e) => {
      running += 1;
      most = Math.max(most, running);
      await gate;
      running -= 1;
      handled.push(labelOf(e)!);
    },
  });
  await waitUntil(() => running === 2, { message: 'two handlers running' });
  const jsm = await jetstreamManager(bed.nc);
  const blocked = await jsm.consumers.info(LIFECYCLE_STREAM, 'kit-backpressure');
  expect(blocked.num_ack_pending).toBeLessThanOrEqual(2);
  expect(blocked.ack_floor.stream_seq).toBe(0);
  expect(blocked.num_pending + blocked.num_ack_pending).toBeGreaterThanOrEqual(10 - 2);
  release();
  await waitUntil(() => handled.length === 10, { message: 'all handled after the release' });
  await waitUntil(async () => (await jsm.consumers.info(LIFECYCLE_STREAM, 'kit-backpressure')).num_ack_pending === 0, { message: 'all acked' });
  await sub.stop();
  expect(most).toBe(2);
});

test('order per agent: a failing handler is retried in place, holding its agent`s later events; other agents go on', async () => {
  const a1 = await publishProgress('20', '1', 'a1');
  await publishProgress('20', '2', 'b1');
  await publishProgress('20', '1', 'a2');
  await publishProgress('20', '1', 'a3');
  const order: string[] = [];
  let failures = 0;
  const sub = await subscribe({
    nc: bed.nc,
    durable: 'kit-order',
    orgs: ['20'],
    maxInFlight: 4,
    handler: (e) => {
      if (e.id === a1.id && failures < 2) {
        failures += 1;
        throw new Error('receiver down');
      }
      order.push(labelOf(e)!);
    },
  });
  await waitUntil(() => order.length === 4, { message: 'all four handled' });
  await sub.stop();
  expect(order.filter((l) => l.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
  // b1 did not wait for agent 1's retries.
  expect(order.indexOf('b1')).toBeLessThan(order.indexOf('a1'));
  expect(failures).toBe(2);
});

test('hostile: an event breaking its schema, or not JSON, never reaches the handler; later events still do', async () => {
  await bed.js.publish(
    lifecycleSubject('30', 'container.ended'),
    JSON.stringify({ id: 'evt_' + 'a'.repeat(32), type: 'container.ended', version: 1, orgId: '30', agentId: '1', occurredAt: 1, data: { status: 'pwned' } }),
  );
  await bed.js.publish(lifecycleSubject('30', 'container.progress'), '{not json');
  const good = await publishProgress('30', '1', 'after');
  const handled: string[] = [];
  const givenUp: string[] = [];
  const sub = await subscribe({
    nc: bed.nc,
    durable: 'kit-hostile',
    orgs: ['30'],
    handler: (e) => void handled.push(e.id),
    onGiveUp: (reason) => void givenUp.push(reason),
  });
  await waitUntil(() => handled.length === 1 && givenUp.length === 2, { message: 'the good event handled, two given up' });
  await sub.stop();
  expect(handled).toEqual([good.id]);
  expect(givenUp).toEqual([expect.stringContaining('container.ended: /data'), 'not JSON']);
});

test('bad options are refused before anything is created: a durable that is not a plain name, an org that is not an id, an unknown type', async () => {
  const handler = () => undefined;
  await expect(subscribe({ nc: bed.nc, durable: 'a.b', handler })).rejects.toThrow(/durable/);
  await expect(subscribe({ nc: bed.nc, durable: 'ok', orgs: ['*'], handler })).rejects.toThrow(/orgs/);
  await expect(subscribe({ nc: bed.nc, durable: 'ok', types: ['container.exploded' as never], handler })).rejects.toThrow(/types/);
  const names = [];
  for await (const c of (await jetstreamManager(bed.nc)).consumers.list(LIFECYCLE_STREAM)) names.push(c.name);
  expect(names).not.toContain('ok');
});
