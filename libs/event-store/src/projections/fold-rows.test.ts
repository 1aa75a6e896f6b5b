import { foldRows } from './fold-rows.js';

type Row = { id: number; n: number };
type Ev = { id?: number; add: number };

/** Adds to a row; a first event makes it; 0 changes nothing (the same row back). */
const fold = (row: Row | undefined, event: Ev): Row | undefined => {
  if (event.add === 0) return row;
  return { id: event.id!, n: (row?.n ?? 0) + event.add };
};

test('folds a batch into the final state of each row it changed, and only those', () => {
  const stored = new Map<number, Row>([
    [1, { id: 1, n: 10 }],
    [2, { id: 2, n: 20 }],
  ]);
  const events: Ev[] = [{ id: 1, add: 1 }, { id: 3, add: 5 }, { id: 2, add: 0 }, { add: 7 }, { id: 1, add: 2 }];
  const changed = foldRows(stored, events, (e) => e.id, fold);
  // Row 2 was only touched by an event that changed nothing; the event without a key is skipped.
  expect([...changed.entries()]).toEqual([
    [1, { id: 1, n: 13 }],
    [3, { id: 3, n: 5 }],
  ]);
  // The stored rows are left as they were (the caller's map is not the fold's).
  expect(stored.get(1)).toEqual({ id: 1, n: 10 });
});

test('a fold that answers no row (an event for a row that does not exist yet) changes nothing', () => {
  const changed = foldRows(new Map<number, Row>(), [{ id: 4, add: 0 }], (e) => e.id, fold);
  expect(changed.size).toBe(0);
});
