import { BUSY_FIRST_DELAY_MS, BUSY_MAX_DELAY_MS, busyRetryDelayMs, OrgCaps, OrgFullMemo, slotFitsCap } from './fair-share.js';

test('a launch put back because its org or agent is full always waits (never a plain nak that JetStream redelivers first)', () => {
  for (const count of [0, 1, 2, 5, 100]) for (const random of [0, 0.5, 0.999]) expect(busyRetryDelayMs(count, random)).toBeGreaterThan(0);
});

test('the wait doubles per delivery up to its ceiling', () => {
  expect([1, 2, 3, 4, 5, 6, 50].map((n) => busyRetryDelayMs(n, 0.5))).toEqual([250, 500, 1000, 2000, 4000, 4000, 4000]);
  expect(busyRetryDelayMs(1, 0.5)).toBe(BUSY_FIRST_DELAY_MS);
});

test('jitter stays within ±25 % and the ceiling plus its jitter', () => {
  expect(busyRetryDelayMs(1, 0)).toBe(188);
  expect(busyRetryDelayMs(1, 1)).toBe(313);
  expect(busyRetryDelayMs(99, 1)).toBeLessThanOrEqual(BUSY_MAX_DELAY_MS * 1.25);
});

test('a slot taken under a cached cap fits only below the current cap', () => {
  expect(slotFitsCap(2, 3)).toBe(true);
  expect(slotFitsCap(3, 3)).toBe(false);
  expect(slotFitsCap(0, 1)).toBe(true);
});

test('an org cap is used while fresh, then asked again', () => {
  const caps = new OrgCaps(1000);
  expect(caps.get(1, 0)).toBeUndefined();
  caps.set(1, 3, 0);
  expect(caps.get(1, 999)).toBe(3);
  expect(caps.get(2, 999)).toBeUndefined();
  expect(caps.get(1, 1000)).toBeUndefined();
});

test('an org found full is taken as full briefly, per org, until it expires or this replica frees one of its slots', () => {
  const memo = new OrgFullMemo(500);
  expect(memo.isFull(1, 0)).toBe(false);
  memo.markFull(1, 0);
  expect(memo.isFull(1, 499)).toBe(true);
  expect(memo.isFull(2, 499)).toBe(false);
  expect(memo.isFull(1, 500)).toBe(false);
  memo.markFull(1, 1000);
  memo.freed(1);
  expect(memo.isFull(1, 1001)).toBe(false);
});
