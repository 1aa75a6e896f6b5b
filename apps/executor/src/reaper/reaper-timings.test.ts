import { reaperTimings } from './reaper-timings.js';

test('the default TTL (15 s): a sweep every 7.5 s, calls bounded at 7.5 s, a sweep at 30 s, a silent leader freed after 75 s', () => {
  expect(reaperTimings(15_000)).toEqual({ sweepEveryMs: 7500, callTimeoutMs: 7500, sweepDeadlineMs: 30_000, leaderIdleTimeoutMs: 75_000 });
});

test('short TTLs (tests) keep floors a loaded machine can meet; long ones cap the per-call wait', () => {
  expect(reaperTimings(1000)).toMatchObject({ sweepEveryMs: 500, callTimeoutMs: 5000, sweepDeadlineMs: 10_000 });
  expect(reaperTimings(600_000).callTimeoutMs).toBe(10_000);
});

test.each([1000, 2000, 15_000, 60_000, 600_000])(
  'TTL %i ms: every call fits in a sweep, and a live leader always speaks before its session is closed',
  (ttl) => {
    const t = reaperTimings(ttl);
    expect(t.callTimeoutMs).toBeLessThan(t.sweepDeadlineMs);
    expect(t.sweepEveryMs + t.sweepDeadlineMs).toBeLessThan(t.leaderIdleTimeoutMs);
  },
);
