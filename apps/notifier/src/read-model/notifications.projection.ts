import type { EntityManager } from 'typeorm';
import { foldRows, TableRows, type Projection, type StoredEventOf } from '@agentry/event-store';
import { AgentEventType, ContainerEventType, ContainerRuntimeEventType, type AgentEvent, type ContainerEvent } from '@agentry/contracts';

type NotifierEvent = StoredEventOf<AgentEvent | ContainerEvent>;

interface VersionRow {
  version_id: string;
  agent_id: number;
  agent_name: string;
  notifications: unknown;
}

/** A `notifier_containers` row as folded (bigints read back arrive as text and are written back as they are). */
interface ContainerRow {
  container_id: number;
  agent_id: number;
  org_id: number;
  agent_version_id: string | null;
  launch_type: string;
  queued_at: number | string;
  started_at: number | string | null;
  result_object: string | null;
}

const versions = new TableRows<VersionRow>('notifier_agent_versions', 'version_id', {
  version_id: 'text',
  agent_id: 'integer',
  agent_name: 'text',
  notifications: 'jsonb',
});
const containers = new TableRows<ContainerRow>('notifier_containers', 'container_id', {
  container_id: 'integer',
  agent_id: 'integer',
  org_id: 'integer',
  agent_version_id: 'text',
  launch_type: 'text',
  queued_at: 'bigint',
  started_at: 'bigint',
  result_object: 'text',
});

/**
 * One container event's effect on its row, as the row-at-a-time statements had it: queued inserts (never over
 * a known row), started and result object update a known row only (an unknown container stays unknown).
 */
function foldContainer(row: ContainerRow | undefined, event: NotifierEvent): ContainerRow | undefined {
  switch (event.type) {
    case ContainerEventType.ContainerQueued: {
      const d = event.data;
      return (
        row ?? {
          container_id: d.containerId,
          agent_id: d.agentId,
          org_id: d.orgId,
          agent_version_id: d.agentVersionId,
          launch_type: d.launchType,
          queued_at: d.queuedAt,
          started_at: null,
          result_object: null,
        }
      );
    }
    case ContainerEventType.ContainerStarted:
      return row && { ...row, started_at: event.data.startedAt };
    case ContainerRuntimeEventType.ContainerResultObjectSet:
      return row && { ...row, result_object: event.data.resultObject };
    default:
      return row;
  }
}

/**
 * Set-based: the batch's versions in one insert (the first row of a version id stays), its containers in one
 * SELECT, the fold and one upsert of the rows that changed, instead of one statement per event.
 */
async function applyBatch(events: NotifierEvent[], m: EntityManager): Promise<void> {
  const newVersions = new Map<string, VersionRow>();
  const containerIds = new Set<number>();
  for (const event of events) {
    if (event.type === AgentEventType.AgentVersionSaved) {
      const d = event.data;
      if (!newVersions.has(d.versionId)) {
        newVersions.set(d.versionId, {
          version_id: d.versionId,
          agent_id: d.agentId,
          agent_name: d.settings.name,
          notifications: d.settings.notifications || null,
        });
      }
    } else if ('containerId' in event.data) containerIds.add(event.data.containerId);
  }
  await versions.insertMissing(m, [...newVersions.values()]);
  if (containerIds.size === 0) return;

  const rows = new Map((await containers.select(m, [...containerIds])).map((row) => [row.container_id, row]));
  const changed = foldRows(rows, events, (event) => ('containerId' in event.data ? event.data.containerId : undefined), foldContainer);
  await containers.upsert(m, [...changed.values()]);
}

/**
 * The notifier's own view of the log: each agent version's notification settings (and name), and per
 * container the version it ran, its launch type, start and result object. Rows come from event data
 * only, so a rebuild gives the same rows; ContainerEnded itself arrives over JetStream (consumeEvents).
 * Set-based (applyBatch); a single event is a batch of one, so live and rebuilt rows come from one fold.
 */
export const notificationsProjection: Projection<AgentEvent | ContainerEvent> = {
  name: 'notifier:notifications',
  eventTypes: [
    AgentEventType.AgentVersionSaved,
    ContainerEventType.ContainerQueued,
    ContainerEventType.ContainerStarted,
    ContainerRuntimeEventType.ContainerResultObjectSet,
  ],
  tables: ['notifier_agent_versions', 'notifier_containers'],
  applyBatch,
  batchSize: 5000,
  apply: (event, m) => applyBatch([event], m),
  async reset(m: EntityManager): Promise<void> {
    await m.query(`TRUNCATE notifier_agent_versions, notifier_containers`);
  },
};
