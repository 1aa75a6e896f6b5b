import type { EntityManager } from 'typeorm';
import type { Projection, StoredEvent } from '@agentry/event-store';
import {
  ContainerEventType,
  ContainerRuntimeEventType,
  type ContainerEndedData,
  type ContainerMessageAddedData,
  type ContainerOutputSealedData,
  type ContainerProgressedData,
  type ContainerQueuedData,
  type ContainerResultObjectSetData,
  type ContainerStartedData,
} from '@agentry/contracts';

async function containerQueued(d: ContainerQueuedData, manager: EntityManager): Promise<void> {
  const [known] = await manager.query(`SELECT 1 FROM output_containers WHERE id = $1`, [d.containerId]);
  if (known) return;
  // Counted even for an archived container, so numbers are the same live and after a rebuild.
  const [{ launches }]: { launches: number }[] = await manager.query(
    `INSERT INTO output_launch_counters AS c (agent_id, launches) VALUES ($1, 1)
     ON CONFLICT (agent_id) DO UPDATE SET launches = c.launches + 1
     RETURNING launches`,
    [d.agentId],
  );
  await manager.query(
    `INSERT INTO output_containers (id, org_id, agent_id, status, launch_type, launch_number, agent_version_id,
       retry_number, retry_of_container_id, queued_at)
     SELECT $1, $2, $3, 'queued', $4, $5, $6, $7, $8, $9
      WHERE NOT EXISTS (SELECT 1 FROM output_archived_containers WHERE container_id = $1)`,
    [d.containerId, d.orgId, d.agentId, d.launchType, launches, d.agentVersionId, d.retryNumber ?? 0, d.retryOfContainerId ?? null, d.queuedAt],
  );
}

/**
 * Container history (`output_containers`, `output_messages`) from the executor's container events. Only
 * event data is used (never the clock), and an ended container stays ended, so replays give identical rows.
 * Containers removed by the archive job are not brought back: updates find no row, inserts skip them.
 */
export const containersProjection: Projection = {
  name: 'output:containers',
  eventTypes: [
    ContainerEventType.ContainerQueued,
    ContainerEventType.ContainerStarted,
    ContainerEventType.ContainerEnded,
    ContainerRuntimeEventType.ContainerProgressed,
    ContainerRuntimeEventType.ContainerMessageAdded,
    ContainerRuntimeEventType.ContainerResultObjectSet,
    ContainerRuntimeEventType.ContainerOutputSealed,
  ],

  async apply(event: StoredEvent, manager: EntityManager): Promise<void> {
    switch (event.type) {
      case ContainerEventType.ContainerQueued:
        return containerQueued(event.data as ContainerQueuedData, manager);
      case ContainerEventType.ContainerStarted: {
        const d = event.data as ContainerStartedData;
        await manager.query(`UPDATE output_containers SET status = 'running', started_at = $2 WHERE id = $1 AND status = 'queued'`, [
          d.containerId,
          d.startedAt,
        ]);
        return;
      }
      case ContainerEventType.ContainerEnded: {
        const d = event.data as ContainerEndedData;
        await manager.query(
          `UPDATE output_containers SET status = 'ended', ended_at = $2, final_status = $3, end_type = $4, end_message = $5, exit_code = $6,
             launch_failed = $7
            WHERE id = $1 AND status <> 'ended'`,
          [d.containerId, d.endedAt, d.status, d.endType, d.endMessage, d.exitCode, d.launchFailed === true],
        );
        return;
      }
      case ContainerRuntimeEventType.ContainerProgressed: {
        const d = event.data as ContainerProgressedData;
        await manager.query(`UPDATE output_containers SET progress = $2, progress_label = $3, progress_at = $4 WHERE id = $1`, [
          d.containerId,
          d.progress,
          d.label,
          d.at,
        ]);
        return;
      }
      case ContainerRuntimeEventType.ContainerMessageAdded: {
        const d = event.data as ContainerMessageAddedData;
        await manager.query(
          `INSERT INTO output_messages (container_id, message_number, message_id, at, text, type, context)
           SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (SELECT 1 FROM output_containers WHERE id = $1)
           ON CONFLICT (container_id, message_number) DO NOTHING`,
          [d.containerId, d.messageNumber, event.globalPosition, d.at, d.text, d.type, JSON.stringify(d.context ?? [])],
        );
        return;
      }
      case ContainerRuntimeEventType.ContainerResultObjectSet: {
        const d = event.data as ContainerResultObjectSetData;
        await manager.query(`UPDATE output_containers SET result_object = $2 WHERE id = $1`, [d.containerId, d.resultObject]);
        return;
      }
      case ContainerRuntimeEventType.ContainerOutputSealed: {
        const d = event.data as ContainerOutputSealedData;
        await manager.query(`UPDATE output_containers SET output_length = $2 WHERE id = $1`, [d.containerId, d.outputLength]);
        return;
      }
    }
  },

  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE output_containers, output_messages, output_launch_counters`);
  },
};
