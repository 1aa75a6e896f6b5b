import { isTimeZone } from 'class-validator';
import { MONTHS, WEEK_DAYS, type Month, type RepeatedLaunchTimes, type WeekDay } from '@agentry/contracts';
import { ABSENT, type Maybe, type Reporter } from './field-reader.js';

const FIELD = 'repeatedLaunchTimes';
const range = (from: number, to: number, step = 1): number[] => {
  const out: number[] = [];
  for (let i = from; i <= to; i += step) out.push(i);
  return out;
};
const ALL_HOURS = range(0, 23);
const ALL_DAYS = range(1, 31);
const WORKING_HOURS = range(9, 17);
const WORKING_DAYS: WeekDay[] = ['mon', 'tue', 'wed', 'thu', 'fri'];

interface PresetShape {
  minute: number[];
  hour: number[];
  day?: number[];
}

/**
 * The v2 `repeatedLaunchPreset` names and the launch times each one expands to. The classic
 * service picked random minutes; we pick fixed, documented ones so a save is deterministic.
 * "working hour" = 09:00–17:59 in the schedule's timezone.
 */
const BASE_PRESETS: Record<string, PresetShape> = {
  'Once per day': { minute: [0], hour: [9] },
  'Once per day at the start of the day': { minute: [0], hour: [0] },
  'Twice per day': { minute: [0], hour: [9, 21] },
  'Thrice per day': { minute: [0], hour: [0, 8, 16] },
  '4 times per day': { minute: [0], hour: range(0, 23, 6) },
  '6 times per day': { minute: [0], hour: range(0, 23, 4) },
  '8 times per day': { minute: [0], hour: range(0, 23, 3) },
  'Once every other day': { minute: [0], hour: [9], day: range(1, 31, 2) },
  'Once per hour': { minute: [0], hour: ALL_HOURS },
  'Twice per hour': { minute: [0, 30], hour: ALL_HOURS },
  'Thrice per hour': { minute: [0, 20, 40], hour: ALL_HOURS },
  '4 times per hour': { minute: [0, 15, 30, 45], hour: ALL_HOURS },
  'Once every other hour': { minute: [0], hour: range(0, 23, 2) },
};
const PER_HOUR = ['Once', 'Twice', 'Thrice', '4 times'] as const;

function workingHourPresets(): Record<string, PresetShape & { dow?: WeekDay[] }> {
  const out: Record<string, PresetShape & { dow?: WeekDay[] }> = {};
  for (const times of PER_HOUR) {
    const minute = BASE_PRESETS[`${times} per hour`]!.minute;
    out[`${times} per working hour`] = { minute, hour: WORKING_HOURS };
    out[`${times} per working hour, excluding weekends`] = { minute, hour: WORKING_HOURS, dow: WORKING_DAYS };
  }
  const everyOther = { minute: [0], hour: range(9, 17, 2) };
  out['Once every other working hour'] = everyOther;
  out['Once every other working hour, excluding weekends'] = { ...everyOther, dow: WORKING_DAYS };
  return out;
}

const PRESETS: Record<string, PresetShape & { dow?: WeekDay[] }> = { ...BASE_PRESETS, ...workingHourPresets() };
export const REPEATED_LAUNCH_PRESETS: readonly string[] = Object.keys(PRESETS);
const PRESET_BY_LOWER_NAME = new Map(REPEATED_LAUNCH_PRESETS.map((name) => [name.toLowerCase(), name]));

/** Canonical preset name (matching is case-insensitive), or ABSENT after reporting. */
export function parsePresetName(r: Reporter, field: string, value: unknown): Maybe<string> {
  const name = typeof value === 'string' ? PRESET_BY_LOWER_NAME.get(value.trim().toLowerCase()) : undefined;
  return name ?? r.fail(field, `must be one of: ${REPEATED_LAUNCH_PRESETS.map((p) => `"${p}"`).join(', ')}`);
}

export function expandPreset(name: string, timezone: string): RepeatedLaunchTimes {
  const preset = PRESETS[name]!;
  return {
    minute: preset.minute,
    hour: preset.hour,
    day: preset.day ?? ALL_DAYS,
    dow: preset.dow ?? [...WEEK_DAYS],
    month: [...MONTHS],
    timezone,
    simplePreset: name,
    isSimplePresetEnabled: true,
  };
}

const LIST_RULES = {
  minute: { min: 0, max: 59 },
  hour: { min: 0, max: 23 },
  day: { min: 1, max: 31 },
} as const;
const KNOWN_KEYS = new Set(['minute', 'hour', 'day', 'dow', 'month', 'timezone', 'simplePreset', 'isSimplePresetEnabled']);

/**
 * v2 `repeatedLaunchTimes`. `minute` and `hour` are required and non-empty; an absent or
 * empty `day` / `dow` / `month` means "every"; `timezone` defaults to UTC.
 */
export function parseRepeatedLaunchTimes(r: Reporter, value: Record<string, unknown>): Maybe<RepeatedLaunchTimes> {
  const before = r.errors.length;
  Object.keys(value)
    .filter((k) => !KNOWN_KEYS.has(k))
    .forEach((k) => r.fail(`${FIELD}.${k}`, `is not a repeatedLaunchTimes field; allowed: ${[...KNOWN_KEYS].join(', ')}`));

  const minute = numberList(r, value, 'minute', true);
  const hour = numberList(r, value, 'hour', true);
  const day = numberList(r, value, 'day', false);
  const dow = nameList(r, value, 'dow', WEEK_DAYS);
  const month = nameList(r, value, 'month', MONTHS);
  const timezone = value.timezone ?? 'UTC';
  if (typeof timezone !== 'string' || !isTimeZone(timezone)) {
    r.fail(`${FIELD}.timezone`, 'must be an IANA time zone name such as "UTC" or "Europe/Paris"');
  }
  let simplePreset: string | null = null;
  if (value.simplePreset !== undefined && value.simplePreset !== null) {
    const preset = parsePresetName(r, `${FIELD}.simplePreset`, value.simplePreset);
    if (preset !== ABSENT) simplePreset = preset;
  }
  const enabled = value.isSimplePresetEnabled ?? false;
  if (typeof enabled !== 'boolean') r.fail(`${FIELD}.isSimplePresetEnabled`, 'must be a boolean (true or false)');

  if (r.errors.length !== before) return ABSENT;
  return {
    minute: minute as number[],
    hour: hour as number[],
    day: (day as number[]).length ? (day as number[]) : ALL_DAYS,
    dow: (dow as WeekDay[]).length ? (dow as WeekDay[]) : [...WEEK_DAYS],
    month: (month as Month[]).length ? (month as Month[]) : [...MONTHS],
    timezone: timezone as string,
    simplePreset,
    isSimplePresetEnabled: enabled as boolean,
  };
}

function numberList(r: Reporter, value: Record<string, unknown>, key: keyof typeof LIST_RULES, required: boolean): Maybe<number[]> {
  const list = value[key] ?? [];
  const { min, max } = LIST_RULES[key];
  const valid = Array.isArray(list) && list.every((n) => Number.isInteger(n) && n >= min && n <= max);
  if (!valid || (required && list.length === 0)) {
    return r.fail(`${FIELD}.${key}`, `must be ${required ? 'a non-empty' : 'an'} array of integers between ${min} and ${max}`);
  }
  return [...new Set(list as number[])].sort((a, b) => a - b);
}

function nameList<T extends string>(r: Reporter, value: Record<string, unknown>, key: string, allowed: readonly T[]): Maybe<T[]> {
  const list = value[key] ?? [];
  const valid = Array.isArray(list) && list.every((n) => typeof n === 'string' && (allowed as readonly string[]).includes(n.toLowerCase()));
  if (!valid) return r.fail(`${FIELD}.${key}`, `must be an array of: ${allowed.join(', ')}`);
  const lower = new Set((list as string[]).map((n) => n.toLowerCase()));
  return allowed.filter((a) => lower.has(a));
}
