import { LOG_START } from '../log-position.js';
import { waitUntil } from '@agentry/testing';
import { readLogPage, type Queryable } from '../log-reader.js';
import { openTestEventStore, type TestEventStore } from '../test-support/test-event-store.js';
import type { Projection } from './projection.js';
import { SharedPageReader } from './shared-page-reader.js';

let db: TestEventStore;
beforeAll(async () => {
  db = await openTestEventStore();
});
afterAll(async () => {
  await db.close();
});

const typed = (name: string, eventTypes?: string[]): Projection => ({ name, eventTypes, apply: async () => undefined, reset: async () => undefined });

/** Waits until the log's readable part has `count` events (an append is held back while any older transaction in the cluster is open). */
async function readable(count: number): Promise<void> {
  await waitUntil(async () => (await readLogPage(db.dataSource, LOG_START, 1000)).scanned === count, { message: `${count} events readable` });
}

/** The test database, counting the statements sent through it. */
function counting(): Queryable & { statements: number } {
  const wrapper = {
    statements: 0,
    query: (sql: string, parameters?: unknown[]) => {
      wrapper.statements += 1;
      return db.dataSource.query(sql, parameters);
    },
  };
  return wrapper;
}

describe('SharedPageReader', () => {
  it('answers reads of the same page in flight at once with one statement carrying every wanted type', async () => {
    await db.store.append(
      'shared-1',
      's',
      [
        { type: 'a', data: { n: 1 } },
        { type: 'b', data: { n: 2 } },
        { type: 'c', data: { n: 3 } },
      ],
      { expectedVersion: 'any' },
    );
    await readable(3);
    const queries = counting();
    const reader = new SharedPageReader(queries, [typed('pa', ['a']), typed('pb', ['b'])]);
    const [first, second] = await Promise.all([reader.read(LOG_START, 10), reader.read(LOG_START, 10)]);
    expect(queries.statements).toBe(1);
    expect(second).toBe(first);
    expect(first.scanned).toBe(3);
    expect(first.events.map((e) => [e.type, e.data])).toEqual([
      ['a', { n: 1 }],
      ['b', { n: 2 }],
    ]);
  });

  it('reads again once the shared read is over (a later read must see what committed since)', async () => {
    const queries = counting();
    const reader = new SharedPageReader(queries, [typed('pa', ['a'])]);
    const before = await reader.read(LOG_START, 100);
    await db.store.append('shared-2', 's', [{ type: 'a', data: {} }], { expectedVersion: 'any' });
    await readable(before.scanned + 1);
    const after = await reader.read(LOG_START, 100);
    expect(queries.statements).toBe(2); // the two reads, none shared
    expect(after.scanned).toBe(before.scanned + 1);
  });

  it('carries every event with its data when one projection lists no types', async () => {
    const reader = new SharedPageReader(counting(), [typed('pa', ['a']), typed('all')]);
    const page = await reader.read(LOG_START, 100);
    expect(page.events).toHaveLength(page.scanned);
    expect(page.events.every((e) => e.data !== null)).toBe(true);
  });
});
