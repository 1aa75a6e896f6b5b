/**
 * The scheduler's own record of what it did, on stream `schedule-<agentId>` (type `schedule`). Only the
 * scheduler writes and reads these; the projection folds them into `scheduler_agents` so a restart or a
 * rebuild knows which planned fires are done.
 */
export const SCHEDULE_STREAM_TYPE = 'schedule';
export const scheduleStreamId = (agentId: number): string => `${SCHEDULE_STREAM_TYPE}-${agentId}`;

export const ScheduleEventType = { ScheduleFired: 'ScheduleFired' } as const;

export interface ScheduleFiredData {
  agentId: number;
  /** The planned fire time (ms) this record settles: launched, or the latest one skipped. */
  plannedAt: number;
  /** The next fire is the first planned one strictly after this instant (plannedAt, or "now" after skipping missed fires). */
  resumeAfter: number;
  /** The launched container; null when nothing was launched (skipped, or the launch was refused). */
  containerId: number | null;
  outcome: 'launched' | 'skipped' | 'refused';
  /** For `refused`: the executor's reason. */
  reason?: string;
  firedAt: number;
}

/** Every event of a `schedule-<agentId>` stream. */
export type ScheduleEvent = { type: typeof ScheduleEventType.ScheduleFired; data: ScheduleFiredData };
