import type { StoredEventOf } from '@agentry/event-store';
import { ContainerEventType, ContainerRuntimeEventType, type ContainerEvent, type MetadataObject } from '@agentry/contracts';

/** The container events the history is folded from. */
export type HistoryEvent = StoredEventOf<ContainerEvent>;

/** An `output_containers` row as folded (bigints may be text when read back: they are written back as they are). */
export interface ContainerRow {
  id: number | string;
  org_id: number;
  agent_id: number;
  status: string;
  launch_type: string;
  launch_number: number;
  agent_version_id: string | null;
  retry_number: number;
  retry_of_container_id: number | string | null;
  queued_at: number | string;
  started_at: number | string | null;
  ended_at: number | string | null;
  final_status: string | null;
  end_type: string | null;
  end_message: string | null;
  exit_code: number | null;
  launch_failed: boolean;
  progress: number | null;
  progress_label: string | null;
  progress_at: number | string | null;
  result_object: string | null;
  output_length: number | string | null;
  user_custom_metadata: MetadataObject | null;
  internal_metadata: MetadataObject | null;
  /** The result files the run stored (ContainerResultFileSaved), by name without extension. */
  csv_name: string | null;
  json_name: string | null;
}

export interface MessageRow {
  container_id: number;
  message_number: number;
  message_id: string;
  at: number;
  text: string;
  type: string;
  context: unknown;
}

/** What a batch starts from: the rows of its containers, their agents' launch counters, which of them are archived. */
export interface HistoryState {
  containers: Map<number, ContainerRow>;
  launches: Map<number, number>;
  archived: Set<number>;
}

/** What a batch writes: every container row it changed (final state), counters it moved, messages it added. */
export interface HistoryChanges {
  containers: Map<number, ContainerRow>;
  launches: Map<number, number>;
  messages: MessageRow[];
}

export const containerIdOf = (event: HistoryEvent): number => event.data.containerId;

/**
 * Folds a batch of container events into the rows they change, exactly as the row-at-a-time statements had
 * it: a queued container is counted (even when archived) and inserted unless already known or archived;
 * updates find only known rows; an end is final (a late start never moves it back); a message is added
 * once per number, and only for a known container. Event data only, so a rebuild gives the same rows.
 */
export function foldHistory(state: HistoryState, events: HistoryEvent[]): HistoryChanges {
  const changes: HistoryChanges = { containers: new Map(), launches: new Map(), messages: [] };
  const messageKeys = new Set<string>();
  const current = (id: number) => changes.containers.get(id) ?? state.containers.get(id);
  const update = (id: number, patch: (row: ContainerRow) => Partial<ContainerRow> | null) => {
    const row = current(id);
    const changed = row && patch(row);
    if (row && changed) changes.containers.set(id, { ...row, ...changed });
  };
  for (const event of events) {
    switch (event.type) {
      case ContainerEventType.ContainerQueued: {
        const d = event.data;
        if (current(d.containerId)) break;
        // Counted even for an archived container, so numbers are the same live and after a rebuild.
        const launches = (changes.launches.get(d.agentId) ?? state.launches.get(d.agentId) ?? 0) + 1;
        changes.launches.set(d.agentId, launches);
        if (state.archived.has(d.containerId)) break;
        changes.containers.set(d.containerId, {
          id: d.containerId,
          org_id: d.orgId,
          agent_id: d.agentId,
          status: 'queued',
          launch_type: d.launchType,
          launch_number: launches,
          agent_version_id: d.agentVersionId,
          retry_number: d.retryNumber ?? 0,
          retry_of_container_id: d.retryOfContainerId ?? null,
          queued_at: d.queuedAt,
          started_at: null,
          ended_at: null,
          final_status: null,
          end_type: null,
          end_message: null,
          exit_code: null,
          launch_failed: false,
          progress: null,
          progress_label: null,
          progress_at: null,
          result_object: null,
          output_length: null,
          user_custom_metadata: d.userCustomMetadata ?? null,
          internal_metadata: d.internalMetadata ?? null,
          csv_name: null,
          json_name: null,
        });
        break;
      }
      case ContainerEventType.ContainerStarted: {
        const d = event.data;
        update(d.containerId, (row) => (row.status === 'queued' ? { status: 'running', started_at: d.startedAt } : null));
        break;
      }
      case ContainerEventType.ContainerEnded: {
        const d = event.data;
        update(d.containerId, (row) =>
          row.status === 'ended'
            ? null
            : {
                status: 'ended',
                ended_at: d.endedAt,
                final_status: d.status,
                end_type: d.endType,
                end_message: d.endMessage,
                exit_code: d.exitCode,
                launch_failed: d.launchFailed === true,
              },
        );
        break;
      }
      case ContainerRuntimeEventType.ContainerProgressed: {
        const d = event.data;
        update(d.containerId, () => ({ progress: d.progress, progress_label: d.label, progress_at: d.at }));
        break;
      }
      case ContainerRuntimeEventType.ContainerResultObjectSet: {
        const d = event.data;
        update(d.containerId, () => ({ result_object: d.resultObject }));
        break;
      }
      case ContainerRuntimeEventType.ContainerResultFileSaved: {
        const d = event.data;
        update(d.containerId, () => (d.format === 'csv' ? { csv_name: d.name } : { json_name: d.name }));
        break;
      }
      case ContainerRuntimeEventType.ContainerOutputSealed: {
        const d = event.data;
        update(d.containerId, () => ({ output_length: d.outputLength }));
        break;
      }
      case ContainerRuntimeEventType.ContainerMessageAdded: {
        const d = event.data;
        const key = `${d.containerId}:${d.messageNumber}`;
        // The first of a number wins (ON CONFLICT DO NOTHING against the table takes care of earlier batches).
        if (!current(d.containerId) || messageKeys.has(key)) break;
        messageKeys.add(key);
        changes.messages.push({
          container_id: d.containerId,
          message_number: d.messageNumber,
          message_id: event.globalPosition,
          at: d.at,
          text: d.text,
          type: d.type,
          context: d.context ?? [],
        });
        break;
      }
    }
  }
  return changes;
}
