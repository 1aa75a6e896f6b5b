import type { Queryable } from '../log-reader.js';
import { openTestEventStore, type TestEventStore } from '../test-support/test-event-store.js';
import type { LogPosition } from '../types.js';
import { loadCheckpoint } from './checkpoints.js';
import { CheckpointWriter } from './checkpoint-writer.js';

let db: TestEventStore;
beforeAll(async () => {
  db = await openTestEventStore();
});
afterAll(async () => {
  await db.close();
});

const at = (n: number): LogPosition => ({ transactionId: String(n), globalPosition: String(n) });

describe('CheckpointWriter', () => {
  it('writes the moves asked for in one turn in one statement, each fenced with its own answer', async () => {
    for (const name of ['cw-a', 'cw-b', 'cw-c']) await loadCheckpoint(db.dataSource, name);
    // cw-c was moved by another instance meanwhile: its move from the log start is fenced out.
    await db.dataSource.query(`UPDATE projection_checkpoints SET transaction_id = '5', global_position = 5 WHERE name = 'cw-c'`);
    const queries: Queryable & { statements: number } = {
      statements: 0,
      query(sql, parameters) {
        queries.statements += 1;
        return db.dataSource.query(sql, parameters);
      },
    };
    const writer = new CheckpointWriter(queries);
    const start = await loadCheckpoint(db.dataSource, 'cw-a');
    const answers = await Promise.all([writer.advance('cw-a', start, at(7)), writer.advance('cw-b', start, at(8)), writer.advance('cw-c', start, at(9))]);
    expect(answers).toEqual([true, true, false]);
    expect(queries.statements).toBe(1);
    expect(await loadCheckpoint(db.dataSource, 'cw-a')).toEqual(at(7));
    expect(await loadCheckpoint(db.dataSource, 'cw-b')).toEqual(at(8));
    expect(await loadCheckpoint(db.dataSource, 'cw-c')).toEqual(at(5));
  });
});
