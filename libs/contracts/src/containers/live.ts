/**
 * Live fan-out on core NATS, one subject per container (`live.container.<id>`): at-most-once,
 * for watchers only. The durable copy of console bytes goes through JetStream stream
 * `OUTPUT` (subjects `console.<containerId>`) to the output service, keyed by byte offset.
 * (Not `output.…`: the output service's request subjects, `Subjects.output.*`, live there and a
 * stream capturing them would answer every request with a PubAck.)
 */
export const liveContainerSubject = (containerId: number | string): string => `live.container.${containerId}`;
export const OUTPUT_STREAM = 'OUTPUT';
export const OUTPUT_STREAM_SUBJECTS = 'console.>';
export const outputSubject = (containerId: number | string): string => `console.${containerId}`;
/** JetStream work queue of launches shared by executor replicas. */
export const LAUNCH_STREAM = 'LAUNCHES';
export const launchSubject = (agentId: number | string): string => `launches.${agentId}`;

export type LiveMessage =
  /** `data` is base64 of the raw bytes starting at byte `offset` of the container's output. */
  | { type: 'output'; containerId: number; offset: number; data: string }
  | { type: 'status'; containerId: number; status: 'queued' | 'running' | 'ended'; exitCode?: number | null; endMessage?: string }
  | { type: 'progress'; containerId: number; progress: number; label: string | null }
  | { type: 'message'; containerId: number; id: number; text: string; messageType: string }
  | { type: 'result'; containerId: number; resultObject: string };

/** A durable output chunk on stream OUTPUT (same shape as the live `output` message). */
export interface OutputChunk {
  containerId: number;
  agentId: number;
  orgId: number;
  offset: number;
  /** base64 of the bytes. */
  data: string;
}
