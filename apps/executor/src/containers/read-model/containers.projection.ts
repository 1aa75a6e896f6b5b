import type { EntityManager } from 'typeorm';
import { foldRows, TableRows, type Projection, type StoredEventOf } from '@agentry/event-store';
import { ContainerEventType, ContainerRuntimeEventType, type ContainerEvent } from '@agentry/contracts';

/** An `executor_containers` row as folded (bigints read back arrive as text and are written back as they are). */
interface PhaseRow {
  container_id: number | string;
  agent_id: number | string;
  org_id: number | string;
  phase: string;
  queued_at: number | string;
  started_at: number | string | null;
  ended_at: number | string | null;
  executor_id: string | null;
  abort_requested: boolean;
  abort_soft: boolean;
}

const executorContainers = new TableRows<PhaseRow>('executor_containers', 'container_id', {
  container_id: 'bigint',
  agent_id: 'bigint',
  org_id: 'bigint',
  phase: 'text',
  queued_at: 'bigint',
  started_at: 'bigint',
  ended_at: 'bigint',
  executor_id: 'text',
  abort_requested: 'boolean',
  abort_soft: 'boolean',
});

/**
 * One event's effect on its container's row, as the row-at-a-time statements had it: queued inserts (never
 * over a known row), the others update a known row only; an end is final, so a late start never moves a
 * container back.
 */
function fold(row: PhaseRow | undefined, event: StoredEventOf<ContainerEvent>): PhaseRow | undefined {
  switch (event.type) {
    case ContainerEventType.ContainerQueued: {
      const d = event.data;
      return (
        row ?? {
          container_id: d.containerId,
          agent_id: d.agentId,
          org_id: d.orgId,
          phase: 'queued',
          queued_at: d.queuedAt,
          started_at: null,
          ended_at: null,
          executor_id: null,
          abort_requested: false,
          abort_soft: false,
        }
      );
    }
    case ContainerEventType.ContainerStarted: {
      const d = event.data;
      return row?.phase === 'queued' ? { ...row, phase: 'running', started_at: d.startedAt, executor_id: d.executorId ?? null } : row;
    }
    case ContainerEventType.ContainerEnded: {
      return row && row.phase !== 'ended' ? { ...row, phase: 'ended', ended_at: event.data.endedAt } : row;
    }
    case ContainerRuntimeEventType.ContainerAbortRequested: {
      return row && { ...row, abort_requested: true, abort_soft: event.data.soft };
    }
    default:
      return row;
  }
}

/** Set-based: one SELECT of the batch's containers, the fold, one upsert of the rows that changed. */
async function applyBatch(events: StoredEventOf<ContainerEvent>[], m: EntityManager): Promise<void> {
  const ids = [...new Set(events.map((e) => e.data.containerId))];
  const rows = new Map((await executorContainers.select(m, ids)).map((row) => [Number(row.container_id), row]));
  const changed = foldRows(rows, events, (event) => event.data.containerId, fold);
  await executorContainers.upsert(m, [...changed.values()]);
}

/**
 * The executor's read model of container phases, from the log only (a rebuild gives the same rows).
 * Set-based (applyBatch); a single event is a batch of one, so live and rebuilt rows come from one fold.
 */
export const executorContainersProjection: Projection<ContainerEvent> = {
  name: 'executor:containers',
  eventTypes: [
    ContainerEventType.ContainerQueued,
    ContainerEventType.ContainerStarted,
    ContainerEventType.ContainerEnded,
    ContainerRuntimeEventType.ContainerAbortRequested,
  ],
  tables: ['executor_containers'],
  applyBatch,
  batchSize: 5000,
  apply: (event, m) => applyBatch([event], m),
  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE executor_containers`);
  },
};
