import { keepAliveTimings, type KeepAliveTimings } from './keep-alive.js';

/**
 * When the next tick starts after a beat landed at 0 and the following tick (started at `every`)
 * hung until its deadline: ticks fire at multiples of `every` and skip while one is in flight; a
 * tick due at the very moment the stuck one is freed is counted as skipped (timers of equal due
 * time may run in either order).
 */
function nextTickAfterAStuckOne({ everyMs, tickDeadlineMs }: KeepAliveTimings): number {
  const freedAt = everyMs + tickDeadlineMs;
  return (Math.floor(freedAt / everyMs) + 1) * everyMs;
}

test.each([1000, 2000, 15_000, 60_000, 600_000])('TTL %i ms: interval < tick deadline < TTL/2', (ttl) => {
  const t = keepAliveTimings(ttl);
  expect(t.everyMs).toBeLessThan(t.tickDeadlineMs);
  expect(t.tickDeadlineMs).toBeLessThan(ttl / 2);
});

test.each([1000, 2000, 15_000, 60_000, 600_000])('TTL %i ms: after one stuck tick, another beat starts with at least a fifth of the TTL to land', (ttl) => {
  expect(nextTickAfterAStuckOne(keepAliveTimings(ttl))).toBeLessThanOrEqual(ttl * 0.8);
});

test('control: the former timings (every TTL/3, deadline max(1 s, interval)) start that beat at the expiry itself', () => {
  for (const ttl of [2000, 15_000]) {
    const everyMs = Math.floor(ttl / 3);
    expect(nextTickAfterAStuckOne({ everyMs, tickDeadlineMs: Math.max(1000, everyMs) })).toBeGreaterThanOrEqual(ttl - 2);
  }
});

test('the default TTL (15 s): a beat every 3.75 s, a tick given up after 5 s', () => {
  expect(keepAliveTimings(15_000)).toEqual({ everyMs: 3750, tickDeadlineMs: 5000 });
});
