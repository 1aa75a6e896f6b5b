import pg from 'pg';
import { waitUntil } from '@agentry/testing';
import { AppendSignal } from './append-signal.js';
import { EVENTS_CHANNEL } from './schema-names.js';
import { openTestEventStore, type TestEventStore } from './test-support/test-event-store.js';

let db: TestEventStore;
let listener: pg.Client;
const received: string[] = [];
beforeAll(async () => {
  db = await openTestEventStore(4);
  listener = new pg.Client({ connectionString: db.url });
  await listener.connect();
  listener.on('notification', (n) => received.push(n.payload ?? ''));
  await listener.query(`LISTEN ${EVENTS_CHANNEL}`);
});
afterAll(async () => {
  await listener.end();
  await db.close();
});

/** A NOTIFY from the test's own session: once it is received, every notification committed before it was too. */
async function flushNotifications(marker: string): Promise<void> {
  await db.dataSource.query(`SELECT pg_notify('${EVENTS_CHANNEL}', $1)`, [marker]);
  await waitUntil(() => received.includes(marker));
}

test('signals raised while one is in flight or too soon after it are coalesced into one that is still sent', async () => {
  // A long interval makes the coalescing observable; the default is a few milliseconds.
  const signal = new AppendSignal(db.dataSource, 1500);
  received.length = 0;
  for (let i = 0; i < 6; i++) signal.raise(); // the first goes at once, the other five wait for it to finish
  await waitUntil(() => received.filter((p) => p === '').length === 2); // the trailing one: nothing is lost
  signal.raise(); // too soon after the last: waits out the interval, then goes
  await flushNotifications('sent meanwhile');
  await waitUntil(() => received.filter((p) => p === '').length === 3);
  await flushNotifications('after');
  expect(received).toEqual(['', '', 'sent meanwhile', '', 'after']);
});
