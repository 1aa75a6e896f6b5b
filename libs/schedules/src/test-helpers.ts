import { MONTHS, WEEK_DAYS, type RepeatedLaunchTimes, type WeekDay } from '@agentry/contracts';

/** ms of an ISO-8601 instant with an explicit offset ("2026-03-29T03:00+02:00"). */
export const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad instant in test table: ${iso}`);
  return ms;
};

/** An instant (or null) as UTC ISO text, so failures read as dates. */
export const utc = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

const range = (from: number, to: number, step = 1): number[] => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

/** repeatedLaunchTimes as the registry stores them (absent lists = every value). */
export function repeated(times: Partial<RepeatedLaunchTimes> & Pick<RepeatedLaunchTimes, 'minute' | 'hour'>): RepeatedLaunchTimes {
  return {
    day: range(1, 31),
    dow: [...WEEK_DAYS],
    month: [...MONTHS],
    timezone: 'UTC',
    simplePreset: null,
    isSimplePresetEnabled: false,
    ...times,
  };
}

export const WORKING_DAYS: WeekDay[] = ['mon', 'tue', 'wed', 'thu', 'fri'];
export const WORKING_HOURS = range(9, 17);
export const ALL_HOURS = range(0, 23);
