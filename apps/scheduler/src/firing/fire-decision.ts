import { jitterMs, nextFireTime, type ScheduleSpec } from '@agentry/schedules';
import type { MissedRunPolicy } from '@agentry/contracts';

export interface DueSchedule {
  agentId: number;
  spec: ScheduleSpec;
  nextFireAt: number;
  missedPolicy: MissedRunPolicy;
}

export interface FireTiming {
  /** ±window of deterministic jitter around each planned fire. */
  flexWindowMs: number;
  /** Later than this after its (jittered) time, a fire counts as missed. */
  missedGraceMs: number;
}

export type FireDecision =
  | { action: 'wait' }
  /** Launch the fire planned at `plannedAt` (on time, or the one catch-up run of `runOnce`). */
  | { action: 'launch'; plannedAt: number; missed: boolean }
  /** Record `plannedAt` (the latest missed fire) as settled without launching. */
  | { action: 'skip'; plannedAt: number };

/** Bound on the walk to the latest missed fire (a 1-minute rate missed for ~70 days). */
const MAX_WALK = 100_000;

/** The latest planned fire due at or before `now` (a later one whose jitter puts it after `now` is not due yet). */
function latestDue(spec: ScheduleSpec, firstDue: number, now: number, dueAt: (planned: number) => number): number {
  let latest = firstDue;
  for (let i = 0; i < MAX_WALK; i++) {
    const next = nextFireTime(spec, latest);
    if (next === null || dueAt(next) > now) return latest;
    latest = next;
  }
  return latest;
}

/**
 * What the firer does with a schedule at `now`. The next planned fire, on time (within the grace), launches.
 * Missed (after downtime), fires never make a burst: only the latest due one counts. If that one is on time
 * it launches; if it is missed too, the agent's policy chooses between one catch-up launch (`runOnce`) and
 * none (`skip`).
 */
export function decideFire(s: DueSchedule, now: number, timing: FireTiming): FireDecision {
  const dueAt = (planned: number) => planned + jitterMs(s.agentId, planned, timing.flexWindowMs);
  if (dueAt(s.nextFireAt) > now) return { action: 'wait' };
  if (now - dueAt(s.nextFireAt) <= timing.missedGraceMs) return { action: 'launch', plannedAt: s.nextFireAt, missed: false };
  const plannedAt = latestDue(s.spec, s.nextFireAt, now, dueAt);
  const onTime = now - dueAt(plannedAt) <= timing.missedGraceMs;
  if (onTime) return { action: 'launch', plannedAt, missed: false };
  return s.missedPolicy === 'runOnce' ? { action: 'launch', plannedAt, missed: true } : { action: 'skip', plannedAt };
}
