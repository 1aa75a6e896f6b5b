/**
 * Wall-clock time in an IANA time zone, from Node's `Intl` only. Converting a local time to an
 * instant follows the schedule rules for DST: a skipped local time (spring-forward gap) maps to
 * the first instant after the gap; a repeated one (fall-back overlap) to its first occurrence.
 */

export interface LocalDateTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const SECOND = 1000;
const DAY = 86_400_000;
const UTC_ZONES = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT']);
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** en-US with h23 formats as "1/31/2026, 14:05:09"; parsing that is ~3× faster than formatToParts. */
const EN_US_DATE_TIME = /^(\d+)\/(\d+)\/(\d+),? (\d+):(\d+):(\d+)$/;

/** The wall-clock reading of `instantMs` in `timeZone`. */
export function toLocal(instantMs: number, timeZone: string): LocalDateTime {
  if (UTC_ZONES.has(timeZone)) return utcFields(instantMs);
  const formatter = formatterFor(timeZone);
  const m = EN_US_DATE_TIME.exec(formatter.format(instantMs));
  if (m) {
    const [month, day, year, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
    return { year, month, day, hour, minute, second };
  }
  const fields: Record<string, number> = {};
  for (const part of formatter.formatToParts(instantMs)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return {
    year: fields.year!,
    month: fields.month!,
    day: fields.day!,
    hour: fields.hour!,
    minute: fields.minute!,
    second: fields.second!,
  };
}

/** UTC offset (local − UTC, ms) in force at `instantMs`. */
export function offsetAt(instantMs: number, timeZone: string): number {
  if (UTC_ZONES.has(timeZone)) return 0;
  const wholeSecond = Math.floor(instantMs / SECOND) * SECOND;
  return wallMs(toLocal(wholeSecond, timeZone)) - wholeSecond;
}

/**
 * The instant at which the wall clock of `timeZone` reads `local`. Repeated local times
 * resolve to their first occurrence; skipped ones to the first instant after the gap.
 */
export function toInstant(local: LocalDateTime, timeZone: string): number {
  const wall = wallMs(local);
  if (UTC_ZONES.has(timeZone)) return wall;
  // Offsets on both sides of any transition near this wall time (zones change at most once a day).
  const offsetBefore = offsetAt(wall - DAY, timeZone);
  const offsetAfter = offsetAt(wall + DAY, timeZone);
  if (offsetBefore === offsetAfter) return wall - offsetBefore;
  const readings = [...new Set([offsetBefore, offsetAfter])]
    .map((offset) => wall - offset)
    .filter((instant) => offsetAt(instant, timeZone) === wall - instant)
    .sort((a, b) => a - b);
  if (readings.length > 0) return readings[0]!;
  return firstInstantWithOffset(wall - offsetAfter, wall - offsetBefore, offsetAfter, timeZone);
}

/** Binary search (whole seconds) for the transition in (from, to] after which `offset` holds. */
function firstInstantWithOffset(from: number, to: number, offset: number, timeZone: string): number {
  let lo = Math.floor(from / SECOND);
  let hi = Math.ceil(to / SECOND);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(mid * SECOND, timeZone) === offset) hi = mid;
    else lo = mid;
  }
  return hi * SECOND;
}

/** The wall-clock reading as if it were UTC: orders local times without a zone. */
export function wallMs(local: LocalDateTime): number {
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
}

function utcFields(instantMs: number): LocalDateTime {
  const d = new Date(instantMs);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}
