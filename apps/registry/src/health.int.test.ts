import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, Socket, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startNatsServer, type RunningServer } from '@agentry/local-servers';
import { createTestDatabase, waitUntil, type TestDatabase } from '@agentry/testing';
import { startRegistry, type RunningRegistry } from './registry-app.js';

/**
 * A loopback TCP relay in front of Postgres that the test can make hang: `hang()` keeps accepting
 * and holding connections but forwards nothing (a partition that drops packets), `heal()` forwards again.
 */
async function hangablePostgres(target: URL): Promise<{ url: string; hang(): void; heal(): void; close(): Promise<void> }> {
  let hung = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    const upstream = new Socket();
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.connect(Number(target.port), target.hostname, () => undefined);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    client.on('data', (d) => {
      if (!hung) upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (!hung) client.write(d);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url: url.toString(),
    hang: () => (hung = true),
    heal: () => {
      // Connections that lost bytes while hung are broken for good: drop them so the pool reconnects.
      hung = false;
      for (const s of sockets) s.destroy();
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

let db: TestDatabase;
let natsDir: string;
let natsPort: number;
let nats: RunningServer | undefined;
let pg: Awaited<ReturnType<typeof hangablePostgres>>;
let registry: RunningRegistry;
let healthUrl: string;

const startNats = async () => {
  nats = await startNatsServer({ port: natsPort, storeDir: natsDir });
};

const probe = async (path: '/livez' | '/readyz') => {
  const res = await fetch(healthUrl + path);
  return { status: res.status, body: (await res.json()) as { status: string; checks: Record<string, { ok: boolean; error?: string }> } };
};

beforeAll(async () => {
  db = await createTestDatabase();
  natsDir = await mkdtemp(join(tmpdir(), 'agentry-health-nats-'));
  natsPort = await freePort();
  await startNats();
  pg = await hangablePostgres(new URL(db.url));
  const healthPort = await freePort();
  healthUrl = `http://127.0.0.1:${healthPort}`;
  registry = await startRegistry({
    databaseUrl: pg.url,
    natsUrl: `nats://127.0.0.1:${natsPort}`,
    secretKey: randomBytes(32),
    logLevel: 'error',
    observability: { logFormat: 'json', healthPort, healthHost: '127.0.0.1' },
  });
});

afterAll(async () => {
  pg?.heal();
  if (!nats) await startNats().catch(() => undefined);
  await registry?.close();
  await nats?.stop();
  await pg?.close();
  await rm(natsDir, { recursive: true, force: true });
  await db?.drop();
});

test('ready: every NATS connection answers, Postgres answers, no projection batch is wedged', async () => {
  const ready = await probe('/readyz');
  expect(ready.status).toBe(200);
  expect(ready.body.checks).toEqual({
    nats: { ok: true },
    'nats:relay': { ok: true },
    postgres: { ok: true },
    projections: { ok: true },
    relay: { ok: true },
  });
  expect((await probe('/livez')).status).toBe(200);
});

test('nats-server killed: not ready (503 naming nats) while alive; ready again by itself once it is back', async () => {
  await nats!.stop();
  nats = undefined;
  await waitUntil(async () => (await probe('/readyz')).status === 503, { message: 'readiness never noticed NATS down' });
  const down = await probe('/readyz');
  expect(down.body.status).toBe('fail');
  expect(down.body.checks.nats).toMatchObject({ ok: false });
  expect(down.body.checks.postgres).toEqual({ ok: true });
  // Restarting the pod would not bring NATS back: liveness stays green.
  expect((await probe('/livez')).status).toBe(200);

  await startNats();
  await waitUntil(async () => (await probe('/readyz')).status === 200, { timeoutMs: 20_000, message: 'readiness never recovered after NATS came back' });
});

test('Postgres hangs (packets dropped): not ready within the check timeout, naming postgres; ready again once healed', async () => {
  pg.hang();
  const down = await probe('/readyz');
  expect(down.status).toBe(503);
  expect(down.body.checks.postgres).toEqual({ ok: false, error: 'postgres did not answer within 1000 ms' });
  expect(down.body.checks.nats).toEqual({ ok: true });
  pg.heal();
  await waitUntil(async () => (await probe('/readyz')).status === 200, { timeoutMs: 20_000, message: 'readiness never recovered after Postgres came back' });
});

test('/metrics: projection and relay lag in events and seconds, batches in flight, process metrics (Prometheus text)', async () => {
  const res = await fetch(healthUrl + '/metrics');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  expect(text).toMatch(/^agentry_projection_lag_events\{projection="relay:EVENTS"\} \d+$/m);
  expect(text).toMatch(/^agentry_projection_lag_seconds\{projection="relay:EVENTS"\} [\d.e+-]+$/m);
  expect(text).toMatch(/^agentry_projection_lag_events\{projection="[a-z:-]+"\} \d+$/m);
  expect(text).toContain('# TYPE agentry_projection_batch_in_flight_seconds gauge');
  expect(text).toMatch(/^agentry_process_resident_memory_bytes \d+$/m);
  // Caught up (the bootstrap's events are all relayed and projected): no lag.
  await waitUntil(async () => /^agentry_projection_lag_events\{projection="relay:EVENTS"\} 0$/m.test(await (await fetch(healthUrl + '/metrics')).text()), {
    message: 'the relay never showed caught up',
  });
});

test('the health port serves nothing but the probes and metrics', async () => {
  const other = await fetch(healthUrl + '/admin');
  expect(other.status).toBe(404);
  expect((await fetch(healthUrl + '/readyz', { method: 'POST', body: 'x' })).status).toBe(405);
});
