import { ContainerEventType } from '@agentry/contracts';
import type { ContainerState } from './container.js';
import { messageEvent, type ContainerEvent } from './container-event.js';
import { STARTED_MESSAGE, startedContext } from './lifecycle-messages.js';

/** A queued container starts on an executor: `ContainerStarted` and the "Agent started" message. Null when it is not queued any more. */
export function decideStart(
  state: ContainerState,
  facts: { executorId: string; timeLimitSeconds: number | null; now: number; runKeyHash?: string },
): ContainerEvent[] | null {
  if (state.phase !== 'queued') return null;
  const ids = { containerId: state.queued.containerId, agentId: state.queued.agentId };
  return [
    {
      type: ContainerEventType.ContainerStarted,
      data: { ...ids, startedAt: facts.now, executorId: facts.executorId, ...(facts.runKeyHash ? { runKeyHash: facts.runKeyHash } : {}) },
    },
    messageEvent(ids, state.messageCount + 1, STARTED_MESSAGE, 'normal', facts.now, startedContext(state.queued.launchType, facts.timeLimitSeconds)),
  ];
}
