import type { EntityManager } from 'typeorm';
import { TableRows, type Projection, type StoredEventOf } from '@agentry/event-store';
import { ContainerEventType, type ContainerEvent } from '@agentry/contracts';
import { lastEndStatusOf, transition, type ContainerState } from './instance-transitions.js';

interface ContainerMove {
  containerId: number;
  agentId: number;
  next: ContainerState;
}

/** The container lifecycle events (the ones this projection takes). */
type LifecycleEvent = StoredEventOf<Extract<ContainerEvent, { type: ContainerEventType }>>;

function moveOf(event: LifecycleEvent): ContainerMove | null {
  switch (event.type) {
    case ContainerEventType.ContainerQueued:
      return { containerId: event.data.containerId, agentId: event.data.agentId, next: 'pending' };
    case ContainerEventType.ContainerStarted:
      return { containerId: event.data.containerId, agentId: event.data.agentId, next: 'active' };
    case ContainerEventType.ContainerEnded:
      return { containerId: event.data.containerId, agentId: event.data.agentId, next: event.data.status };
    default:
      return null;
  }
}

interface StateRow {
  container_id: number;
  agent_id: number;
  state: ContainerState;
}
type CountsRow = { agent_id: number; last_end_message: string | null; last_end_status: string | null; last_end_type: string | null } & Record<
  ContainerState | 'total',
  number
>;

const containerStates = new TableRows<StateRow>('agents_container_states', 'container_id', { container_id: 'integer', agent_id: 'integer', state: 'text' });
const instanceCounts = new TableRows<CountsRow>('agents_instance_counts', 'agent_id', {
  agent_id: 'integer',
  pending: 'integer',
  active: 'integer',
  complete: 'integer',
  failed: 'integer',
  cancelled: 'integer',
  total: 'integer',
  last_end_message: 'text',
  last_end_status: 'text',
  last_end_type: 'text',
});

const zeroCounts = (agentId: number): CountsRow => ({
  agent_id: agentId,
  pending: 0,
  active: 0,
  complete: 0,
  failed: 0,
  cancelled: 0,
  total: 0,
  last_end_message: null,
  last_end_status: null,
  last_end_type: null,
});

/**
 * Set-based: reads the batch's container states and agents' counts once, folds every move through the same
 * `transition` as one event at a time (a last end field only replaces the stored one when the event has it),
 * and writes both tables once.
 */
async function applyBatch(events: LifecycleEvent[], manager: EntityManager): Promise<void> {
  const moves = events.map((event) => ({ event, move: moveOf(event) })).filter((m): m is { event: LifecycleEvent; move: ContainerMove } => m.move !== null);
  if (moves.length === 0) return;
  const states = new Map((await containerStates.select(manager, [...new Set(moves.map((m) => m.move.containerId))])).map((r) => [r.container_id, r]));
  const counts = new Map((await instanceCounts.select(manager, [...new Set(moves.map((m) => m.move.agentId))])).map((r) => [r.agent_id, r]));
  const changedStates = new Set<number>();
  const changedCounts = new Set<number>();
  for (const { event, move } of moves) {
    const current = states.get(move.containerId);
    const deltas = transition(current?.state ?? null, move.next);
    if (!deltas) continue;
    states.set(move.containerId, { container_id: move.containerId, agent_id: current?.agent_id ?? move.agentId, state: move.next });
    changedStates.add(move.containerId);
    const before = counts.get(move.agentId) ?? zeroCounts(move.agentId);
    const after: CountsRow = { ...before };
    for (const bucket of Object.keys(deltas) as (keyof typeof deltas)[]) after[bucket] = before[bucket] + deltas[bucket];
    if (event.type === ContainerEventType.ContainerEnded) {
      const ended = event.data;
      after.last_end_message = ended.endMessage ?? before.last_end_message;
      after.last_end_status = lastEndStatusOf(ended.status, ended.launchFailed) ?? before.last_end_status;
      after.last_end_type = ended.endType ?? before.last_end_type;
    }
    counts.set(move.agentId, after);
    changedCounts.add(move.agentId);
  }
  await containerStates.upsert(
    manager,
    [...changedStates].map((id) => states.get(id)!),
  );
  await instanceCounts.upsert(
    manager,
    [...changedCounts].map((id) => counts.get(id)!),
  );
}

/**
 * The `POST /api/v1/agent` API's `instance_counts` (+ v1 `nbLaunches` and last end message) per agent, fed by the
 * executor's container events. Zeros until an executor emits them.
 */
export const agentInstancesProjection: Projection<Extract<ContainerEvent, { type: ContainerEventType }>> = {
  name: 'registry:agent-instances',
  eventTypes: Object.values(ContainerEventType),
  tables: ['agents_instance_counts', 'agents_container_states'],
  applyBatch,
  batchSize: 5000,
  apply: (event, manager) => applyBatch([event], manager),

  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE agents_instance_counts, agents_container_states`);
  },
};
