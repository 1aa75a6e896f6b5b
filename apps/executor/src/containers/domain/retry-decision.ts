import { ContainerEventType } from '@agentry/contracts';
import type { ContainerEvent } from './container-event.js';
import type { ContainerState } from './container.js';
import { END_MESSAGES } from './lifecycle-messages.js';

const MAX_BACKOFF_MS = 10 * 60 * 1000;

export interface RetryPlan {
  retryNumber: number;
  /** The first container of the chain: every attempt links to it. */
  retryOfContainerId: number;
  notBefore: number;
}

/** Back-off before the n-th retry (1-based): base, 2×base, 4×base … capped at 10 minutes. */
export const retryBackoffMs = (retryNumber: number, baseMs: number): number => Math.min(baseMs * 2 ** Math.max(0, retryNumber - 1), MAX_BACKOFF_MS);

/**
 * A failed run is tried again while the agent's `maxRetryNumber` allows, as a new container. An
 * aborted or successful one is not, nor one that never started (no script, agent retired/deleted).
 * A run its executor stopped while draining ("Executor stopped", runs/drain.ts) is handed back: it
 * runs again at once whatever the agent's retry budget — the run did not fail, its executor left. It
 * is still the next attempt (retry number + 1, so the script's `retryCount` says it is a re-run).
 */
export function planRetry(state: ContainerState, maxRetryNumber: number | null, backoffBaseMs: number): RetryPlan | null {
  const ended = state.ended;
  if (!ended || ended.status !== 'failed' || ended.launchFailed) return null;
  const retryOfContainerId = state.queued.retryOfContainerId ?? state.queued.containerId;
  const retryNumber = (state.queued.retryNumber ?? 0) + 1;
  if (ended.endMessage === END_MESSAGES.executorStopped) return { retryNumber, retryOfContainerId, notBefore: ended.endedAt };
  if (retryNumber > (maxRetryNumber ?? 0)) return null;
  return {
    retryNumber,
    retryOfContainerId,
    notBefore: ended.endedAt + retryBackoffMs(retryNumber, backoffBaseMs),
  };
}

/** The retry's own container: same agent version, argument and launcher as the failed attempt. */
export function retryQueuedEvent(failed: ContainerState, plan: RetryPlan, containerId: number, now: number): ContainerEvent {
  const q = failed.queued;
  return {
    type: ContainerEventType.ContainerQueued,
    data: {
      containerId,
      agentId: q.agentId,
      orgId: q.orgId,
      launchType: 'retry',
      agentVersionId: q.agentVersionId,
      queuedAt: now,
      argument: q.argument,
      bonusArgument: q.bonusArgument ?? null,
      retryNumber: plan.retryNumber,
      retryOfContainerId: plan.retryOfContainerId,
      notBefore: plan.notBefore,
      maxParallelism: q.maxParallelism ?? 1,
      launchedBy: q.launchedBy ?? null,
      idempotencyKey: null,
      userCustomMetadata: q.userCustomMetadata ?? null,
      internalMetadata: q.internalMetadata ?? null,
    },
  };
}
