import { lastCommittedPosition } from './log-reader.js';
import { openTestEventStore, type TestEventStore } from './test-support/test-event-store.js';

let db: TestEventStore;
beforeAll(async () => {
  db = await openTestEventStore(2);
});
afterAll(async () => {
  await db.close();
});

// Positions are bigints: compared as text, "9" comes after "10" (the same for transaction ids 998 and 1033),
// and a reader waiting for "everything committed so far" stopped short of the newest events.
test('lastCommittedPosition answers the newest event by number, also once positions gain a digit', async () => {
  const events = Array.from({ length: 12 }, (_, i) => ({ type: 'Counted', data: { i } }));
  await db.store.append('count-1', 'count', events, { expectedVersion: 'no_stream' });
  const [newest] = await db.dataSource.query(`SELECT max(global_position)::text AS g FROM events`);
  expect(Number(newest.g)).toBeGreaterThanOrEqual(10);
  expect((await lastCommittedPosition(db.dataSource)).globalPosition).toBe(newest.g);
});
