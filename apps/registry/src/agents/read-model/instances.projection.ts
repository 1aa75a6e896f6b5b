import type { EntityManager } from 'typeorm';
import type { Projection, StoredEvent } from '@agentry/event-store';
import { ContainerEventType, type ContainerEndedData, type ContainerQueuedData, type ContainerStartedData } from '@agentry/contracts';
import { lastEndStatusOf, transition, type ContainerState } from './instance-transitions.js';

interface ContainerMove {
  containerId: number;
  agentId: number;
  next: ContainerState;
}

function moveOf(event: StoredEvent): ContainerMove | null {
  switch (event.type) {
    case ContainerEventType.ContainerQueued: {
      const d = event.data as ContainerQueuedData;
      return { containerId: d.containerId, agentId: d.agentId, next: 'pending' };
    }
    case ContainerEventType.ContainerStarted: {
      const d = event.data as ContainerStartedData;
      return { containerId: d.containerId, agentId: d.agentId, next: 'active' };
    }
    case ContainerEventType.ContainerEnded: {
      const d = event.data as ContainerEndedData;
      return { containerId: d.containerId, agentId: d.agentId, next: d.status };
    }
    default:
      return null;
  }
}

/**
 * Seed 001's `instance_counts` (+ v1 `nbLaunches` and last end message) per agent, fed by the
 * executor's container events. Zeros until an executor emits them.
 */
export const agentInstancesProjection: Projection = {
  name: 'registry:agent-instances',
  eventTypes: Object.values(ContainerEventType),

  async apply(event: StoredEvent, manager: EntityManager): Promise<void> {
    const move = moveOf(event);
    if (!move) return;
    const [current]: { state: ContainerState }[] = await manager.query(
      `SELECT state FROM agents_container_states WHERE container_id = $1`,
      [move.containerId],
    );
    const deltas = transition(current?.state ?? null, move.next);
    if (!deltas) return;
    await manager.query(
      `INSERT INTO agents_container_states (container_id, agent_id, state) VALUES ($1, $2, $3)
       ON CONFLICT (container_id) DO UPDATE SET state = EXCLUDED.state`,
      [move.containerId, move.agentId, move.next],
    );
    const ended = event.type === ContainerEventType.ContainerEnded ? (event.data as ContainerEndedData) : null;
    await manager.query(
      `INSERT INTO agents_instance_counts AS c (agent_id, pending, active, complete, failed, cancelled, total,
         last_end_message, last_end_status, last_end_type)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (agent_id) DO UPDATE SET
         pending = c.pending + EXCLUDED.pending, active = c.active + EXCLUDED.active, complete = c.complete + EXCLUDED.complete,
         failed = c.failed + EXCLUDED.failed, cancelled = c.cancelled + EXCLUDED.cancelled, total = c.total + EXCLUDED.total,
         last_end_message = coalesce(EXCLUDED.last_end_message, c.last_end_message),
         last_end_status = coalesce(EXCLUDED.last_end_status, c.last_end_status),
         last_end_type = coalesce(EXCLUDED.last_end_type, c.last_end_type)`,
      [
        move.agentId,
        deltas.pending,
        deltas.active,
        deltas.complete,
        deltas.failed,
        deltas.cancelled,
        deltas.total,
        ended?.endMessage ?? null,
        ended ? lastEndStatusOf(ended.status, ended.launchFailed) : null,
        ended?.endType ?? null,
      ],
    );
  },

  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE agents_instance_counts, agents_container_states`);
  },
};
