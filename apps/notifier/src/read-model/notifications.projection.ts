import type { EntityManager } from 'typeorm';
import type { Projection, StoredEventOf } from '@agentry/event-store';
import { AgentEventType, ContainerEventType, ContainerRuntimeEventType, type AgentEvent, type ContainerEvent } from '@agentry/contracts';

const TABLES = ['notifier_agent_versions', 'notifier_containers'];

/**
 * The notifier's own view of the log: each agent version's notification settings (and name), and per
 * container the version it ran, its launch type, start and result object. Rows come from event data
 * only, so a rebuild gives the same rows; ContainerEnded itself arrives over JetStream (consumeEvents).
 */
async function apply(event: StoredEventOf<AgentEvent | ContainerEvent>, m: EntityManager): Promise<void> {
  switch (event.type) {
    case AgentEventType.AgentVersionSaved: {
      const d = event.data;
      await m.query(
        `INSERT INTO notifier_agent_versions (version_id, agent_id, agent_name, notifications) VALUES ($1, $2, $3, $4)
         ON CONFLICT (version_id) DO NOTHING`,
        [d.versionId, d.agentId, d.settings.name, d.settings.notifications ? JSON.stringify(d.settings.notifications) : null],
      );
      return;
    }
    case ContainerEventType.ContainerQueued: {
      const d = event.data;
      await m.query(
        `INSERT INTO notifier_containers (container_id, agent_id, org_id, agent_version_id, launch_type, queued_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (container_id) DO NOTHING`,
        [d.containerId, d.agentId, d.orgId, d.agentVersionId, d.launchType, d.queuedAt],
      );
      return;
    }
    case ContainerEventType.ContainerStarted: {
      const d = event.data;
      await m.query(`UPDATE notifier_containers SET started_at = $2 WHERE container_id = $1`, [d.containerId, d.startedAt]);
      return;
    }
    case ContainerRuntimeEventType.ContainerResultObjectSet: {
      const d = event.data;
      await m.query(`UPDATE notifier_containers SET result_object = $2 WHERE container_id = $1`, [d.containerId, d.resultObject]);
      return;
    }
  }
}

export const notificationsProjection: Projection<AgentEvent | ContainerEvent> = {
  name: 'notifier:notifications',
  eventTypes: [
    AgentEventType.AgentVersionSaved,
    ContainerEventType.ContainerQueued,
    ContainerEventType.ContainerStarted,
    ContainerRuntimeEventType.ContainerResultObjectSet,
  ],
  tables: TABLES,
  apply,
  async reset(m: EntityManager): Promise<void> {
    await m.query(`TRUNCATE ${TABLES.join(', ')}`);
  },
};
