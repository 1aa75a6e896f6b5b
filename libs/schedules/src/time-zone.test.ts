import { offsetAt, toInstant, toLocal } from './time-zone.js';

const local = (year: number, month: number, day: number, hour: number, minute: number) => ({ year, month, day, hour, minute, second: 0 });

describe('time zones', () => {
  it('reads wall-clock time and offsets', () => {
    const instant = Date.parse('2026-07-01T12:34:56Z');
    expect(toLocal(instant, 'Europe/Paris')).toEqual({ year: 2026, month: 7, day: 1, hour: 14, minute: 34, second: 56 });
    expect(offsetAt(instant, 'America/New_York')).toBe(-4 * 3_600_000);
    expect(offsetAt(instant, 'Asia/Kolkata')).toBe(5.5 * 3_600_000);
    expect(toLocal(instant, 'UTC').hour).toBe(12);
  });

  it('round-trips ordinary local times', () => {
    expect(toInstant(local(2026, 7, 1, 14, 34), 'Europe/Paris')).toBe(Date.parse('2026-07-01T12:34Z'));
    expect(toInstant(local(2026, 1, 1, 0, 0), 'Pacific/Kiritimati')).toBe(Date.parse('2025-12-31T10:00Z'));
  });

  it('maps a skipped local time to the end of the gap', () => {
    expect(toInstant(local(2026, 3, 8, 2, 59), 'America/New_York')).toBe(Date.parse('2026-03-08T07:00Z'));
  });

  it('maps a repeated local time to its first occurrence', () => {
    expect(toInstant(local(2026, 11, 1, 1, 0), 'America/New_York')).toBe(Date.parse('2026-11-01T05:00Z'));
  });
});
