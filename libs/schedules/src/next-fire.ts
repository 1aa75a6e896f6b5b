import type { RepeatedLaunchTimes } from '@agentry/contracts';
import { nextCalendarFire, type CalendarRule } from './calendar.js';
import { cronRule, parseEventBridgeCron } from './cron.js';
import { MONTH_NUMBER, WEEK_DAY_INDEX, type ScheduleSpec } from './spec.js';

const MINUTE = 60_000;
const UTC = 'UTC';
const ALL_MONTHS = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

/** First fire time strictly after `afterMs`, or null when none (ONCE passed, cron year range over). */
export function nextFireTime(spec: ScheduleSpec, afterMs: number): number | null {
  switch (spec.kind) {
    case 'once':
      return spec.at > afterMs ? spec.at : null;
    case 'rate': {
      const period = spec.rateMinutes * MINUTE;
      const periods = Math.floor((afterMs - spec.anchor) / period) + 1;
      return spec.anchor + Math.max(periods, 1) * period;
    }
    default:
      return nextCalendarFire(cachedRuleOf(spec), afterMs);
  }
}

/** The next `count` fire times after `afterMs` (fewer when the schedule ends). */
export function nextFireTimes(spec: ScheduleSpec, afterMs: number, count: number): number[] {
  const out: number[] = [];
  let cursor = afterMs;
  while (out.length < count) {
    const next = nextFireTime(spec, cursor);
    if (next === null) break;
    out.push(next);
    cursor = next;
  }
  return out;
}

/** Rules are pure functions of their spec: built once per spec object (and once per cron text + zone). */
const rulesBySpec = new WeakMap<object, CalendarRule>();
const cronRules = new Map<string, CalendarRule>();
const CRON_CACHE_LIMIT = 10_000;

function cachedRuleOf(spec: CalendarSpec): CalendarRule {
  let rule = rulesBySpec.get(spec);
  if (!rule) {
    rule = spec.kind === 'cron' ? cachedCronRule(spec.expression, spec.timezone ?? UTC) : calendarRuleOf(spec);
    rulesBySpec.set(spec, rule);
  }
  return rule;
}

function cachedCronRule(expression: string, timeZone: string): CalendarRule {
  const key = `${timeZone} ${expression}`;
  let rule = cronRules.get(key);
  if (!rule) {
    rule = cronRule(parseEventBridgeCron(expression), timeZone);
    if (cronRules.size >= CRON_CACHE_LIMIT) cronRules.clear();
    cronRules.set(key, rule);
  }
  return rule;
}

type CalendarSpec = Extract<ScheduleSpec, { kind: 'repeated' | 'daily' | 'cron' }>;

function calendarRuleOf(spec: Exclude<CalendarSpec, { kind: 'cron' }>): CalendarRule {
  switch (spec.kind) {
    case 'daily':
      return {
        timeZone: spec.timezone ?? UTC,
        minutesOfDay: ascendingUnique(spec.times.map((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5)))),
        months: ALL_MONTHS,
        matchesDay: () => true,
      };
    case 'repeated':
      return repeatedRule(spec.times);
  }
}

/** The v2 API: the launch happens at every combination of the listed values (day AND dow AND month). */
function repeatedRule(times: RepeatedLaunchTimes): CalendarRule {
  const days = new Set(times.day);
  const dows = new Set(times.dow.map((d) => WEEK_DAY_INDEX[d]));
  return {
    timeZone: times.timezone || UTC,
    minutesOfDay: ascendingUnique(times.hour.flatMap((h) => times.minute.map((m) => h * 60 + m))),
    months: new Set(times.month.map((m) => MONTH_NUMBER[m]!)),
    matchesDay: (d) => days.has(d.day) && dows.has(d.dow),
  };
}

function ascendingUnique(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}
