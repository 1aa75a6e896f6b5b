import type { AgentAvailableActions, AgentInstanceCounts, AgentStatus } from '@agentry/contracts';

export const ZERO_INSTANCE_COUNTS: AgentInstanceCounts = Object.freeze({
  active: 0,
  pending: 0,
  complete: 0,
  failed: 0,
  cancelled: 0,
  finished: 0,
  total: 0,
});

const isRunning = (counts: AgentInstanceCounts): boolean => counts.active + counts.pending > 0;

/**
 * The `POST /api/v1/agent` API's `available_actions`. A retired agent keeps its settings frozen until it is
 * reinstated; an agent with queued or running instances can't be deleted (stop it first).
 */
export function availableActions(status: AgentStatus, counts: AgentInstanceCounts): AgentAvailableActions {
  return {
    delete: status !== 'deleted' && !isRunning(counts),
    reinstate: status === 'retired',
    retire: status === 'active',
    update: status === 'active',
  };
}
