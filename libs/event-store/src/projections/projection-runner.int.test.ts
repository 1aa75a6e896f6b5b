import { ErrorCode } from '@agentry/contracts';
import { waitUntil } from '@agentry/testing';
import { LOG_START } from '../log-position.js';
import { CountingProjection } from '../test-support/counting-projection.js';
import { openTestEventStore, type TestEventStore } from '../test-support/test-event-store.js';
import type { LogPosition } from '../types.js';
import { LEADERSHIP_APPLICATION_NAME } from './leadership-session.js';
import { ProjectionRunner, type ProjectionRunnerOptions } from './projection-runner.js';
import { rebuildProjections } from './rebuild.js';

let db: TestEventStore;
const runners: ProjectionRunner[] = [];

beforeEach(async () => {
  db = await openTestEventStore();
});
afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.stop()));
  await db.close();
});

const FAST: ProjectionRunnerOptions = { leadershipRetryMs: 50, pollIntervalMs: 200, onError: () => undefined };

function runner(projection: CountingProjection, options: ProjectionRunnerOptions = {}, dataSource = db.dataSource) {
  const created = new ProjectionRunner(dataSource, [projection], { ...FAST, ...options });
  runners.push(created);
  return created;
}

async function appendMany(count: number, type = 'counted'): Promise<LogPosition> {
  let position: LogPosition = LOG_START;
  for (let i = 0; i < count; i++) {
    position = (await db.store.append(`s-${i % 5}`, 's', [{ type, data: { i } }], { expectedVersion: 'any' })).position;
  }
  return position;
}

async function storedCheckpoint(name: string): Promise<LogPosition | undefined> {
  const rows = await db.dataSource.query(
    `SELECT transaction_id::text AS "transactionId", global_position::text AS "globalPosition" FROM projection_checkpoints WHERE name = $1`,
    [name],
  );
  return rows[0];
}

describe('ProjectionRunner', () => {
  it('applies the log and waitFor resolves once the checkpoint covers a position', async () => {
    const projection = new CountingProjection('counter');
    await projection.createTables(db.dataSource);
    const projections = runner(projection);
    await projections.start();

    const last = await appendMany(30);
    await projections.waitFor(last);
    expect(await projection.appliedCount(db.dataSource)).toBe(30);
    expect(await storedCheckpoint('counter')).toEqual(last);
  });

  it('commits read rows and checkpoint together: a failing batch leaves neither', async () => {
    const projection = new CountingProjection('atomic');
    await projection.createTables(db.dataSource);
    const before = await appendMany(3);
    const projections = runner(projection);
    await projections.start();
    await projections.waitFor(before);

    projection.failOn = 'poison';
    const batch = [
      { type: 'counted', data: {} },
      { type: 'poison', data: {} },
    ];
    const poison = (await db.store.append('s-x', 's', batch, { expectedVersion: 'any' })).position;
    await expect(projections.waitFor(poison, { timeoutMs: 300 })).rejects.toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE });
    // The batch held a good event and the poison one: nothing of it is visible, checkpoint unchanged.
    expect(await projection.appliedCount(db.dataSource)).toBe(3);
    expect(await storedCheckpoint('atomic')).toEqual(before);

    projection.failOn = undefined;
    await projections.waitFor(poison);
    expect(await projection.appliedCount(db.dataSource)).toBe(5);
  });

  it('skips events of other types but still moves its checkpoint past them (its stored row a moment later)', async () => {
    const projection = new CountingProjection('typed', { eventTypes: ['wanted'] });
    await projection.createTables(db.dataSource);
    const projections = runner(projection);
    await projections.start();
    await appendMany(2, 'wanted');
    const last = await appendMany(3, 'unwanted');
    await projections.waitFor(last);
    expect(await projection.appliedCount(db.dataSource)).toBe(2);
    // The row follows pages without a wanted event after CHECKPOINT_SAVE_DELAY_MS (one write for all of them).
    await waitUntil(async () => JSON.stringify(await storedCheckpoint('typed')) === JSON.stringify(last), {
      message: 'stored checkpoint reached the last event',
    });
  });

  it("gives each of a runner's projections only its own types from the pages they share", async () => {
    const alpha = new CountingProjection('alpha', { eventTypes: ['alpha'] });
    const beta = new CountingProjection('beta', { eventTypes: ['beta'], batch: true });
    await alpha.createTables(db.dataSource);
    await beta.createTables(db.dataSource);
    const projections = new ProjectionRunner(db.dataSource, [alpha, beta], FAST);
    runners.push(projections);
    await projections.start();
    await appendMany(3, 'alpha');
    await appendMany(2, 'beta');
    await appendMany(2, 'gamma');
    const last = await appendMany(1, 'alpha');
    await projections.waitFor(last);
    expect(await alpha.appliedCount(db.dataSource)).toBe(4);
    expect(await beta.appliedCount(db.dataSource)).toBe(2);
  });

  it('lets only one of two runners on the same projection apply, with exact counts', async () => {
    const projection = new CountingProjection('shared');
    await projection.createTables(db.dataSource);
    const first = runner(projection, { batchSize: 7 });
    const second = runner(projection, { batchSize: 7 }, await db.openReplica());
    await Promise.all([first.start(), second.start()]);

    const appended = await Promise.all(
      Array.from({ length: 100 }, (_, i) => db.store.append(`c-${i % 10}`, 'c', [{ type: 'counted', data: { i } }], { expectedVersion: 'any' })),
    );
    const latest = appended
      .map((r) => r.position)
      .sort((a, b) => (BigInt(a.transactionId) < BigInt(b.transactionId) ? -1 : 1))
      .at(-1)!;
    await Promise.all([first.waitFor(latest), second.waitFor(latest)]);

    expect([...first.leading(), ...second.leading()]).toEqual(['shared']);
    expect(await projection.appliedCount(db.dataSource)).toBe(100);
    expect(await projection.totalCounted(db.dataSource)).toBe(100);
  });

  it.each([
    ['the leader stops', async (leader: ProjectionRunner) => leader.stop()],
    [
      "the leader's lock connection dies",
      async () => {
        await db.dataSource.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()
           AND pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory')`,
          [LEADERSHIP_APPLICATION_NAME],
        );
      },
    ],
  ])('hands over to the other runner when %s', async (_, killLeader) => {
    const projection = new CountingProjection('handover');
    await projection.createTables(db.dataSource);
    // The old leader would also campaign again after losing its connection: keep it slow so the
    // test sees the other runner take over.
    const first = runner(projection, { leadershipRetryMs: 60_000 });
    await first.start();
    const second = runner(projection, {}, await db.openReplica());
    await second.start();
    expect(first.leading()).toEqual(['handover']);
    expect(second.leading()).toEqual([]);
    await first.waitFor(await appendMany(10));

    await killLeader(first);
    await waitUntil(() => second.leading().length === 1, { message: 'second runner took over' });
    expect(first.leading()).toEqual([]);

    await second.waitFor(await appendMany(10));
    expect(await projection.appliedCount(db.dataSource)).toBe(20);
    expect(await projection.totalCounted(db.dataSource)).toBe(20);
  });

  it('wakes on appends (standalone and inside a caller transaction) without waiting for its poll', async () => {
    const projection = new CountingProjection('notified');
    await projection.createTables(db.dataSource);
    const projections = runner(projection, { pollIntervalMs: 600_000 });
    await projections.start();

    await projections.waitFor(await appendMany(1), { timeoutMs: 5_000 });
    const inTransaction = await db.dataSource.transaction((manager) =>
      db.store.append('s-t', 's', [{ type: 'counted', data: {} }], { expectedVersion: 'any', manager }),
    );
    await projections.waitFor(inTransaction.position, { timeoutMs: 5_000 });
    expect(await projection.appliedCount(db.dataSource)).toBe(2);
  });

  it('waitFor works on a replica that leads nothing', async () => {
    const projection = new CountingProjection('remote');
    await projection.createTables(db.dataSource);
    const leader = runner(projection);
    await leader.start();
    const follower = runner(projection, {}, await db.openReplica());
    await follower.start();
    const last = await appendMany(5);
    await follower.waitFor(last);
    expect(follower.leading()).toEqual([]);
    expect(await projection.appliedCount(db.dataSource)).toBe(5);
  });

  it('waitFor rejects with SERVICE_UNAVAILABLE when the projections do not catch up in time', async () => {
    const projection = new CountingProjection('idle');
    await projection.createTables(db.dataSource);
    const notStarted = runner(projection);
    const last = await appendMany(1);
    await expect(notStarted.waitFor(last, { timeoutMs: 100 })).rejects.toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE });
  });
});

describe('rebuildProjections', () => {
  it('drops and replays a read model into identical rows and checkpoint', async () => {
    const projection = new CountingProjection('rebuilt');
    await projection.createTables(db.dataSource);
    const projections = runner(projection, { batchSize: 4 });
    await projections.start();
    const last = await appendMany(25);
    await projections.waitFor(last);
    const before = await projection.snapshot(db.dataSource);
    await projections.stop();

    await db.dataSource.query(`INSERT INTO "rebuilt_counts" VALUES ('garbage', 99)`);
    await rebuildProjections(db.dataSource, [projection]);
    expect(await projection.snapshot(db.dataSource)).toEqual(before);
    expect(await projection.totalCounted(db.dataSource)).toBe(25);
    expect(await storedCheckpoint('rebuilt')).toEqual(last);

    // A runner started afterwards continues from the rebuilt checkpoint without re-applying.
    const restarted = runner(projection);
    await restarted.start();
    await restarted.waitFor(await appendMany(1));
    expect(await projection.appliedCount(db.dataSource)).toBe(26);
  });
});
