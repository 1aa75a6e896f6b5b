import type { ContainerFinalStatus } from '@agentry/contracts';

/** Where a container is: the `POST /api/v1/agent` API's buckets. */
export type ContainerState = 'pending' | 'active' | ContainerFinalStatus;

const FINAL_STATES: readonly ContainerState[] = ['complete', 'failed', 'cancelled'];

export type CountDeltas = Record<ContainerState | 'total', number>;

/**
 * How the counts move when a container goes from `previous` (null: first event seen for it) to
 * `next`. A final state is terminal: later events of that container change nothing, and a
 * late "started" after the end never moves it back.
 */
export function transition(previous: ContainerState | null, next: ContainerState): CountDeltas | null {
  if (previous === next) return null;
  if (previous !== null && FINAL_STATES.includes(previous)) return null;
  if (previous === 'active' && next === 'pending') return null;
  const deltas: CountDeltas = { pending: 0, active: 0, complete: 0, failed: 0, cancelled: 0, total: 0 };
  if (previous === null) deltas.total = 1;
  else deltas[previous] = -1;
  deltas[next] += 1;
  return deltas;
}

/** v1 `lastEndStatus` for a final state; a run that never started is "launch failed" (the v1 API user.json). */
export const lastEndStatusOf = (status: ContainerFinalStatus, launchFailed = false): string =>
  launchFailed ? 'launch failed' : { complete: 'success', failed: 'error', cancelled: 'cancelled' }[status];
