import { LaunchType, MONTHS, WEEK_DAYS, type AgentSchedule, type AgentSettings, type RepeatedLaunchTimes } from '@agentry/contracts';
import { toInstant } from './time-zone.js';

/** What an agent's settings ask the scheduler to do, in one of five forms. */
export type ScheduleSpec =
  /** The v2 API `repeatedLaunchTimes` (presets already expanded by the registry): every combination fires. */
  | { kind: 'repeated'; times: RepeatedLaunchTimes }
  /** The agents API daily `times` ("HH:mm", UTC unless `timezone`); every time fires. */
  | { kind: 'daily'; times: string[]; timezone?: string }
  /** Every `rateMinutes` minutes from `anchor` (ms). */
  | { kind: 'rate'; rateMinutes: number; anchor: number }
  /** EventBridge `cron(min hour dom month dow year)`, UTC unless `timezone`. */
  | { kind: 'cron'; expression: string; timezone?: string }
  /** A single launch at `at` (ms). */
  | { kind: 'once'; at: number };

const UTC = 'UTC';
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * The schedule an agent's (registry-validated) settings describe, or null when nothing fires
 * on a clock (manual, after agent, the agents API `times: []`). The launch type decides: `repeatedly`
 * and `once` use the agents API's `schedule` when the agent has one, else `repeatedLaunchTimes` /
 * `launchOnceAt`. `anchorMs` is where a rate schedule counts from (e.g. when it was saved).
 */
export function scheduleSpecOf(settings: AgentSettings, anchorMs: number): ScheduleSpec | null {
  const { launchType, schedule } = settings;
  if (launchType !== LaunchType.repeatedly && launchType !== LaunchType.once) return null;
  if (schedule) return specOfAgentsApiSchedule(schedule, anchorMs);
  if (launchType === LaunchType.once) return settings.launchOnceAt === null ? null : { kind: 'once', at: settings.launchOnceAt };
  return settings.repeatedLaunchTimes ? { kind: 'repeated', times: settings.repeatedLaunchTimes } : null;
}

function specOfAgentsApiSchedule(schedule: AgentSchedule, anchorMs: number): ScheduleSpec | null {
  const zone = schedule.timezone === undefined ? {} : { timezone: schedule.timezone };
  switch (schedule.kind) {
    case 'manual':
      return null;
    case 'daily':
      return { kind: 'daily', times: schedule.times, ...zone };
    case 'rate':
      return { kind: 'rate', rateMinutes: schedule.rateMinutes, anchor: anchorMs };
    case 'cron':
      return { kind: 'cron', expression: schedule.cronExpression, ...zone };
    case 'once':
      return { kind: 'once', at: localDateTimeToInstant(schedule.at, schedule.timezone ?? UTC) };
  }
}

/** The agents API's `at` ("2026-06-15T14:30", no zone) read in `timeZone`. */
export function localDateTimeToInstant(at: string, timeZone: string): number {
  const m = LOCAL_DATE_TIME.exec(at);
  if (!m) throw new Error(`not a local date-time: ${at}`);
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  return toInstant({ year, month, day, hour, minute, second }, timeZone);
}

export const WEEK_DAY_INDEX: Record<string, number> = Object.fromEntries(
  WEEK_DAYS.map((name, i) => [name, (i + 1) % 7]), // mon = 1 … sun = 0, as Date#getUTCDay
);
export const MONTH_NUMBER: Record<string, number> = Object.fromEntries(MONTHS.map((name, i) => [name, i + 1]));
