import type { AgentOutputResult, ContainerStatus } from '@agentry/contracts';

type V1Status = AgentOutputResult['agentStatus'];

/** The v1 API: `running` when an instance runs, else `queued` when one waits, else `not running`. */
export const agentStatusOf = (counts: { running: number; queued: number }): V1Status =>
  counts.running > 0 ? 'running' : counts.queued > 0 ? 'queued' : 'not running';

export const containerStatusOf = (status: ContainerStatus): V1Status => (status === 'ended' ? 'not running' : status);

/** Seconds the container has run (until its end, or `now` while it runs); 0 before it starts. */
export function runtimeSeconds(times: { startedAt: number | null; endedAt: number | null }, now: number): number {
  if (times.startedAt === null) return 0;
  return Math.max(0, Math.floor(((times.endedAt ?? now) - times.startedAt) / 1000));
}

export interface OutputCursor {
  fromOutputPos: number;
  /** -1: no messages. */
  fromMessageId: number;
}

/**
 * The v1 API "most recent" mode: the client sends the container id it last saw with its positions. When the
 * most recent instance is another one, those positions belong to the old instance: start the new one from
 * its beginning (all its output, and all its messages unless the client asked for none).
 */
export function cursorFor(selectedContainerId: number, clientContainerId: number, cursor: OutputCursor): OutputCursor {
  if (selectedContainerId === clientContainerId) return cursor;
  return { fromOutputPos: 0, fromMessageId: cursor.fromMessageId === -1 ? -1 : 0 };
}
