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

test('signals raised without pause are sent at most once per interval, however the timer rounds the wait', async () => {
  const intervalMs = 2; // as in production: a wait of a fraction of a millisecond must not fire early
  const signal = new AppendSignal(db.dataSource, intervalMs);
  await flushNotifications('before the burst');
  received.length = 0;
  const started = performance.now();
  while (performance.now() - started < 300) {
    signal.raise();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const elapsed = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 2 * intervalMs)); // the trailing one goes
  await flushNotifications('after the burst');
  const sent = received.filter((p) => p === '').length;
  expect(sent).toBeGreaterThan(1);
  // The first at once, then at most one per interval, then the trailing one.
  expect(sent).toBeLessThanOrEqual(Math.floor(elapsed / intervalMs) + 2);
});
