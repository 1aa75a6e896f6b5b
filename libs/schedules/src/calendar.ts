import { toInstant, toLocal, wallMs } from './time-zone.js';

/** A day of the local calendar; `dow` 0 = Sunday … 6 = Saturday. */
export interface CalendarDay {
  year: number;
  month: number;
  day: number;
  dow: number;
  daysInMonth: number;
}

/**
 * A schedule that fires at given local times of day on matching days: what the v2 API's
 * repeatedLaunchTimes, the agents API's daily times and EventBridge cron all reduce to.
 */
export interface CalendarRule {
  timeZone: string;
  /** Local fire times as minutes after midnight, ascending, no duplicates. */
  minutesOfDay: readonly number[];
  /** Allowed months (1–12); the search skips whole months outside it. */
  months: ReadonlySet<number>;
  /** Allowed years (all of them ≤ `lastYear`); undefined = every year. */
  years?: { set: ReadonlySet<number>; lastYear: number };
  matchesDay(day: CalendarDay): boolean;
}

/** How far a rule without a year list is searched before it is declared never to fire (covers Feb 29 across 2100). */
const SEARCH_YEARS = 9;
const MINUTE = 60_000;

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function dayOfWeek(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/** First fire of `rule` strictly after `afterMs`, or null when it never fires again. */
export function nextCalendarFire(rule: CalendarRule, afterMs: number): number | null {
  if (rule.minutesOfDay.length === 0) return null;
  // Start a day early: near a DST transition a local time of the previous day can still be ahead.
  const start = toLocal(afterMs, rule.timeZone);
  const afterWallMs = wallMs(start);
  const first = new Date(Date.UTC(start.year, start.month - 1, start.day - 1));
  let year = first.getUTCFullYear();
  let month = first.getUTCMonth() + 1;
  let day = first.getUTCDate();
  const lastYear = rule.years ? rule.years.lastYear : start.year + SEARCH_YEARS;

  while (year <= lastYear) {
    if (rule.years && !rule.years.set.has(year)) {
      [year, month, day] = [year + 1, 1, 1];
      continue;
    }
    const monthLength = daysInMonth(year, month);
    if (!rule.months.has(month) || day > monthLength) {
      [year, month, day] = month === 12 ? [year + 1, 1, 1] : [year, month + 1, 1];
      continue;
    }
    const candidate = { year, month, day, dow: dayOfWeek(year, month, day), daysInMonth: monthLength };
    if (rule.matchesDay(candidate)) {
      const fire = firstFireOfDayAfter(rule, candidate, afterMs, afterWallMs);
      if (fire !== null) return fire;
    }
    day += 1;
  }
  return null;
}

/**
 * Local times up to the wall-clock reading of `afterMs` are skipped unconverted: local → instant
 * is non-decreasing (gap → end of gap, overlap → first occurrence), so none of them can be later.
 */
function firstFireOfDayAfter(rule: CalendarRule, d: CalendarDay, afterMs: number, afterWallMs: number): number | null {
  const midnightWallMs = Date.UTC(d.year, d.month - 1, d.day);
  for (const minuteOfDay of rule.minutesOfDay) {
    if (midnightWallMs + minuteOfDay * MINUTE <= afterWallMs) continue;
    const local = { year: d.year, month: d.month, day: d.day, hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60, second: 0 };
    const instant = toInstant(local, rule.timeZone);
    if (instant > afterMs) return instant;
  }
  return null;
}
