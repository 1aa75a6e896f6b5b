import { InvalidatingCache } from './invalidating-cache.js';

/** A cache on a clock the test moves. */
function cacheAt(maxEntries: number, options: { ttlMs?: number; settleMs?: number } = {}) {
  const clock = { now: 1_000 };
  const cache = new InvalidatingCache<string>(maxEntries, options.ttlMs ?? 10_000, { settleMs: options.settleMs ?? 0, now: () => clock.now });
  return { cache, clock };
}

test('stores a fill and serves it until its ttl; the least recently used goes first when full', () => {
  const { cache, clock } = cacheAt(2, { ttlMs: 100 });
  expect(cache.fill('a', 'g1', 'A', cache.ticket())).toBe(true);
  cache.fill('b', 'g2', 'B', cache.ticket());
  expect(cache.get('a')).toBe('A'); // a is now the most recently used
  cache.fill('c', 'g3', 'C', cache.ticket());
  expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual(['A', undefined, 'C']);
  clock.now += 100;
  expect(cache.get('a')).toBeUndefined();
});

test('0 entries is off: nothing is stored', () => {
  const { cache } = cacheAt(0);
  expect(cache.enabled).toBe(false);
  expect(cache.fill('a', 'g', 'A', cache.ticket())).toBe(false);
  expect(cache.get('a')).toBeUndefined();
});

test("a group's invalidation drops its entries only, and refuses its fills that were in flight", () => {
  const { cache } = cacheAt(10);
  cache.fill('1/plain', 'agent-1', 'one', cache.ticket());
  cache.fill('1/object', 'agent-1', 'one+', cache.ticket());
  cache.fill('2/plain', 'agent-2', 'two', cache.ticket());
  const inFlight = cache.ticket();
  cache.invalidateGroup('agent-1');
  expect([cache.get('1/plain'), cache.get('1/object'), cache.get('2/plain')]).toEqual([undefined, undefined, 'two']);
  // The answer of a read that started before the invalidation may predate it: not stored.
  expect(cache.fill('1/plain', 'agent-1', 'stale', inFlight)).toBe(false);
  // Another group's fill from the same moment is unaffected.
  expect(cache.fill('3/plain', 'agent-3', 'three', inFlight)).toBe(true);
  // A read that started after it is stored.
  expect(cache.fill('1/plain', 'agent-1', 'fresh', cache.ticket())).toBe(true);
});

test('control: without the invalidation the same in-flight fill is stored (the refusal above is the generation check)', () => {
  const { cache } = cacheAt(10);
  const inFlight = cache.ticket();
  expect(cache.fill('1/plain', 'agent-1', 'value', inFlight)).toBe(true);
});

test("for settleMs after a group's invalidation no fill of it is stored, even one started after it", () => {
  const { cache, clock } = cacheAt(10, { settleMs: 500 });
  cache.invalidateGroup('agent-1');
  clock.now += 499;
  expect(cache.fill('1/plain', 'agent-1', 'maybe stale', cache.ticket())).toBe(false);
  expect(cache.fill('2/plain', 'agent-2', 'other', cache.ticket())).toBe(true);
  clock.now += 1;
  expect(cache.fill('1/plain', 'agent-1', 'settled', cache.ticket())).toBe(true);
});

test('invalidateWhere and clear refuse every fill in flight; with settle, every fill for settleMs', () => {
  const { cache, clock } = cacheAt(10, { settleMs: 500 });
  cache.fill('a', 'g1', 'keep', cache.ticket());
  cache.fill('b', 'g2', 'drop', cache.ticket());
  const inFlight = cache.ticket();
  cache.invalidateWhere((value) => value === 'drop');
  expect([cache.get('a'), cache.get('b')]).toEqual(['keep', undefined]);
  expect(cache.fill('c', 'g3', 'C', inFlight)).toBe(false);
  expect(cache.fill('c', 'g3', 'C', cache.ticket())).toBe(true);

  cache.invalidateWhere(() => false, { settle: true });
  expect(cache.fill('d', 'g4', 'D', cache.ticket())).toBe(false);
  clock.now += 500;
  expect(cache.fill('d', 'g4', 'D', cache.ticket())).toBe(true);

  const beforeClear = cache.ticket();
  cache.clear();
  expect(cache.size).toBe(0);
  expect(cache.fill('e', 'g5', 'E', beforeClear)).toBe(false);
});

test('the record of recent invalidations is bounded; forgetting one early keeps refusing what it refused', () => {
  // maxRecent is max(1000, maxEntries): 1,001 settling groups overflow it.
  const { cache, clock } = cacheAt(10, { settleMs: 1_000 });
  const inFlight = cache.ticket();
  for (let i = 0; i < 1_001; i++) cache.invalidateGroup(`g${i}`);
  // g0's record was dropped, but its fill in flight and its quiet window still hold (as a global floor / quiet time).
  expect(cache.fill('x', 'g0', 'stale', inFlight)).toBe(false);
  expect(cache.fill('x', 'g0', 'too early', cache.ticket())).toBe(false);
  clock.now += 1_000;
  expect(cache.fill('x', 'g0', 'settled', cache.ticket())).toBe(true);
});

test('a group record past its retention is folded into the floor: its old fills in flight stay refused', () => {
  const { cache, clock } = cacheAt(10, { settleMs: 0 });
  const inFlight = cache.ticket();
  cache.invalidateGroup('g1');
  clock.now += 60_000;
  cache.invalidateGroup('g2'); // prunes g1's record
  expect(cache.fill('x', 'g1', 'stale', inFlight)).toBe(false);
  expect(cache.fill('x', 'g1', 'fresh', cache.ticket())).toBe(true);
});
