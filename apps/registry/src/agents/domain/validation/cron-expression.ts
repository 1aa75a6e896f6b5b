/**
 * Syntax check of an AWS EventBridge Scheduler cron expression:
 * `cron(minutes hours day-of-month month day-of-week year)`. Fire times are the scheduler's job.
 * Rules: https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based
 */

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** Extra single-token forms allowed in this field (`L`, `W`, `#`). */
  special?: (token: string, spec: FieldSpec) => boolean;
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

const dayOfMonthSpecial = (token: string): boolean => {
  if (token === 'L' || token === 'LW') return true;
  const weekday = /^(\d{1,2})W$/.exec(token);
  return weekday !== null && inRange(Number(weekday[1]), 1, 31);
};

const dayOfWeekSpecial = (token: string, spec: FieldSpec): boolean => {
  if (token === 'L') return true;
  const last = /^([A-Z0-9]+)L$/.exec(token);
  if (last) return parseValue(last[1]!, spec) !== null;
  const nth = /^([A-Z0-9]+)#([1-5])$/.exec(token);
  return nth !== null && parseValue(nth[1]!, spec) !== null;
};

const FIELDS: readonly FieldSpec[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31, special: dayOfMonthSpecial },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  { name: 'day-of-week', min: 1, max: 7, names: DAY_NAMES, special: dayOfWeekSpecial },
  { name: 'year', min: 1970, max: 2199 },
];
const DAY_OF_MONTH = 2;
const DAY_OF_WEEK = 4;

export const CRON_HINT =
  'must be an EventBridge cron expression "cron(minutes hours day-of-month month day-of-week year)" with ' +
  '"?" in exactly one of day-of-month / day-of-week, e.g. "cron(0 9 ? * MON,WED,FRI *)"';

/** Answers null when valid, otherwise what is wrong. */
export function cronExpressionProblem(expression: string): string | null {
  const match = /^cron\((.*)\)$/.exec(expression.trim());
  if (!match) return CRON_HINT;
  const fields = match[1]!.trim().split(/\s+/);
  if (fields.length !== FIELDS.length) {
    return `has ${fields.length} fields; ${CRON_HINT} (the year field is required)`;
  }
  for (let i = 0; i < FIELDS.length; i++) {
    const spec = FIELDS[i]!;
    const field = fields[i]!.toUpperCase();
    if (field === '?') {
      if (i !== DAY_OF_MONTH && i !== DAY_OF_WEEK) return `"?" is only allowed in day-of-month or day-of-week; ${CRON_HINT}`;
      continue;
    }
    if (!validField(field, spec)) {
      return `has an invalid ${spec.name} field "${fields[i]}" (allowed ${spec.min}-${spec.max}${spec.names ? ` or ${spec.names[0]}-${spec.names.at(-1)}` : ''}); ${CRON_HINT}`;
    }
  }
  const domUnset = fields[DAY_OF_MONTH] === '?';
  const dowUnset = fields[DAY_OF_WEEK] === '?';
  if (domUnset === dowUnset) return `uses "?" in ${domUnset ? 'both' : 'neither'} day fields; ${CRON_HINT}`;
  return null;
}

/** The fixed values of a cron field that names single numbers (e.g. "30"), or null. */
export function cronFieldNumber(expression: string, index: number): number | null {
  const match = /^cron\((.*)\)$/.exec(expression.trim());
  const field = match?.[1]!.trim().split(/\s+/)[index];
  return field !== undefined && /^\d+$/.test(field) ? Number(field) : null;
}

function validField(field: string, spec: FieldSpec): boolean {
  return field.split(',').every((part) => part !== '' && validPart(part, spec));
}

function validPart(part: string, spec: FieldSpec): boolean {
  if (part === '*') return true;
  if (spec.special?.(part, spec)) return true;
  const [base, step, ...rest] = part.split('/');
  if (rest.length > 0) return false;
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1 && Number(step) <= spec.max)) return false;
  if (base === '*') return step !== undefined;
  const [from, to, ...more] = base!.split('-');
  if (more.length > 0) return false;
  const start = parseValue(from!, spec);
  if (start === null) return false;
  if (to === undefined) return true;
  return parseValue(to, spec) !== null;
}

function parseValue(token: string, spec: FieldSpec): number | null {
  const byName = spec.names?.indexOf(token) ?? -1;
  if (byName >= 0) return byName + spec.min;
  if (!/^\d+$/.test(token)) return null;
  const n = Number(token);
  return inRange(n, spec.min, spec.max) ? n : null;
}

function inRange(n: number, min: number, max: number): boolean {
  return n >= min && n <= max;
}
