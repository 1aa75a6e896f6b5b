import { nextFireTime, scheduleSpecOf, type ScheduleSpec } from '@agentry/schedules';
import type { AgentSettings, ContainerLaunchType, MissedRunPolicy } from '@agentry/contracts';

/** The agent's missed-run policy (see docs/api/scheduling.md "Missed runs"); versions saved before the setting existed skip. */
export const missedPolicyOf = (settings: AgentSettings): MissedRunPolicy => settings.missedRunPolicy ?? 'skip';

export const launchTypeOf = (spec: ScheduleSpec): ContainerLaunchType => (spec.kind === 'once' ? 'scheduled once' : 'scheduled repeatedly');

/** The next planned fire of an active schedule, strictly after `resumeAfter`; null when there is none. */
export function nextPlannedFire(spec: ScheduleSpec | null, active: boolean, resumeAfter: number): number | null {
  if (!spec || !active) return null;
  return nextFireTime(spec, resumeAfter);
}

export { scheduleSpecOf, type ScheduleSpec };
