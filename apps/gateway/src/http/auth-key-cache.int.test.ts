import type { NatsConnection } from '@nats-io/transport-node';
import { KEY_INVALIDATIONS_SUBJECT, Role, Subjects } from '@agentry/contracts';
import { connectNats } from '@agentry/messaging';
import { waitUntil } from '@agentry/testing';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { startGateway, type RunningGateway } from '../gateway-app.js';

// Two gateway replicas on one registry: each keeps its own cache of verified keys, and the
// registry's revoke reaches both before its answer reaches the caller.
let platform: TestPlatform;
let replicaB: RunningGateway;
let nc: NatsConnection;
let org: { orgId: string; key: string };
/** verify-key requests the registry received, by key (the test's NATS login hears every request). */
const verifications = new Map<string, number>();

beforeAll(async () => {
  // The revoked key's 401s must not get the test's address blocked (429) by the failed-auth limit.
  // A TTL far beyond the test, so only a push or a dropped connection can make a replica ask again.
  const edge = { keyRateLimit: 0, authFailureLimit: 100_000, keyCacheTtlMs: 3_600_000 };
  platform = await startPlatform({ edge });
  replicaB = await startGateway({ natsUrl: platform.natsUrlFor('gateway'), port: 0, host: '127.0.0.1', logLevel: 'error', edge });
  nc = await connectNats(platform.natsUrl, 'key-cache-test');
  nc.subscribe(Subjects.auth.verifyKey, {
    callback: (_error, msg) => {
      // Nest's wire format: { pattern, data: <envelope>, id }.
      const key = (msg.json() as { data?: { params?: { key?: string } } }).data?.params?.key;
      if (key) verifications.set(key, (verifications.get(key) ?? 0) + 1);
    },
  });
  await nc.flush();
  org = await platform.newOrg({ name: 'key-cache' });
});

afterAll(async () => {
  await nc?.close();
  await replicaB?.close();
  await platform?.close();
});

const replicas = () => [platform.gateway.url, replicaB.url];

async function newKey(): Promise<{ id: number; key: string }> {
  const res = await platform.request('POST', '/api/v2/org/api-keys', { key: org.key, json: { roles: [Role.READ] } });
  expect(res.status).toBe(200);
  return { id: Number(res.body.id), key: res.body.key };
}

const listTags = async (baseUrl: string, key: string): Promise<number> => {
  const res = await fetch(`${baseUrl}/api/v2/org/tags`, { headers: { 'X-Phantombuster-Key-1': key } });
  await res.arrayBuffer();
  return res.status;
};

test('a verified key is served from each replica cache until the registry says otherwise', async () => {
  const { id, key } = await newKey();
  for (const url of replicas()) for (let i = 0; i < 20; i++) expect(await listTags(url, key)).toBe(200);
  await nc.flush();
  // One registry round trip per replica, not one per request.
  expect(verifications.get(key)).toBe(2);

  // Control: what drops an entry is the pushed invalidation (here sent by the test): each replica asks again.
  nc.publish(KEY_INVALIDATIONS_SUBJECT, JSON.stringify({ keyIds: [id], orgIds: [] }));
  await nc.flush();
  for (const url of replicas()) expect(await listTags(url, key)).toBe(200);
  await nc.flush();
  expect(verifications.get(key)).toBe(4);

  // An unreadable invalidation drops everything.
  nc.publish(KEY_INVALIDATIONS_SUBJECT, 'not json');
  await nc.flush();
  for (const url of replicas()) expect(await listTags(url, key)).toBe(200);
  await nc.flush();
  expect(verifications.get(key)).toBe(6);
});

test('under load on two replicas: once the revoke call returns, no request on either replica succeeds', async () => {
  const { id, key } = await newKey();
  let revoked = false;
  const afterRevoke = { ok: 0, refused: 0, other: [] as number[] };
  let before = 0;
  const PER_REPLICA_AFTER = 60;
  const startedAfter = new Map<string, number>();

  // 4 request loops per replica, running before, during and after the revoke.
  const loop = async (url: string) => {
    for (;;) {
      const sentAfterRevoke = revoked;
      if (sentAfterRevoke) {
        const n = (startedAfter.get(url) ?? 0) + 1;
        if (n > PER_REPLICA_AFTER) return;
        startedAfter.set(url, n);
      }
      const status = await listTags(url, key);
      if (!sentAfterRevoke) {
        if (status === 200) before++;
        continue;
      }
      if (status === 200) afterRevoke.ok++;
      else if (status === 401) afterRevoke.refused++;
      else afterRevoke.other.push(status);
    }
  };
  const loops = replicas().flatMap((url) => Array.from({ length: 4 }, () => loop(url)));
  // Let both replicas serve it from their caches for a while first.
  while (before < 200) await new Promise((resolve) => setImmediate(resolve));
  const verificationsBefore = verifications.get(key) ?? 0;

  const res = await platform.request('DELETE', `/api/v2/org/api-keys/${id}`, { key: org.key });
  revoked = true;
  expect(res.status).toBe(200);
  await Promise.all(loops);

  // The caches were in use (so a revoke that did not reach them would show as a 200 below).
  expect(verificationsBefore).toBeLessThan(before / 10);
  expect(afterRevoke).toEqual({ ok: 0, refused: 2 * PER_REPLICA_AFTER, other: [] });
});

test('a revoke of an already revoked key still answers; the key stays refused on both replicas', async () => {
  const { id, key } = await newKey();
  for (const url of replicas()) expect(await listTags(url, key)).toBe(200);
  for (let i = 0; i < 2; i++) expect((await platform.request('DELETE', `/api/v2/org/api-keys/${id}`, { key: org.key })).status).toBe(200);
  for (const url of replicas()) expect(await listTags(url, key)).toBe(401);
});

test('a replica whose NATS connection dropped forgets every cached key (pushes may have been missed meanwhile)', async () => {
  const [keyA, keyB] = [await newKey(), await newKey()];
  expect(await listTags(platform.gateway.url, keyA.key)).toBe(200);
  expect(await listTags(replicaB.url, keyB.key)).toBe(200);
  await nc.flush();
  expect([verifications.get(keyA.key), verifications.get(keyB.key)]).toEqual([1, 1]);

  await platform.natsServer.restart();
  // Served from the cache, these would never be verified again (1 h TTL): each replica must ask once more.
  for (const [url, key] of [
    [platform.gateway.url, keyA.key],
    [replicaB.url, keyB.key],
  ] as const) {
    await waitUntil(
      async () => {
        await listTags(url, key).catch(() => 0);
        await nc.flush().catch(() => undefined);
        return (verifications.get(key) ?? 0) >= 2;
      },
      { timeoutMs: 25_000, intervalMs: 100 },
    );
  }
});
