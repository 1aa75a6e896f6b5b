import { validationFailed } from '@agentry/contracts';
import type { CalendarDay, CalendarRule } from './calendar.js';

/**
 * AWS EventBridge cron: `cron(minutes hours day-of-month month day-of-week year)`.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based
 */
export type DayOfMonthItem =
  | { kind: 'day'; day: number }
  /** `L`: the last day of the month. */
  | { kind: 'last' }
  /** `LW`: the last weekday (Mon–Fri) of the month. */
  | { kind: 'lastWeekday' }
  /** `15W`: the weekday nearest to the 15th, within the same month. */
  | { kind: 'nearestWeekday'; day: number };

/** Days of week are EventBridge numbers: 1 = SUN … 7 = SAT. */
export type DayOfWeekItem =
  | { kind: 'dow'; dow: number }
  /** `5L`: the last Thursday of the month (`L` alone: the last day of the week, SAT). */
  | { kind: 'last'; dow: number }
  /** `3#2`: the second Tuesday of the month. */
  | { kind: 'nth'; dow: number; nth: number };

export interface ParsedCron {
  expression: string;
  minutes: number[];
  hours: number[];
  /** null for `?` */
  daysOfMonth: DayOfMonthItem[] | null;
  months: number[];
  /** null for `?` */
  daysOfWeek: DayOfWeekItem[] | null;
  years: number[];
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** Ranges may wrap around the end (FRI-MON, NOV-FEB, 22-2). */
  cyclic: boolean;
}

const FIELD = 'cronExpression';
const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
const MINUTES: FieldSpec = { name: 'minutes', min: 0, max: 59, cyclic: true };
const HOURS: FieldSpec = { name: 'hours', min: 0, max: 23, cyclic: true };
const DAY_OF_MONTH: FieldSpec = { name: 'day-of-month', min: 1, max: 31, cyclic: true };
const MONTH: FieldSpec = { name: 'month', min: 1, max: 12, names: MONTH_NAMES, cyclic: true };
const DAY_OF_WEEK: FieldSpec = { name: 'day-of-week', min: 1, max: 7, names: DAY_NAMES, cyclic: true };
const YEAR: FieldSpec = { name: 'year', min: 1970, max: 2199, cyclic: false };
const SATURDAY = 7;

export const CRON_HINT =
  'must be an EventBridge cron expression "cron(minutes hours day-of-month month day-of-week year)" with ' +
  '"?" in exactly one of day-of-month / day-of-week, e.g. "cron(0 9 ? * MON,WED,FRI *)"';

class CronSyntaxError extends Error {}

/** Parses an EventBridge cron expression; throws VALIDATION_FAILED naming `cronExpression`. */
export function parseEventBridgeCron(expression: string): ParsedCron {
  try {
    return parse(expression);
  } catch (error) {
    if (error instanceof CronSyntaxError) throw validationFailed([{ field: FIELD, message: error.message }]);
    throw error;
  }
}

function parse(expression: string): ParsedCron {
  const match = /^cron\((.*)\)$/.exec(expression.trim());
  if (!match) throw new CronSyntaxError(CRON_HINT);
  const fields = match[1]!.trim().toUpperCase().split(/\s+/);
  if (fields.length !== 6) throw new CronSyntaxError(`has ${fields.length} fields; ${CRON_HINT} (the year field is required)`);
  const [minutes, hours, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) {
    throw new CronSyntaxError(`uses "?" in ${dom === '?' ? 'both' : 'neither'} day fields; ${CRON_HINT}`);
  }
  return {
    expression: expression.trim(),
    minutes: values(minutes, MINUTES),
    hours: values(hours, HOURS),
    daysOfMonth: dom === '?' ? null : dom.split(',').flatMap(dayOfMonthItems),
    months: values(month, MONTH),
    daysOfWeek: dow === '?' ? null : dow.split(',').flatMap(dayOfWeekItems),
    years: values(year, YEAR),
  };
}

function dayOfMonthItems(part: string): DayOfMonthItem[] {
  if (part === 'L') return [{ kind: 'last' }];
  if (part === 'LW') return [{ kind: 'lastWeekday' }];
  const weekday = /^(\d{1,2})W$/.exec(part);
  if (weekday) return [{ kind: 'nearestWeekday', day: number(weekday[1]!, DAY_OF_MONTH) }];
  return values(part, DAY_OF_MONTH).map((day) => ({ kind: 'day', day }));
}

function dayOfWeekItems(part: string): DayOfWeekItem[] {
  if (part === 'L') return [{ kind: 'last', dow: SATURDAY }];
  const last = /^([A-Z0-9]+)L$/.exec(part);
  if (last) return [{ kind: 'last', dow: number(last[1]!, DAY_OF_WEEK) }];
  const nth = /^([A-Z0-9]+)#(\d+)$/.exec(part);
  if (nth) {
    const n = Number(nth[2]);
    if (n < 1 || n > 5) throw invalid(DAY_OF_WEEK, part, 'the occurrence after "#" must be 1-5');
    return [{ kind: 'nth', dow: number(nth[1]!, DAY_OF_WEEK), nth: n }];
  }
  return values(part, DAY_OF_WEEK).map((dow) => ({ kind: 'dow', dow }));
}

/** Every value a numeric field lists (`*`, `a`, `a-b`, steps `/n`, comma lists), ascending. */
function values(field: string, spec: FieldSpec): number[] {
  if (field === '?') throw new CronSyntaxError(`"?" is only allowed in day-of-month or day-of-week; ${CRON_HINT}`);
  const out = new Set<number>();
  for (const part of field.split(',')) for (const v of partValues(part, spec)) out.add(v);
  return [...out].sort((a, b) => a - b);
}

function partValues(part: string, spec: FieldSpec): number[] {
  const [base, stepText, ...extra] = part.split('/');
  if (extra.length > 0 || base === '') throw invalid(spec, part);
  const step = stepText === undefined ? 1 : Number(stepText);
  if (stepText !== undefined && !(/^\d+$/.test(stepText) && step >= 1 && step <= spec.max)) {
    throw invalid(spec, part, `the step after "/" must be 1-${spec.max}`);
  }
  let from: number;
  let to: number;
  if (base === '*') {
    [from, to] = [spec.min, spec.max];
  } else {
    const [fromText, toText, ...more] = base!.split('-');
    if (more.length > 0) throw invalid(spec, part);
    from = number(fromText!, spec);
    // `a/n` runs from a to the end of the field.
    to = toText !== undefined ? number(toText, spec) : stepText !== undefined ? spec.max : from;
  }
  if (from > to && !spec.cyclic) throw invalid(spec, part, 'a range must go from low to high');
  const span = from <= to ? to - from : spec.max - from + 1 + to - spec.min;
  const out: number[] = [];
  for (let offset = 0; offset <= span; offset += step) {
    const v = from + offset;
    out.push(v > spec.max ? v - spec.max - 1 + spec.min : v);
  }
  return out;
}

function number(token: string, spec: FieldSpec): number {
  const byName = spec.names?.indexOf(token) ?? -1;
  if (byName >= 0) return byName + spec.min;
  const n = /^\d+$/.test(token) ? Number(token) : NaN;
  if (!(n >= spec.min && n <= spec.max)) throw invalid(spec, token);
  return n;
}

function invalid(spec: FieldSpec, part: string, detail?: string): CronSyntaxError {
  const allowed = `allowed ${spec.min}-${spec.max}${spec.names ? ` or ${spec.names[0]}-${spec.names.at(-1)}` : ''}`;
  return new CronSyntaxError(`has an invalid ${spec.name} field "${part}" (${detail ?? allowed}); ${CRON_HINT}`);
}

/** The calendar rule of a parsed cron, read in `timeZone`. */
export function cronRule(cron: ParsedCron, timeZone: string): CalendarRule {
  const minutesOfDay = cron.hours.flatMap((h) => cron.minutes.map((m) => h * 60 + m));
  return {
    timeZone,
    minutesOfDay,
    months: new Set(cron.months),
    years: { set: new Set(cron.years), lastYear: cron.years.at(-1)! },
    matchesDay: (day) =>
      (cron.daysOfMonth === null || cron.daysOfMonth.some((item) => dayOfMonthMatches(item, day))) &&
      (cron.daysOfWeek === null || cron.daysOfWeek.some((item) => dayOfWeekMatches(item, day))),
  };
}

function dayOfMonthMatches(item: DayOfMonthItem, d: CalendarDay): boolean {
  switch (item.kind) {
    case 'day':
      return d.day === item.day;
    case 'last':
      return d.day === d.daysInMonth;
    case 'lastWeekday':
      return d.day === nearestWeekday(d, d.daysInMonth);
    case 'nearestWeekday':
      return item.day <= d.daysInMonth && d.day === nearestWeekday(d, item.day);
  }
}

/** The Mon–Fri day of `d`'s month nearest to `target`, never crossing into another month. */
function nearestWeekday(d: CalendarDay, target: number): number {
  const dow = (d.dow + target - d.day + 7 * 6) % 7;
  if (dow === 6) return target === 1 ? target + 2 : target - 1; // Saturday
  if (dow === 0) return target === d.daysInMonth ? target - 2 : target + 1; // Sunday
  return target;
}

function dayOfWeekMatches(item: DayOfWeekItem, d: CalendarDay): boolean {
  if (d.dow + 1 !== item.dow) return false;
  switch (item.kind) {
    case 'dow':
      return true;
    case 'last':
      return d.day + 7 > d.daysInMonth;
    case 'nth':
      return Math.ceil(d.day / 7) === item.nth;
  }
}
