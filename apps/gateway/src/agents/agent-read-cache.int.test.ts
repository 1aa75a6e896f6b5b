import type { NatsConnection } from '@nats-io/transport-node';
import { Subjects } from '@agentry/contracts';
import { connectNats } from '@agentry/messaging';
import { waitUntil } from '@agentry/testing';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { startGateway, type RunningGateway } from '../gateway-app.js';
import { executionApi } from '../containers/execution-test-kit.js';

// Two gateway replicas on one registry (and an executor), each with its own agent read cache. A TTL far
// beyond the test, so only an event, a write through the replica or a dropped connection can make a
// replica ask the registry again; a settle window long enough for the registry's read model to catch up
// with the relay on a loaded machine.
const edge = { keyRateLimit: 0, agentCacheTtlMs: 3_600_000, agentCacheSettleMs: 3_000 };
let platform: TestPlatform;
let replicaB: RunningGateway;
let nc: NatsConnection;
let orgA: { orgId: string; key: string };
let orgB: { orgId: string; key: string };
/** agents.fetch requests the registry received, by agent id (the test's NATS login hears every request). */
const registryFetches = new Map<number, number>();

beforeAll(async () => {
  platform = await startPlatform({ edge, execution: true });
  replicaB = await startGateway({ natsUrl: platform.natsUrlFor('gateway'), port: 0, host: '127.0.0.1', logLevel: 'error', edge });
  nc = await connectNats(platform.natsUrl, 'agent-read-cache-test');
  nc.subscribe(Subjects.agents.fetch, {
    callback: (_error, msg) => {
      // Nest's wire format: { pattern, data: <envelope>, id }.
      const id = (msg.json() as { data?: { params?: { id?: number } } }).data?.params?.id;
      if (typeof id === 'number') registryFetches.set(id, (registryFetches.get(id) ?? 0) + 1);
    },
  });
  await nc.flush();
  orgA = await platform.newOrg({ name: 'reads-a' });
  orgB = await platform.newOrg({ name: 'reads-b' });
}, 120_000);

afterAll(async () => {
  await nc?.close();
  await replicaB?.close();
  await platform?.close();
});

const replicas = () => [platform.gateway.url, replicaB.url];

async function get(baseUrl: string, path: string, key: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${baseUrl}${path}`, { headers: { 'X-Phantombuster-Key-1': key } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
const fetchV2 = (baseUrl: string, id: string, key = orgA.key) => get(baseUrl, `/api/v2/agents/fetch?id=${id}`, key);
const recordV1 = (baseUrl: string, id: string, key = orgA.key) => get(baseUrl, `/api/v1/agent/${id}`, key);

async function post(baseUrl: string, path: string, json: unknown, key = orgA.key): Promise<any> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'X-Phantombuster-Key-1': key, 'content-type': 'application/json' },
    body: JSON.stringify(json),
  });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}
const createAgent = async (name: string, key = orgA.key): Promise<string> => (await post(platform.gateway.url, '/api/v2/agents/save', { name }, key)).id;

/** Registry round trips for the agent since the last call (flushes the test's connection first). */
async function roundTrips(id: string, since = 0): Promise<number> {
  await nc.flush();
  return (registryFetches.get(Number(id)) ?? 0) - since;
}

/**
 * Reads the agent on the replica until a read costs no registry round trip: right after an agent's event
 * (its creation's included) reads are not stored for the settle window.
 */
async function untilCached(baseUrl: string, id: string): Promise<void> {
  await waitUntil(
    async () => {
      const before = await roundTrips(id);
      expect((await fetchV2(baseUrl, id)).status).toBe(200);
      return (await roundTrips(id)) === before;
    },
    { timeoutMs: 20_000, intervalMs: 200, message: `agent ${id} to be cached on ${baseUrl}` },
  );
}

test('reads are served from each replica cache once its last event settled: the v2 fetch and the v1 record alike', async () => {
  const id = await createAgent('cached');
  for (const url of replicas()) await untilCached(url, id);
  const trips = await roundTrips(id);
  for (const url of replicas()) {
    for (let i = 0; i < 10; i++) {
      const [v2, v1] = [await fetchV2(url, id), await recordV1(url, id)];
      expect([v2.status, v2.body.name, v1.status, v1.body.data.name]).toEqual([200, 'cached', 200, 'cached']);
    }
  }
  expect(await roundTrips(id, trips)).toBe(0);
});

test("a write answers only once its replica forgot the org's reads; the other replica follows the relayed event", async () => {
  const id = await createAgent('before');
  for (const url of replicas()) await untilCached(url, id);
  expect((await fetchV2(replicaB.url, id)).body.name).toBe('before');

  // Any write of the org through a replica drops the org's reads there, before answering, even one that
  // changes no agent (a new tag: no event any cache hears). Reads don't; the other replica is not concerned.
  let trips = await roundTrips(id);
  await get(platform.gateway.url, '/api/v2/org/tags', orgA.key);
  await fetchV2(platform.gateway.url, id);
  expect(await roundTrips(id, trips)).toBe(0);
  await post(platform.gateway.url, '/api/v2/org/tags', { name: 'new-tag' });
  trips = await roundTrips(id);
  for (const url of replicas()) await fetchV2(url, id);
  expect(await roundTrips(id, trips)).toBe(1);

  // Through replica A: its very next read (v2 and v1) sees the write.
  await post(platform.gateway.url, '/api/v2/agents/save', { id, name: 'after' });
  expect((await fetchV2(platform.gateway.url, id)).body.name).toBe('after');
  expect((await recordV1(platform.gateway.url, id)).body.data.name).toBe('after');
  // Replica B heard nothing from that request: it follows the relayed AgentVersionSaved.
  await waitUntil(async () => (await fetchV2(replicaB.url, id)).body.name === 'after', { timeoutMs: 20_000, message: 'replica B to show the save' });

  // And the other way round, for a lifecycle write (retire) through replica B.
  await post(replicaB.url, '/api/v2/agents/retire', { id });
  expect((await fetchV2(replicaB.url, id)).body.status).toBe('retired');
  await waitUntil(async () => (await fetchV2(platform.gateway.url, id)).body.status === 'retired', {
    timeoutMs: 20_000,
    message: 'replica A to show the retire',
  });
  await post(platform.gateway.url, '/api/v2/agents/delete', { id });
  for (const url of replicas()) {
    await waitUntil(async () => (await fetchV2(url, id)).status === 404, { timeoutMs: 20_000, message: 'the deleted agent to answer 404' });
  }
});

test("another org never gets an org's cached read, on either replica, however it asks", async () => {
  const id = await createAgent('secret-of-a');
  const own = await createAgent('b-own', orgB.key);
  for (const url of replicas()) {
    expect((await fetchV2(url, id)).body.name).toBe('secret-of-a');
    expect((await fetchV2(url, own, orgB.key)).body.name).toBe('b-own');
  }
  for (const url of replicas()) {
    for (let i = 0; i < 3; i++) {
      const [v2, v1, withObject] = [
        await fetchV2(url, id, orgB.key),
        await recordV1(url, id, orgB.key),
        await get(url, `/api/v2/agents/fetch?id=${id}&withAgentObject=true`, orgB.key),
      ];
      expect([v2.status, v1.status, withObject.status]).toEqual([404, 404, 404]);
      expect(JSON.stringify([v2.body, v1.body, withObject.body])).not.toContain('secret-of-a');
      // Naming org A in the org header does not make B's key act in it.
      const res = await fetch(`${url}/api/v2/agents/fetch?id=${id}`, { headers: { 'X-Phantombuster-Key-1': orgB.key, 'X-Phantombuster-Org': orgA.orgId } });
      expect(await res.text()).not.toContain('secret-of-a');
      expect(res.status).not.toBe(200);
    }
    // Org A's own entry is still right after B's attempts (a 404 is never stored over it).
    expect((await fetchV2(url, id)).body.name).toBe('secret-of-a');
    expect((await fetchV2(url, own)).status).toBe(404);
  }
});

test("a run's lifecycle reaches every replica's cached record (nbLaunches, instance counts, last end status)", async () => {
  const exec = executionApi(platform, orgA.key);
  const id = await exec.agent('runs-once', 'console.log("done")');
  for (const url of replicas()) expect((await fetchV2(url, id)).body).toMatchObject({ nbLaunches: 0, lastEndStatus: null });
  for (const url of replicas()) await untilCached(url, id);
  const cachedTrips = await roundTrips(id);
  for (const url of replicas()) await fetchV2(url, id);
  expect(await roundTrips(id, cachedTrips)).toBe(0); // cached: without the run's events these records would stay

  const containerId = await exec.launch(id, 'output=json');
  await exec.ended(containerId);
  for (const url of replicas()) {
    await waitUntil(
      async () => {
        const { body } = await fetchV2(url, id);
        return body.nbLaunches === 1 && body.lastEndStatus === 'success' && body.nbContainersRunning === 0 && body.instanceCounts.finished === 1;
      },
      { timeoutMs: 30_000, message: `${url} to show the ended run` },
    );
  }
});

test('a replica whose NATS connection dropped forgets every cached read (events may have been missed meanwhile)', async () => {
  const id = await createAgent('reconnect');
  for (const url of replicas()) await untilCached(url, id);

  await platform.natsServer.restart();
  // Served from the caches, these would never be asked again (1 h TTL): each replica must ask once more.
  for (const url of replicas()) {
    const before = await roundTrips(id).catch(() => 0);
    await waitUntil(
      async () => {
        await fetchV2(url, id).catch(() => undefined);
        return (await roundTrips(id).catch(() => 0)) > before;
      },
      { timeoutMs: 25_000, intervalMs: 100, message: `${url} to ask the registry again` },
    );
  }
});
