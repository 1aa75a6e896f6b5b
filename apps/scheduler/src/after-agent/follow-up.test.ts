import type { ContainerEndedData } from '@agentry/contracts';
import { defaultDelaySeconds, exitCodeMatches, followUpAt } from './follow-up.js';

test.each([
  [null, 3, true],
  ['all', null, true],
  [[0], 0, true],
  [[1, 3], 3, true],
  [[1, 3], 0, false],
  [[0], null, false],
] as const)('exit codes %j, end %j → %j', (codes, exit, expected) => {
  expect(exitCodeMatches(codes as number[] | 'all' | null, exit)).toBe(expected);
});

const ended = { containerId: 42, agentId: 1, endedAt: 1_000_000, exitCode: 0 } as ContainerEndedData;
const range = { minSeconds: 600, maxSeconds: 900 };

test('the follower launches after its own delay, or a default within the range that is the same on redelivery', () => {
  expect(followUpAt({ agentId: 2, orgId: 1, exitCodes: 'all', delaySeconds: 30 }, ended, range)).toBe(1_030_000);
  const delays = new Set<number>();
  for (let follower = 1; follower <= 200; follower++) {
    const d = defaultDelaySeconds(follower, 42, range);
    expect(d).toBeGreaterThanOrEqual(600);
    expect(d).toBeLessThanOrEqual(900);
    expect(defaultDelaySeconds(follower, 42, range)).toBe(d);
    delays.add(d);
  }
  expect(delays.size).toBeGreaterThan(50);
});
