import type { EntityManager } from 'typeorm';
import { TableRows, type Projection } from '@agentry/event-store';
import { ContainerEventType, ContainerRuntimeEventType, type ContainerEvent } from '@agentry/contracts';
import { containerIdOf, foldHistory, type ContainerRow, type HistoryEvent, type HistoryState, type MessageRow } from './container-history-fold.js';

const containers = new TableRows<ContainerRow>('output_containers', 'id', {
  id: 'bigint',
  org_id: 'integer',
  agent_id: 'integer',
  status: 'text',
  launch_type: 'text',
  launch_number: 'integer',
  agent_version_id: 'text',
  retry_number: 'integer',
  retry_of_container_id: 'bigint',
  queued_at: 'bigint',
  started_at: 'bigint',
  ended_at: 'bigint',
  final_status: 'text',
  end_type: 'text',
  end_message: 'text',
  exit_code: 'integer',
  launch_failed: 'boolean',
  progress: 'double precision',
  progress_label: 'text',
  progress_at: 'bigint',
  result_object: 'text',
  output_length: 'bigint',
  user_custom_metadata: 'jsonb',
  internal_metadata: 'jsonb',
  csv_name: 'text',
  json_name: 'text',
});
const messages = new TableRows<MessageRow>('output_messages', 'container_id', {
  container_id: 'bigint',
  message_number: 'integer',
  message_id: 'bigint',
  at: 'bigint',
  text: 'text',
  type: 'text',
  context: 'jsonb',
});
const launchCounters = new TableRows<{ agent_id: number; launches: number }>('output_launch_counters', 'agent_id', {
  agent_id: 'integer',
  launches: 'integer',
});

/** The rows, counters and archive marks a batch's fold starts from: three SELECTs. */
async function loadState(events: HistoryEvent[], m: EntityManager): Promise<HistoryState> {
  const ids = [...new Set(events.map(containerIdOf))];
  const queued = events.flatMap((e) => (e.type === ContainerEventType.ContainerQueued ? [e.data] : []));
  const rows = await containers.select(m, ids);
  const counters = await launchCounters.select(m, [...new Set(queued.map((d) => d.agentId))]);
  const archived: { id: string }[] = queued.length
    ? await m.query(`SELECT container_id::text AS id FROM output_archived_containers WHERE container_id = ANY ($1::bigint[])`, [
        queued.map((d) => d.containerId),
      ])
    : [];
  return {
    containers: new Map(rows.map((row) => [Number(row.id), row])),
    launches: new Map(counters.map((c) => [c.agent_id, c.launches])),
    archived: new Set(archived.map((a) => Number(a.id))),
  };
}

/**
 * Set-based: folds the batch into the final state of each container, counter and message it touches, then
 * writes each table once (jsonb_to_recordset upserts) instead of one to three statements per event.
 */
async function applyBatch(events: HistoryEvent[], m: EntityManager): Promise<void> {
  const changes = foldHistory(await loadState(events, m), events);
  await containers.upsert(m, [...changes.containers.values()]);
  await launchCounters.upsert(
    m,
    [...changes.launches].map(([agent_id, launches]) => ({ agent_id, launches })),
  );
  // The first message of a number wins: one already stored stays.
  await messages.insertMissing(m, changes.messages, 'container_id, message_number');
}

/**
 * Container history (`output_containers`, `output_messages`) from the executor's container events. Only
 * event data is used (never the clock), and an ended container stays ended, so replays give identical rows.
 * Containers removed by the archive job are not brought back: updates find no row, inserts skip them.
 * Set-based (applyBatch); a single event is a batch of one, so live and rebuilt rows come from one fold.
 */
export const containersProjection: Projection<ContainerEvent> = {
  name: 'output:containers',
  eventTypes: [
    ContainerEventType.ContainerQueued,
    ContainerEventType.ContainerStarted,
    ContainerEventType.ContainerEnded,
    ContainerRuntimeEventType.ContainerProgressed,
    ContainerRuntimeEventType.ContainerMessageAdded,
    ContainerRuntimeEventType.ContainerResultObjectSet,
    ContainerRuntimeEventType.ContainerOutputSealed,
    ContainerRuntimeEventType.ContainerResultFileSaved,
  ],
  tables: ['output_containers', 'output_messages', 'output_launch_counters'],
  // The archive job removes containers from the live tables: one archived while a rebuild filled its copies
  // may be in them (inserted before it was archived), and must not come back when they go live.
  async onSwitch(manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM output_messages m USING output_archived_containers a WHERE m.container_id = a.container_id`);
    await manager.query(`DELETE FROM output_containers c USING output_archived_containers a WHERE c.id = a.container_id`);
  },

  applyBatch,
  batchSize: 5000,
  apply: (event, manager) => applyBatch([event], manager),

  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE output_containers, output_messages, output_launch_counters`);
  },
};
