import pg from 'pg';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { defaultAgentSettings, Subjects } from '@agentry/contracts';
import { EventStore, migrate, ProjectionRunner, rebuildProjections, type RebuildProgress } from '@agentry/event-store';
import { createRpcClient, type RpcClient } from '@agentry/messaging';
import { createTestDatabase, startTestNats, waitUntil, type TestDatabase, type TestNats } from '@agentry/testing';
import type { DataSource } from 'typeorm';
import { schedulerDataSource, schedulerProjections } from '../scheduler-app.js';
import { Firer } from './firer.js';
import { FirerLock } from './firer-lock.js';

const MINUTE = 60_000;
const T0 = Date.parse('2026-03-01T00:00:00Z');
const BY = { userId: 1, keyId: 1 };

const settings = {
  ...defaultAgentSettings('a'),
  launchType: 'repeatedly' as const,
  schedule: { kind: 'rate' as const, mode: 'SCHEDULED' as const, rateMinutes: 1 },
  stage: 'production' as const,
};

let database: TestDatabase;
let dataSource: DataSource;
let store: EventStore;
let nats: TestNats;
let executor: NatsConnection;
let rpc: RpcClient;
/** Agent ids of the launch requests the stand-in executor received. */
const launched: number[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  dataSource = schedulerDataSource(database.url);
  await dataSource.initialize();
  await migrate(dataSource);
  store = new EventStore(dataSource);
  nats = await startTestNats();
  // The executor's side of a launch, answering as the executor does (this test is about what the firer asks for).
  executor = await connect({ servers: nats.url.replace(/^nats:\/\//, '') });
  let containerId = 0;
  executor.subscribe(Subjects.executor.launch, {
    callback(_error, msg) {
      const { id, data } = JSON.parse(msg.string());
      launched.push(data.params.agentId);
      msg.respond(JSON.stringify({ id, response: { ok: true, data: { containerId: ++containerId, queuedAt: Date.now() } }, isDisposed: true }));
    },
  });
  rpc = await createRpcClient({ url: nats.url, name: 'firer-catch-up-test' });
});
afterAll(async () => {
  await rpc?.close();
  await executor?.drain();
  await nats?.stop();
  await dataSource?.destroy();
  await database?.drop();
});

beforeEach(() => {
  launched.length = 0;
});

const append = (streamId: string, type: string, data: Record<string, unknown>) => store.append(streamId, 'agent', [{ type, data }], { expectedVersion: 'any' });
const createRateAgent = async (agentId: number) => {
  await append(`agent-${agentId}`, 'AgentCreated', {
    agentId,
    orgId: 1,
    storageFolder: 's',
    userStorageFolder: 'u',
    createdBy: BY,
    createdAt: T0,
    idempotencyKey: null,
  });
  await append(`agent-${agentId}`, 'AgentVersionSaved', {
    agentId,
    versionId: `v-${agentId}`,
    versionNumber: 1,
    settingsSchemaVersion: 1,
    settings,
    secrets: { proxyPassword: null, credentials: null },
    savedBy: BY,
    savedAt: T0,
    reason: 'create',
    changedFields: [],
  });
};

test('a firer that takes the lead fires nothing until the read model has applied every event committed before it', async () => {
  // Agent 1 is due at T0 + 1 min but was deleted; agent 2 is due and active. A transaction that opened before
  // the deletion holds it back from every log reader (pg_snapshot_xmin), so the read model still shows agent 1 due.
  await createRateAgent(1);
  await createRateAgent(2);
  const older = new pg.Client({ connectionString: database.url });
  await older.connect();
  await older.query('BEGIN');
  await older.query('SELECT pg_current_xact_id()');
  await append('agent-1', 'AgentDeleted', { agentId: 1, at: T0 + 1000, by: BY });

  const projections = new ProjectionRunner(dataSource, schedulerProjections(), { pollIntervalMs: 100, onError: () => undefined });
  const lock = new FirerLock(database.url);
  const firer = new Firer({
    dataSource,
    store,
    projections,
    rpc,
    lock,
    clock: { now: () => T0 + MINUTE },
    timing: { flexWindowMs: 0, missedGraceMs: MINUTE },
    tickMs: 10,
  });
  try {
    await projections.start();
    const dueRows = () => dataSource.query(`SELECT agent_id FROM scheduler_agents WHERE next_fire_at <= $1 ORDER BY agent_id`, [T0 + MINUTE]);
    await waitUntil(async () => (await dueRows()).length === 2, { message: 'both agents planned (the deletion held back)' });
    firer.start();
    for (let i = 0; i < 5; i++) await firer.nextTick();
    expect(firer.leading).toBe(true);
    expect(await dueRows()).toEqual([{ agent_id: 1 }, { agent_id: 2 }]); // still behind: the deleted agent looks due
    expect(launched).toEqual([]);

    await older.query('ROLLBACK');
    await waitUntil(async () => launched.length > 0, { message: 'the active agent fired once the read model caught up' });
    await firer.nextTick();
    expect(launched).toEqual([2]);
  } finally {
    await older.end();
    await firer.stop();
    await projections.stop();
  }
});

test('while the read model is rebuilt beside its tables, the firer keeps firing and reading its own writes; the switched tables have its fires', async () => {
  const agents = [11, 12, 13, 14, 15];
  for (const id of agents) await createRateAgent(id);
  let now = T0;
  const projections = new ProjectionRunner(dataSource, schedulerProjections(), { pollIntervalMs: 100, onError: () => undefined });
  const firer = new Firer({
    dataSource,
    store,
    projections,
    rpc,
    lock: new FirerLock(database.url),
    clock: { now: () => now },
    timing: { flexWindowMs: 0, missedGraceMs: MINUTE },
    tickMs: 10,
  });
  const plan = () =>
    dataSource.query(`SELECT agent_id, next_fire_at::text AS next, schedule_version FROM scheduler_agents WHERE agent_id = ANY ($1) ORDER BY agent_id`, [
      agents,
    ]);
  const planned = (next: number, version: number) => agents.map((id) => ({ agent_id: id, next: String(next), schedule_version: version }));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let paused!: () => void;
  const pausedAt = new Promise<void>((resolve) => (paused = resolve));
  const chunks: RebuildProgress[] = [];
  try {
    await projections.start();
    firer.start();
    await waitUntil(async () => (await plan()).length === agents.length, { message: 'the agents planned' });
    expect(await plan()).toEqual(planned(T0 + MINUTE, 0));

    // A rebuild in chunks of 2 events, held after its first chunk: its copies are half-filled, nothing is held open.
    const rebuild = rebuildProjections(dataSource, schedulerProjections(), {
      batchSize: 2,
      onChunk: async (progress) => {
        chunks.push(progress);
        if (chunks.length === 1) {
          paused();
          await released;
        }
      },
    });
    await pausedAt;
    // Commands meanwhile: each fire is a launch, a ScheduleFired append, and a tick that waits for the read model
    // to show it (the firer's read-your-writes); it would time out if the rebuild held back pg_snapshot_xmin.
    now = T0 + MINUTE;
    await firer.nextTick();
    await firer.nextTick();
    expect([...launched].sort((a, b) => a - b)).toEqual(agents);
    expect(await plan()).toEqual(planned(T0 + 2 * MINUTE, 1));
    expect(chunks).toHaveLength(1);

    release();
    await rebuild;
    expect(chunks.at(-1)).toMatchObject({ stage: 'switched' });
    // The switched-in tables hold the fires made during the rebuild: nothing fires twice.
    expect(await plan()).toEqual(planned(T0 + 2 * MINUTE, 1));
    await firer.nextTick();
    await firer.nextTick();
    expect(launched).toHaveLength(agents.length);
  } finally {
    release?.();
    await firer.stop();
    await projections.stop();
  }
});
