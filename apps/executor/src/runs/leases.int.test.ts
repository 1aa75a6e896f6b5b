import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startTestNats, waitUntil, type TestNats } from '@agentry/testing';
import { AgentSlots } from './agent-slots.js';
import { Heartbeats } from './heartbeats.js';
import { openLeases } from './leases.js';

let nats: TestNats;
let nc: NatsConnection;
let slots: AgentSlots;
let heartbeats: Heartbeats;

beforeAll(async () => {
  nats = await startTestNats();
  nc = await connect({ servers: nats.url });
  const kv = await openLeases(nc, 1000);
  slots = new AgentSlots(kv);
  heartbeats = new Heartbeats(kv, 'executor-a');
});

afterAll(async () => {
  await nc?.drain();
  await nats?.stop();
});

test('an agent has exactly `limit` slots; a released one is taken again', async () => {
  const a = await slots.acquire(1, 2, 101);
  const b = await slots.acquire(1, 2, 102);
  expect([a?.key, b?.key]).toEqual(['slot.1.0', 'slot.1.1']);
  expect(await slots.acquire(1, 2, 103)).toBeNull();
  // Other agents have their own.
  expect(await slots.acquire(2, 1, 201)).not.toBeNull();
  await slots.release(a!);
  expect((await slots.acquire(1, 2, 103))?.key).toBe('slot.1.0');
});

test('racing acquirers of the last slot: one wins', async () => {
  const results = await Promise.all([301, 302, 303, 304].map((id) => slots.acquire(3, 1, id)));
  expect(results.filter(Boolean)).toHaveLength(1);
});

test("a slot nobody refreshes (its executor died) frees itself; a refreshed one's holder keeps it", async () => {
  const dead = await slots.acquire(4, 1, 401);
  expect(dead).not.toBeNull();
  await waitUntil(async () => (await slots.acquire(4, 1, 402)) !== null, { timeoutMs: 10_000, message: 'expired slot taken' });
  // 401's lease is gone: refreshing it neither throws nor steals 402's slot.
  await slots.refresh(dead!);
  expect(await slots.acquire(4, 1, 403)).toBeNull();
});

test('heartbeats: alive while beaten, gone when stopped or expired', async () => {
  await heartbeats.beat(501);
  await heartbeats.beat(502);
  expect(await heartbeats.alive(501)).toBe(true);
  await heartbeats.stop(501);
  expect(await heartbeats.alive(501)).toBe(false);
  await waitUntil(async () => !(await heartbeats.alive(502)), { timeoutMs: 10_000, message: 'heartbeat expired' });
  expect(await heartbeats.alive(999)).toBe(false);
});

test('a refresh racing the release never re-takes the slot', async () => {
  const lease = (await slots.acquire(6, 1, 601))!;
  const refresh = slots.refresh(lease);
  const release = slots.release(lease);
  await Promise.all([refresh, release, slots.refresh(lease)]);
  expect((await slots.acquire(6, 1, 602))?.containerId).toBe(602);
});

test("an org's fair-share slots are counted apart from its agents' (same id, other keys), and expire like them", async () => {
  const org = await slots.acquireOrg(7, 2, 701);
  expect(org).toMatchObject({ key: 'org_slot.7.0', index: 0 });
  expect((await slots.acquire(7, 1, 702))?.key).toBe('slot.7.0');
  expect((await slots.acquireOrg(7, 2, 703))?.index).toBe(1);
  expect(await slots.acquireOrg(7, 2, 704)).toBeNull();
  await slots.release(org!);
  expect((await slots.acquireOrg(7, 2, 704))?.index).toBe(0);
  await waitUntil(async () => (await slots.acquireOrg(7, 2, 705)) !== null, { timeoutMs: 10_000, message: 'expired org slot taken' });
});

test('with NATS gone, lease calls fail after their timeout instead of hanging (the keep-alive and the reaper go on)', async () => {
  const doomed = await startTestNats();
  const conn = await connect({ servers: doomed.url, reconnectTimeWait: 100 });
  try {
    const kv = await openLeases(conn, 5000);
    const beats = new Heartbeats(kv, 'executor-b');
    await beats.beat(801);
    await doomed.stop();
    await expect(beats.beat(801)).rejects.toThrow();
    await expect(beats.alive(801)).rejects.toThrow();
  } finally {
    await conn.close();
  }
}, 30_000);
