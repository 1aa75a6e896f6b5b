import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { createDataSource, EventStore, eventStoreMigrations, migrate, ProjectionRunner, type Projection } from '@agentry/event-store';
import { freePort, startNatsServer } from '@agentry/local-servers';
import { createTestDatabase, waitUntil, type TestDatabase } from '@agentry/testing';
import { LoopProgress, natsCheck, projectionsCheck } from './health-checks.js';
import { runHealthChecks } from './health-report.js';

/** Each check against the real thing failing: a projection stuck on a hung await, a loop that stopped, a NATS server gone. */

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

test('a projection batch stuck on an await that never returns is reported as wedged; released, it is not', async () => {
  const dataSource = createDataSource({ url: db.url, name: 'health-test', migrations: eventStoreMigrations });
  await dataSource.initialize();
  await migrate(dataSource);
  let release!: () => void;
  const hung = new Promise<void>((resolve) => (release = resolve));
  const stuck: Projection = { name: 'stuck', apply: () => hung, reset: async () => undefined };
  const runner = new ProjectionRunner(dataSource, [stuck], { onError: () => undefined });
  const check = projectionsCheck(runner, 'projections', 50);
  try {
    await runner.start();
    // Idle (nothing to apply yet): fine.
    await expect(check.check()).resolves.toBeUndefined();
    await new EventStore(dataSource).append('thing-1', 'thing', [{ type: 'made', data: {} }], { expectedVersion: 'any' });
    await waitUntil(async () => (await runHealthChecks([check])).status === 'fail', { message: 'the stuck batch was never reported' });
    expect((await runHealthChecks([check])).checks.projections).toEqual({ ok: false, error: expect.stringMatching(/^stuck batch in flight for \d+ s$/) });
    release();
    await waitUntil(async () => (await runHealthChecks([check])).status === 'ok', { message: 'the released batch was still reported' });
  } finally {
    release();
    await runner.stop();
    await dataSource.destroy();
  }
});

test('a loop that stops reporting progress is wedged; one more iteration and it is not', async () => {
  const loop = new LoopProgress('firer');
  loop.progressed();
  await expect(loop.check(60_000).check()).resolves.toBeUndefined();
  await waitUntil(async () => (await runHealthChecks([loop.check(20)])).status === 'fail', { message: 'stalled loop never reported' });
  expect((await runHealthChecks([loop.check(20)])).checks.firer).toEqual({ ok: false, error: expect.stringMatching(/^no progress for \d+ s$/) });
  loop.progressed();
  await expect(loop.check(60_000).check()).resolves.toBeUndefined();
});

test('NATS: a PING answered is ready; server stopped, the check fails within its timeout; closed connection says so', async () => {
  const storeDir = await mkdtemp(join(tmpdir(), 'agentry-health-check-'));
  const port = await freePort();
  const server = await startNatsServer({ port, storeDir });
  const nc = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  try {
    await expect(natsCheck(nc).check()).resolves.toBeUndefined();
    await server.stop();
    await expect(natsCheck(nc, 'nats', 300).check()).rejects.toThrow(/connection disconnected|nats-server did not answer within 300 ms/);
    await nc.close();
    await expect(natsCheck(nc).check()).rejects.toThrow('connection closed');
  } finally {
    await nc.close().catch(() => undefined);
    await server.stop().catch(() => undefined);
    await rm(storeDir, { recursive: true, force: true });
  }
});
