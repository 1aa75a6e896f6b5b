import { isTimeZone } from 'class-validator';
import type { AgentSchedule } from '@agentry/contracts';
import { ABSENT, checkNumber, isPlainObject, parseJson, type Maybe, type Reporter } from './field-reader.js';
import { CRON_HINT, cronExpressionProblem, cronFieldNumber } from './cron-expression.js';

const FIELD = 'schedule';
const KNOWN_KEYS = new Set(['mode', 'times', 'tasksPerDay', 'rateMinutes', 'cronExpression', 'at', 'timezone']);
const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;
/** The agents API: ISO-8601 date-time without a timezone (treated as UTC, or as `timezone`). */
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const MIN_GAP_MINUTES = 5;
const MINUTES_PER_DAY = 24 * 60;

const FORMS_HINT = 'give exactly one of "times" (HH:mm list, [] for manual), "rateMinutes" or "cronExpression" with mode "SCHEDULED", or mode "ONCE" with "at"';

/**
 * The agents API's schedule object (or its JSON text), normalised to one `AgentSchedule` form.
 * Problems are reported as `schedule.<key>`.
 */
export function parseSchedule(r: Reporter, value: unknown): Maybe<AgentSchedule> {
  const input = typeof value === 'string' ? parseJson(value) : value;
  if (!isPlainObject(input)) return r.fail(FIELD, `must be a schedule object (or its JSON text); ${FORMS_HINT}`);

  const unknown = Object.keys(input).filter((k) => !KNOWN_KEYS.has(k));
  if (unknown.length) {
    unknown.forEach((k) => r.fail(`${FIELD}.${k}`, `is not a schedule field; allowed: ${[...KNOWN_KEYS].join(', ')}`));
    return ABSENT;
  }

  const timezone = parseTimezone(r, input.timezone);
  if (timezone === ABSENT) return ABSENT;
  const tz = timezone === undefined ? {} : { timezone };

  const mode = input.mode ?? 'SCHEDULED';
  if (mode === 'ONCE') return parseOnce(r, input, tz);
  if (mode !== 'SCHEDULED') return r.fail(`${FIELD}.mode`, 'must be "SCHEDULED" or "ONCE"');

  const forms = (['times', 'rateMinutes', 'cronExpression'] as const).filter((k) => input[k] !== undefined);
  if (forms.length !== 1) return r.fail(FIELD, forms.length ? `sets ${forms.join(' and ')}: ${FORMS_HINT}` : FORMS_HINT);
  if (input.tasksPerDay !== undefined && forms[0] !== 'times') {
    return r.fail(`${FIELD}.tasksPerDay`, 'only goes with "times" (daily schedule)');
  }

  switch (forms[0]) {
    case 'times':
      return parseDaily(r, input, tz);
    case 'rateMinutes': {
      const rate = checkNumber(r, `${FIELD}.rateMinutes`, input.rateMinutes, { min: 1, max: 1440, integer: true, what: 'an integer number of minutes' });
      return rate === ABSENT ? ABSENT : { kind: 'rate', mode: 'SCHEDULED', rateMinutes: rate, ...tz };
    }
    default: {
      const cron = parseCron(r, input.cronExpression);
      return cron === ABSENT ? ABSENT : { kind: 'cron', mode: 'SCHEDULED', cronExpression: cron, ...tz };
    }
  }
}

function parseTimezone(r: Reporter, value: unknown): Maybe<string | undefined> {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !isTimeZone(value)) {
    return r.fail(`${FIELD}.timezone`, 'must be an IANA time zone name such as "UTC" or "Europe/Paris"');
  }
  return value;
}

function parseDaily(r: Reporter, input: Record<string, unknown>, tz: { timezone?: string }): Maybe<AgentSchedule> {
  const times = input.times;
  if (!Array.isArray(times) || times.some((t) => typeof t !== 'string' || !HH_MM.test(t))) {
    return r.fail(`${FIELD}.times`, 'must be an array of UTC times "HH:mm" (e.g. ["09:00", "17:00"]), or [] for manual runs only');
  }
  if (times.length === 0) {
    if (input.tasksPerDay !== undefined) return r.fail(`${FIELD}.tasksPerDay`, 'must be left out when "times" is [] (manual)');
    return { kind: 'manual', mode: 'SCHEDULED', times: [], ...tz };
  }
  const tasksPerDay = input.tasksPerDay ?? times.length;
  const count = checkNumber(r, `${FIELD}.tasksPerDay`, tasksPerDay, { min: 1, max: 24, integer: true });
  if (count === ABSENT) return ABSENT;
  if (count !== times.length) {
    return r.fail(`${FIELD}.tasksPerDay`, `is ${count} but "times" lists ${times.length} time(s); give one time per task`);
  }
  const gap = smallestGapMinutes(times as string[]);
  if (gap < MIN_GAP_MINUTES) {
    return r.fail(`${FIELD}.times`, `entries must be at least ${MIN_GAP_MINUTES} minutes apart (two are ${gap} minute(s) apart)`);
  }
  return { kind: 'daily', mode: 'SCHEDULED', times: times as string[], tasksPerDay: count, ...tz };
}

/** Smallest distance between two daily times, across midnight too. */
function smallestGapMinutes(times: string[]): number {
  const minutes = times.map((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3))).sort((a, b) => a - b);
  if (minutes.length < 2) return MINUTES_PER_DAY;
  let gap = minutes[0]! + MINUTES_PER_DAY - minutes.at(-1)!;
  for (let i = 1; i < minutes.length; i++) gap = Math.min(gap, minutes[i]! - minutes[i - 1]!);
  return gap;
}

function parseCron(r: Reporter, value: unknown): Maybe<string> {
  if (typeof value !== 'string') return r.fail(`${FIELD}.cronExpression`, CRON_HINT);
  const problem = cronExpressionProblem(value);
  return problem ? r.fail(`${FIELD}.cronExpression`, problem) : value.trim();
}

function parseOnce(r: Reporter, input: Record<string, unknown>, tz: { timezone?: string }): Maybe<AgentSchedule> {
  for (const key of ['times', 'tasksPerDay', 'rateMinutes'] as const) {
    if (input[key] !== undefined) return r.fail(`${FIELD}.${key}`, 'is not used with mode "ONCE"; give "at" (and optionally "cronExpression")');
  }
  const at = typeof input.at === 'string' ? LOCAL_DATE_TIME.exec(input.at) : null;
  if (!at || !isRealDateTime(at)) {
    return r.fail(`${FIELD}.at`, 'is required with mode "ONCE": an ISO-8601 date-time without timezone, e.g. "2026-06-15T14:30"');
  }
  if (input.cronExpression === undefined) return { kind: 'once', mode: 'ONCE', at: input.at as string, ...tz };
  const cron = parseCron(r, input.cronExpression);
  if (cron === ABSENT) return ABSENT;
  const [, year, month, day, hour, minute] = at.map(Number);
  const expected = [minute, hour, day, month, undefined, year];
  const mismatch = expected.some((v, i) => v !== undefined && cronFieldNumber(cron, i) !== v);
  if (mismatch) {
    return r.fail(`${FIELD}.cronExpression`, `must match "at", i.e. "cron(${minute} ${hour} ${day} ${month} ? ${year})"`);
  }
  return { kind: 'once', mode: 'ONCE', at: input.at as string, cronExpression: cron, ...tz };
}

function isRealDateTime(m: RegExpExecArray): boolean {
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => Number(v ?? 0));
  const d = new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!, second!));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month! - 1 && d.getUTCDate() === day && hour! < 24;
}
