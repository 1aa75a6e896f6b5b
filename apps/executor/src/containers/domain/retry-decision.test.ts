import { planRetry, retryBackoffMs, retryQueuedEvent } from './retry-decision.js';
import { queuedState } from './fixtures.test-kit.js';

const endedAs = (status: 'complete' | 'failed' | 'cancelled', extra: object = {}, queued: object = {}) =>
  queuedState(queued, {
    phase: 'ended',
    ended: { containerId: 100, agentId: 7, status, endType: 'finished', exitCode: 1, endMessage: 'x', endedAt: 10_000, ...extra },
  });

test('only failed runs are retried, up to maxRetryNumber, with a doubling back-off', () => {
  expect(planRetry(endedAs('failed'), 2, 1000)).toEqual({ retryNumber: 1, retryOfContainerId: 100, notBefore: 11_000 });
  expect(planRetry(endedAs('failed', {}, { retryNumber: 1, retryOfContainerId: 90 }), 2, 1000)).toEqual({
    retryNumber: 2,
    retryOfContainerId: 90,
    notBefore: 12_000,
  });
  expect(planRetry(endedAs('failed', {}, { retryNumber: 2, retryOfContainerId: 90 }), 2, 1000)).toBeNull();
  expect(planRetry(endedAs('failed'), null, 1000)).toBeNull();
  expect(planRetry(endedAs('complete'), 3, 1000)).toBeNull();
  expect(planRetry(endedAs('cancelled'), 3, 1000)).toBeNull();
  expect(planRetry(endedAs('failed', { launchFailed: true }), 3, 1000)).toBeNull();
  expect(retryBackoffMs(30, 1000)).toBe(10 * 60 * 1000);
});

test("the retry is a new container with the failed one's version, argument, launcher and launch metadata, linked to the first", () => {
  const failed = endedAs(
    'failed',
    {},
    { argument: '{"q":1}', retryNumber: 1, retryOfContainerId: 90, maxParallelism: 2, userCustomMetadata: { campaign: 'spring' } },
  );
  const plan = planRetry(failed, 3, 1000)!;
  expect(retryQueuedEvent(failed, plan, 101, 10_500)).toEqual({
    type: 'ContainerQueued',
    data: {
      containerId: 101,
      agentId: 7,
      orgId: 3,
      launchType: 'retry',
      agentVersionId: 'v-1',
      queuedAt: 10_500,
      argument: '{"q":1}',
      bonusArgument: null,
      retryNumber: 2,
      retryOfContainerId: 90,
      notBefore: 12_000,
      maxParallelism: 2,
      launchedBy: { userId: 1, keyId: 2 },
      idempotencyKey: null,
      userCustomMetadata: { campaign: 'spring' },
      internalMetadata: null,
    },
  });
});

test('a run stopped by its draining executor is handed back: relaunched at once as the next attempt, whatever the retry budget', () => {
  const stopped = (queued: object) => endedAs('failed', { endMessage: 'Executor stopped', endType: 'unknown', exitCode: null }, queued);
  expect(planRetry(stopped({}), 0, 1000)).toEqual({ retryNumber: 1, retryOfContainerId: 100, notBefore: 10_000 });
  expect(planRetry(stopped({}), null, 1000)).toEqual({ retryNumber: 1, retryOfContainerId: 100, notBefore: 10_000 });
  expect(planRetry(stopped({ retryNumber: 2, retryOfContainerId: 90 }), 2, 1000)).toEqual({ retryNumber: 3, retryOfContainerId: 90, notBefore: 10_000 });
  // An executor that vanished (SIGKILL, "Executor lost") is an ordinary failure: the budget applies.
  expect(planRetry(endedAs('failed', { endMessage: 'Executor lost' }), 0, 1000)).toBeNull();
});
