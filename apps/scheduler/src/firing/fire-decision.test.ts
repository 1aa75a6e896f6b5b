import { decideFire, type DueSchedule } from './fire-decision.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 5, 1, 9, 0);
const rate = (over: Partial<DueSchedule> = {}): DueSchedule => ({
  agentId: 7,
  spec: { kind: 'rate', rateMinutes: 1, anchor: T0 - MIN },
  nextFireAt: T0,
  missedPolicy: 'skip',
  ...over,
});
const exact = { flexWindowMs: 0, missedGraceMs: 10_000 };

test.each([
  ['before its time: wait', rate(), T0 - 1, { action: 'wait' }],
  ['at its time: launch it', rate(), T0, { action: 'launch', plannedAt: T0, missed: false }],
  ['late within the grace: launch it', rate(), T0 + 10_000, { action: 'launch', plannedAt: T0, missed: false }],
  // Downtime across three fires, back within the grace of the latest: only the latest launches.
  ['several due, latest on time: the latest only', rate(), T0 + 3 * MIN + 5_000, { action: 'launch', plannedAt: T0 + 3 * MIN, missed: false }],
  ['missed, skip: settle the latest without launching', rate(), T0 + 3 * MIN + 30_000, { action: 'skip', plannedAt: T0 + 3 * MIN }],
  [
    'missed, runOnce: one catch-up launch of the latest',
    rate({ missedPolicy: 'runOnce' }),
    T0 + 3 * MIN + 30_000,
    { action: 'launch', plannedAt: T0 + 3 * MIN, missed: true },
  ],
  [
    'ONCE missed, runOnce: launch it',
    rate({ spec: { kind: 'once', at: T0 }, missedPolicy: 'runOnce' }),
    T0 + 60 * MIN,
    { action: 'launch', plannedAt: T0, missed: true },
  ],
  ['ONCE missed, skip: skip it', rate({ spec: { kind: 'once', at: T0 } }), T0 + 60 * MIN, { action: 'skip', plannedAt: T0 }],
])('%s', (_name, schedule, now, expected) => {
  expect(decideFire(schedule, now, exact)).toEqual(expected);
});

test('a flexible window moves each fire by the same deterministic jitter, never outside the window', () => {
  const timing = { flexWindowMs: 5 * MIN, missedGraceMs: 10_000 };
  for (let agentId = 1; agentId <= 50; agentId++) {
    const s = rate({ agentId });
    let firstLaunch = -1;
    for (let now = T0 - 5 * MIN; now <= T0 + 5 * MIN; now += 1000) {
      if (decideFire(s, now, timing).action === 'launch') {
        firstLaunch = now;
        break;
      }
    }
    expect(firstLaunch).toBeGreaterThanOrEqual(T0 - 5 * MIN);
    expect(firstLaunch).toBeLessThanOrEqual(T0 + 5 * MIN);
  }
});
