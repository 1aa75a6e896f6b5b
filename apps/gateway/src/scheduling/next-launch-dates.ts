import { nextFireTimes, scheduleSpecOf } from '@agentry/schedules';
import type { AgentView } from '@agentry/contracts';

export const DEFAULT_NEXT_LAUNCH_DATES = 5;
export const MAX_NEXT_LAUNCH_DATES = 50;

/**
 * The agent's next planned launches (Unix ms) after `now`, by the same rules the scheduler fires with:
 * rate schedules count from the current version's save (`anchorMs`). A retired agent or one launched
 * manually / after an agent has none.
 */
export function nextLaunchDates(agent: AgentView, anchorMs: number, now: number, count: number): number[] {
  if (agent.status !== 'active') return [];
  const spec = scheduleSpecOf(agent.settings, anchorMs);
  return spec ? nextFireTimes(spec, now, count) : [];
}
