import type {
  ContainerEndType,
  ContainerFinalStatus,
  ContainerLaunchType,
  ContainerMessageView,
  ContainerStatus,
  ContainerView,
  MetadataObject,
} from '@agentry/contracts';

/** A row of `output_containers` as pg returns it (bigint columns as strings). */
export interface ContainerRow {
  id: string;
  org_id: number;
  agent_id: number;
  status: ContainerStatus;
  launch_type: ContainerLaunchType;
  launch_number: number;
  agent_version_id: string | null;
  retry_number: number;
  retry_of_container_id: string | null;
  queued_at: string;
  started_at: string | null;
  ended_at: string | null;
  final_status: ContainerFinalStatus | null;
  end_type: ContainerEndType | null;
  end_message: string | null;
  exit_code: number | null;
  launch_failed: boolean;
  progress: number | null;
  progress_label: string | null;
  progress_at: string | null;
  result_object: string | null;
  output_length: string | null;
  user_custom_metadata: MetadataObject | null;
  internal_metadata: MetadataObject | null;
  csv_name: string | null;
  json_name: string | null;
}

export interface MessageRow {
  message_id: string;
  at: string;
  text: string;
  type: string;
  context: string[];
}

const num = (v: string | null): number | null => (v === null ? null : Number(v));

/**
 * The neutral record answered to the gateway. `outputLength` is the sealed length, or what is stored so far
 * (`storedLength`) while the runner may still write.
 */
export function toContainerView(row: ContainerRow, storedLength: number, opts: { withResultObject?: boolean } = {}): ContainerView {
  return {
    id: Number(row.id),
    agentId: row.agent_id,
    orgId: row.org_id,
    status: row.status,
    launchType: row.launch_type,
    launchNumber: row.launch_number,
    agentVersionId: row.agent_version_id,
    retryNumber: row.retry_number,
    retryOfContainerId: num(row.retry_of_container_id),
    queuedAt: Number(row.queued_at),
    startedAt: num(row.started_at),
    endedAt: num(row.ended_at),
    finalStatus: row.final_status,
    endType: row.end_type,
    endMessage: row.end_message,
    exitCode: row.exit_code,
    launchFailed: row.launch_failed,
    progress: row.progress === null ? null : { progress: row.progress, label: row.progress_label, at: Number(row.progress_at) },
    ...(opts.withResultObject ? { resultObject: row.result_object } : {}),
    outputLength: row.output_length === null ? storedLength : Number(row.output_length),
    csvName: row.csv_name ?? null,
    jsonName: row.json_name ?? null,
    userCustomMetadata: row.user_custom_metadata ?? null,
    internalMetadata: row.internal_metadata ?? null,
  };
}

export const toMessageView = (row: MessageRow): ContainerMessageView => ({
  id: Number(row.message_id),
  date: Number(row.at),
  text: row.text,
  type: row.type,
  context: row.context,
});
