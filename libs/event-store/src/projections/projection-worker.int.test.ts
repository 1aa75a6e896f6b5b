import { LOG_START } from '../log-position.js';
import { openTestEventStore, type TestEventStore } from '../test-support/test-event-store.js';
import type { LogPosition, StoredEvent } from '../types.js';
import type { EntityManager } from 'typeorm';
import { waitUntil } from '@agentry/testing';
import type { Projection } from './projection.js';
import { ProjectionWorker, type WorkerOptions } from './projection-worker.js';

let db: TestEventStore;
beforeAll(async () => {
  db = await openTestEventStore();
  await db.dataSource.query(`CREATE TABLE total (id integer PRIMARY KEY, n integer NOT NULL)`);
  await db.dataSource.query(`INSERT INTO total VALUES (1, 0), (2, 0)`);
});
afterAll(async () => {
  await db.close();
});

/** Increments one counter per event: nothing in the read model itself would notice a double apply. */
const summing: Projection = {
  name: 'summing',
  async apply(_event: StoredEvent, manager: EntityManager) {
    await manager.query(`UPDATE total SET n = n + 1 WHERE id = 1`);
  },
  async reset(manager: EntityManager) {
    await manager.query(`UPDATE total SET n = 0`);
  },
};

/** The same counter (row 2) with a set-based batch apply: one UPDATE per batch. */
const summingInBatches: Projection = {
  name: 'summing-in-batches',
  async apply(_event: StoredEvent, manager: EntityManager) {
    await manager.query(`UPDATE total SET n = n + 1 WHERE id = 2`);
  },
  async applyBatch(events: StoredEvent[], manager: EntityManager) {
    await manager.query(`UPDATE total SET n = n + $1 WHERE id = 2`, [events.length]);
  },
  async reset(manager: EntityManager) {
    await manager.query(`UPDATE total SET n = 0 WHERE id = 2`);
  },
};

const quickOptions: WorkerOptions = {
  batchSize: 3,
  heldBackRetryMs: 5,
  errorRetryMs: 5,
  onError: (error) => {
    throw error;
  },
  onAdvanced: () => undefined,
  onParking: () => undefined,
};

describe.each([
  { projection: summing, row: 1 },
  { projection: summingInBatches, row: 2 },
])('ProjectionWorker fencing ($projection.name)', ({ projection, row }) => {
  it('applies each event once even when two instances both believe they lead', async () => {
    const summing = projection;
    const workers = [new ProjectionWorker(db.dataSource, summing, quickOptions), new ProjectionWorker(db.dataSource, summing, quickOptions)];
    workers.forEach((worker) => worker.lead());

    let last: LogPosition = LOG_START;
    for (let i = 0; i < 40; i++) {
      last = (await db.store.append(`s-${i}`, 's', [{ type: 'e', data: {} }], { expectedVersion: 'any' })).position;
      if (i % 4 === 0) workers.forEach((worker) => worker.wake());
    }
    workers.forEach((worker) => worker.wake());
    await waitUntil(
      async () => {
        const [row] = await db.dataSource.query(
          `SELECT (transaction_id, global_position) >= ($1::xid8, $2::bigint) AS done FROM projection_checkpoints WHERE name = $3`,
          [last.transactionId, last.globalPosition, summing.name],
        );
        return row?.done === true;
      },
      { message: 'summing caught up' },
    );
    workers.forEach((worker) => worker.abdicate());
    await Promise.all(workers.map((worker) => worker.idle()));

    // Each describe appends 40 more events to the same log; every counter starts from the log start.
    const [{ n, events }] = await db.dataSource.query(`SELECT n, (SELECT count(*)::integer FROM events) AS events FROM total WHERE id = $1`, [row]);
    expect(n).toBe(events);
    expect(n).toBeGreaterThanOrEqual(40);
  });
});

async function checkpointReached(name: string, position: LogPosition): Promise<boolean> {
  const [row] = await db.dataSource.query(
    `SELECT (transaction_id, global_position) >= ($1::xid8, $2::bigint) AS done FROM projection_checkpoints WHERE name = $3`,
    [position.transactionId, position.globalPosition, name],
  );
  return row?.done === true;
}

/** Counts the events of one type it applies, in a table of its own. */
async function countingProjection(name: string, type: string): Promise<Projection & { applied(): Promise<number> }> {
  const [{ id }] = await db.dataSource.query(`INSERT INTO total VALUES ((SELECT max(id) + 1 FROM total), 0) RETURNING id`);
  return {
    name,
    eventTypes: [type],
    async apply(_event: StoredEvent, manager: EntityManager) {
      await manager.query(`UPDATE total SET n = n + 1 WHERE id = $1`, [id]);
    },
    async reset(manager: EntityManager) {
      await manager.query(`UPDATE total SET n = 0 WHERE id = $1`, [id]);
    },
    async applied() {
      const [{ n }] = await db.dataSource.query(`SELECT n FROM total WHERE id = $1`, [id]);
      return n;
    },
  };
}

describe('ProjectionWorker pages', () => {
  it.each([0, 30])(
    'moves past pages of other types (their checkpoint row written %i ms later) and applies its own type once, with two instances leading',
    async (checkpointSaveDelayMs) => {
      const wanted = `wanted-${checkpointSaveDelayMs}`; // each case's own type: the log keeps the other case's events
      const projection = await countingProjection(`wanted-only-${checkpointSaveDelayMs}`, wanted);
      const options = { ...quickOptions, checkpointSaveDelayMs };
      const workers = [new ProjectionWorker(db.dataSource, projection, options), new ProjectionWorker(db.dataSource, projection, options)];
      workers.forEach((worker) => worker.lead());
      let last: LogPosition = LOG_START;
      for (let i = 0; i < 30; i++) {
        last = (await db.store.append(`w-${i}`, 's', [{ type: i % 5 === 0 ? wanted : 'other', data: {} }], { expectedVersion: 'any' })).position;
        if (i % 3 === 0) workers.forEach((worker) => worker.wake());
      }
      workers.forEach((worker) => worker.wake());
      await waitUntil(() => checkpointReached(projection.name, last), { message: 'wanted-only caught up' });
      workers.forEach((worker) => worker.abdicate());
      await Promise.all(workers.map((worker) => worker.idle()));
      expect(await projection.applied()).toBe(6);
    },
  );

  it('applies an event committed behind an older open transaction once that transaction ends, with no NOTIFY or wake after it', async () => {
    const projection = await countingProjection('behind-open', 'behind');
    const worker = new ProjectionWorker(db.dataSource, projection, quickOptions);
    worker.lead();
    await waitUntil(async () => (await db.dataSource.query(`SELECT 1 FROM projection_checkpoints WHERE name = $1`, [projection.name])).length === 1);
    await worker.idle();

    // An older transaction holding an xid (as another service's projection batch does) and writing no event.
    const older = db.dataSource.createQueryRunner();
    await older.connect();
    await older.startTransaction();
    try {
      await older.query(`SELECT pg_current_xact_id()`);
      const { position } = await db.store.append('behind-1', 's', [{ type: 'behind', data: {} }], { expectedVersion: 'any' });
      worker.wake(); // reads nothing yet: the event is held back behind `older`
      await worker.idle();
      expect(await projection.applied()).toBe(0);
      await older.commitTransaction();
      // Only the worker's own held-back retry can find the event now.
      await waitUntil(() => checkpointReached(projection.name, position), { message: 'behind-open applied the held-back event' });
    } finally {
      await older.release();
      worker.abdicate();
      await worker.idle();
    }
    expect(await projection.applied()).toBe(1);
  });
});
