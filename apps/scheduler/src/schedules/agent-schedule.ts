import { nextFireTime, scheduleSpecOf, type ScheduleSpec } from '@agentry/schedules';
import type { AgentSettings, ContainerLaunchType } from '@agentry/contracts';

/** What to do with fires planned while no scheduler ran (see docs/api/scheduling.md "Missed runs"). */
export type MissedRunPolicy = 'skip' | 'runOnce';

/**
 * Per-agent missed-run policy. AgentSettings has no field for it yet, so it is read from
 * `internalMetadata.missedRunPolicy` ("runOnce"); anything else is the default `skip`.
 */
export function missedPolicyOf(settings: AgentSettings): MissedRunPolicy {
  return settings.internalMetadata?.['missedRunPolicy'] === 'runOnce' ? 'runOnce' : 'skip';
}

export const launchTypeOf = (spec: ScheduleSpec): ContainerLaunchType => (spec.kind === 'once' ? 'scheduled once' : 'scheduled repeatedly');

/** The next planned fire of an active schedule, strictly after `resumeAfter`; null when there is none. */
export function nextPlannedFire(spec: ScheduleSpec | null, active: boolean, resumeAfter: number): number | null {
  if (!spec || !active) return null;
  return nextFireTime(spec, resumeAfter);
}

export { scheduleSpecOf, type ScheduleSpec };
