import { createServer, Socket, type Server } from 'node:net';
import { Injectable, Module, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import * as messaging from '@agentry/messaging';
import { createTestDatabase, startTestNats, waitUntil, type TestDatabase, type TestNats } from '@agentry/testing';
import { bootService, workerOf, type BootConfig, type WorkerPart } from './boot-service.js';
import { natsMicroservice } from './nats-microservice.js';
import { rebuildReadModels } from './rebuild-command.js';
import { defineService } from './service-schema.js';

/**
 * The builder against a real Postgres and a real nats-server: a boot that fails at any step closes
 * what the steps before it opened (Postgres sessions counted in pg_stat_activity, NATS connections
 * counted at a loopback relay in front of the server), and close() stops everything in reverse.
 */

/** A loopback TCP relay to `target` that counts the connections open through it. */
async function countingRelay(target: URL): Promise<{ url: string; open(): number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    sockets.add(client);
    const drop = () => {
      sockets.delete(client);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    upstream.connect(Number(target.port), target.hostname);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url: url.toString().replace(/\/$/, ''),
    open: () => sockets.size,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

let db: TestDatabase;
let nats: TestNats;
let relay: Awaited<ReturnType<typeof countingRelay>>;
let observer: DataSource;
let config: BootConfig;

beforeAll(async () => {
  db = await createTestDatabase();
  nats = await startTestNats();
  relay = await countingRelay(new URL(nats.url));
  observer = new DataSource({ type: 'postgres', url: db.url, applicationName: 'observer' });
  await observer.initialize();
  config = { databaseUrl: db.url, natsUrl: relay.url, logLevel: 'error' };
});
afterAll(async () => {
  await observer?.destroy();
  await relay?.close();
  await nats?.stop();
  await db?.drop();
});

/** Postgres sessions a service (its data source carries the service's name) holds open. */
const sessionsOf = async (name: string) =>
  Number((await observer.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`, [name]))[0].n);

/** A closed session leaves pg_stat_activity once its backend has exited, a moment after the client hung up. */
const noSessionsOf = (name: string) => waitUntil(async () => (await sessionsOf(name)) === 0);

const projection = { name: 'kit-test', apply: async () => undefined, reset: async () => undefined };

/** Workers that record the order they are stopped in. */
function recorder() {
  const order: string[] = [];
  const worker = (name: string): WorkerPart => ({
    name,
    async start() {
      return { stop: async () => void order.push(`stop ${name}`) };
    },
  });
  return { order, worker };
}

test('a boot that fails at a later step closes the database pool and every NATS connection it opened', async () => {
  const schema = defineService({ name: 'kit-fail-worker', migrations: [], projections: () => [projection] });
  const { order, worker } = recorder();
  const failing: WorkerPart = {
    name: 'second',
    async start() {
      // Control: the own connection and the relay's are open here (Nest's transport connects when it listens), and the pool.
      expect(relay.open()).toBe(2);
      expect(await sessionsOf('kit-fail-worker')).toBeGreaterThan(0);
      throw new Error('second refused to start');
    },
  };
  await expect(
    bootService(schema, config, {
      messaging,
      nats: { streams: [messaging.ensureEventsStream] },
      relay: true,
      nest: natsMicroservice({ queue: 'kit-fail-worker', module: () => EmptyModule }),
      workers: () => [worker('first'), failing, worker('third')],
    }),
  ).rejects.toThrow('second refused to start');
  // What had started is stopped; what never started is not.
  expect(order).toEqual(['stop first']);
  await noSessionsOf('kit-fail-worker');
  await waitUntil(() => relay.open() === 0);
});

test('a boot that fails while ensuring a stream closes the database and the connection opened before it', async () => {
  const schema = defineService({ name: 'kit-fail-stream', migrations: [] });
  const failingStream = async () => {
    // Control: the data source and the connection are open at this point, so the counts below fall because of the unwinding.
    expect(await sessionsOf('kit-fail-stream')).toBeGreaterThan(0);
    expect(relay.open()).toBe(1);
    throw new Error('stream refused');
  };
  await expect(bootService(schema, config, { messaging, nats: { streams: [failingStream] } })).rejects.toThrow('stream refused');
  await noSessionsOf('kit-fail-stream');
  await waitUntil(() => relay.open() === 0);
});

test('the preflight runs before anything is opened, and a refusal opens nothing', async () => {
  const schema = defineService({ name: 'kit-preflight', migrations: [] });
  const seen: number[] = [];
  const preflight = async () => {
    seen.push(await sessionsOf('kit-preflight'), relay.open());
    throw new Error('no sandbox');
  };
  await expect(bootService(schema, config, { messaging, nats: {}, preflight })).rejects.toThrow('no sandbox');
  expect(seen).toEqual([0, 0]);
  expect(await sessionsOf('kit-preflight')).toBe(0);
});

const destroyed: { dataSourceUp: boolean }[] = [];
@Injectable()
class DestroyWitness implements OnModuleDestroy {
  constructor(private readonly dataSource: DataSource) {}
  onModuleDestroy() {
    destroyed.push({ dataSourceUp: this.dataSource.isInitialized });
  }
}
@Module({})
class EmptyModule {}

@Injectable()
class RefusingProvider implements OnModuleInit {
  async onModuleInit() {
    // Control: the pool and the own connection are open while the app initialises.
    expect(await sessionsOf('kit-fail-nest')).toBeGreaterThan(0);
    expect(relay.open()).toBe(1);
    throw new Error('a provider refused to start');
  }
}

test('a Nest app whose initialisation fails: the database and the connection opened before it are closed', async () => {
  const schema = defineService({ name: 'kit-fail-nest', migrations: [] });
  @Module({ providers: [RefusingProvider] })
  class RefusingModule {}
  await expect(
    bootService(schema, config, { messaging, nats: {}, nest: natsMicroservice({ queue: 'kit-fail-nest', module: () => RefusingModule }) }),
  ).rejects.toThrow('a provider refused to start');
  await noSessionsOf('kit-fail-nest');
  await waitUntil(() => relay.open() === 0);
});

test('close() stops workers in reverse, then the Nest app (while the database is still up), then connections; twice is once', async () => {
  const schema = defineService({ name: 'kit-close', migrations: [], projections: () => [projection] });
  const { order, worker } = recorder();
  let started = 0;
  const counted = workerOf('counted', { start: () => started++, stop: () => order.push('stop counted') });
  const service = await bootService(schema, config, {
    messaging,
    nats: { streams: [messaging.ensureEventsStream] },
    relay: true,
    nest: natsMicroservice({
      queue: 'kit-close',
      module: (ctx) => {
        @Module({ providers: [{ provide: DataSource, useValue: ctx.dataSource }, DestroyWitness] })
        class WitnessModule {}
        return WitnessModule;
      },
    }),
    workers: () => [worker('first'), counted, worker('third')],
  });
  expect(started).toBe(1);
  // Own connection, Nest's transport and the relay's.
  expect(relay.open()).toBe(3);
  expect(await sessionsOf('kit-close')).toBeGreaterThan(0);
  expect(service.projections.projectionNames()).toEqual(['kit-test']);

  await Promise.all([service.close(), service.close()]);
  await service.close();
  expect(order).toEqual(['stop third', 'stop counted', 'stop first']);
  expect(destroyed).toEqual([{ dataSourceUp: true }]);
  expect(service.dataSource.isInitialized).toBe(false);
  await noSessionsOf('kit-close');
  await waitUntil(() => relay.open() === 0);
});

test('a part the service did not declare is a clear error, not undefined', async () => {
  const schema = defineService({ name: 'kit-no-db' });
  await expect(
    bootService(schema, config, {
      messaging,
      workers: (ctx) => [workerOf('needs a database', { start: () => ctx.dataSource, stop: () => undefined })],
    }),
  ).rejects.toThrow('kit-no-db declares no database');
});

test("the rebuild command rebuilds the schema's read models through its own session, and closes it", async () => {
  const applied: string[] = [];
  const schema = defineService({
    name: 'kit-rebuild',
    migrations: [],
    projections: () => [{ name: 'kit-rebuild-model', apply: async () => undefined, reset: async () => void applied.push('reset') }],
  });
  const lines: string[] = [];
  await rebuildReadModels(schema, db.url, (line) => lines.push(line));
  expect(applied).toEqual(['reset']);
  expect(lines.join('\n')).toMatch(/kit-rebuild-model[\s\S]*kit-rebuild read models rebuilt in \d+ ms/);
  await waitUntil(async () => (await sessionsOf('kit-rebuild-rebuild')) === 0);
});

/** What the process writes to stdout while `fn` runs. */
async function stdoutOf(fn: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  }) as typeof process.stdout.write;
  try {
    await fn();
  } finally {
    process.stdout.write = write;
  }
  return lines;
}

test('LOG_LEVEL applies to a service without a Nest app: the ready line at info, nothing at warn', async () => {
  const schema = defineService({ name: 'kit-logs' });
  const boot = (logLevel: BootConfig['logLevel']) =>
    stdoutOf(async () =>
      (await bootService(schema, { ...config, logLevel, observability: { logFormat: 'json', healthHost: '127.0.0.1' } }, { messaging, nats: {} })).close(),
    );
  const info = (await boot('info')).map((line) => JSON.parse(line));
  expect(info).toContainEqual(expect.objectContaining({ level: 'info', service: 'kit-logs', context: 'Kit-logs', message: 'kit-logs ready' }));
  expect(await boot('warn')).toEqual([]);
});
