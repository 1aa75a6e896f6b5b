import type { EntityManager } from 'typeorm';
import { projectionOf, type EventDataWriter } from '@agentry/event-store';
import {
  ContainerEventType,
  ContainerRuntimeEventType,
  type ContainerAbortRequestedData,
  type ContainerEndedData,
  type ContainerQueuedData,
  type ContainerStartedData,
} from '@agentry/contracts';

/**
 * The executor's read model of container phases, from the log only (a rebuild gives the same rows).
 * An end is final: a late start never moves a container back.
 */
const writers: Record<string, EventDataWriter> = {
  [ContainerEventType.ContainerQueued]: (d: ContainerQueuedData, m) =>
    m.query(
      `INSERT INTO executor_containers (container_id, agent_id, org_id, phase, queued_at) VALUES ($1, $2, $3, 'queued', $4)
       ON CONFLICT (container_id) DO NOTHING`,
      [d.containerId, d.agentId, d.orgId, d.queuedAt],
    ),
  [ContainerEventType.ContainerStarted]: (d: ContainerStartedData, m) =>
    m.query(`UPDATE executor_containers SET phase = 'running', started_at = $2, executor_id = $3 WHERE container_id = $1 AND phase = 'queued'`, [
      d.containerId,
      d.startedAt,
      d.executorId ?? null,
    ]),
  [ContainerEventType.ContainerEnded]: (d: ContainerEndedData, m) =>
    m.query(`UPDATE executor_containers SET phase = 'ended', ended_at = $2 WHERE container_id = $1 AND phase <> 'ended'`, [d.containerId, d.endedAt]),
  [ContainerRuntimeEventType.ContainerAbortRequested]: (d: ContainerAbortRequestedData, m) =>
    m.query(`UPDATE executor_containers SET abort_requested = true, abort_soft = $2 WHERE container_id = $1`, [d.containerId, d.soft]),
};

export const executorContainersProjection = projectionOf({
  name: 'executor:containers',
  writers,
  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE executor_containers`);
  },
});
