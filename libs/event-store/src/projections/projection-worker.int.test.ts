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
  await db.dataSource.query(`INSERT INTO total VALUES (1, 0)`);
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

describe('ProjectionWorker fencing', () => {
  it('applies each event once even when two instances both believe they lead', async () => {
    const options: WorkerOptions = {
      batchSize: 3,
      heldBackRetryMs: 5,
      errorRetryMs: 5,
      onError: (error) => {
        throw error;
      },
      onAdvanced: () => undefined,
    };
    const workers = [new ProjectionWorker(db.dataSource, summing, options), new ProjectionWorker(db.dataSource, summing, options)];
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
          `SELECT (transaction_id, global_position) >= ($1::xid8, $2::bigint) AS done FROM projection_checkpoints WHERE name = 'summing'`,
          [last.transactionId, last.globalPosition],
        );
        return row?.done === true;
      },
      { message: 'summing caught up' },
    );
    workers.forEach((worker) => worker.abdicate());
    await Promise.all(workers.map((worker) => worker.idle()));

    const [{ n }] = await db.dataSource.query(`SELECT n FROM total`);
    expect(n).toBe(40);
  });
});
