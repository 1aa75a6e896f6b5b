import { nextFireTime, nextFireTimes } from './next-fire.js';
import type { ScheduleSpec } from './spec.js';
import { ALL_HOURS, WORKING_DAYS, WORKING_HOURS, at, repeated, utc } from './test-helpers.js';

const cron = (expression: string, timezone?: string): ScheduleSpec => ({ kind: 'cron', expression, ...(timezone ? { timezone } : {}) });
const daily = (times: string[], timezone?: string): ScheduleSpec => ({ kind: 'daily', times, ...(timezone ? { timezone } : {}) });

type Row = [label: string, spec: ScheduleSpec, after: string, expected: string | null];

/** Schedules × reference instants → the first fire strictly after the instant. 2026-01-01 is a Thursday. */
const TABLE: Row[] = [
  // EventBridge examples (AWS Scheduler / Events user guides), UTC.
  ['10:00 every day', cron('cron(0 10 * * ? *)'), '2026-01-01T09:59Z', '2026-01-01T10:00Z'],
  ['strictly after: 10:00 itself is not next', cron('cron(0 10 * * ? *)'), '2026-01-01T10:00Z', '2026-01-02T10:00Z'],
  ['12:15 every day', cron('cron(15 12 * * ? *)'), '2026-01-01T13:00Z', '2026-01-02T12:15Z'],
  ['18:00 Mon–Fri, Friday evening → Monday', cron('cron(0 18 ? * MON-FRI *)'), '2026-01-02T18:00Z', '2026-01-05T18:00Z'],
  ['08:00 on the 1st of every month', cron('cron(0 8 1 * ? *)'), '2026-01-15T00:00Z', '2026-02-01T08:00Z'],
  ['every 15 minutes', cron('cron(0/15 * * * ? *)'), '2026-01-01T10:07Z', '2026-01-01T10:15Z'],
  ['every 10 minutes Mon–Fri, Saturday → Monday 00:00', cron('cron(0/10 * ? * MON-FRI *)'), '2026-01-03T12:00Z', '2026-01-05T00:00Z'],
  ['every 5 minutes 08:00–17:55 Mon–Fri', cron('cron(0/5 8-17 ? * MON-FRI *)'), '2026-01-02T17:55Z', '2026-01-05T08:00Z'],
  ['every 5 minutes 08:00–17:55 Mon–Fri, inside the window', cron('cron(0/5 8-17 ? * MON-FRI *)'), '2026-01-05T12:31Z', '2026-01-05T12:35Z'],
  ['the agents API: 09:00 MON,WED,FRI', cron('cron(0 9 ? * MON,WED,FRI *)'), '2026-01-02T09:00Z', '2026-01-05T09:00Z'],
  ['the agents API ONCE cron, before', cron('cron(30 14 15 6 ? 2026)'), '2026-01-01T00:00Z', '2026-06-15T14:30Z'],
  ['the agents API ONCE cron, after: the year range is over', cron('cron(30 14 15 6 ? 2026)'), '2026-06-15T14:30Z', null],
  ['years in the past never fire', cron('cron(0 0 * * ? 1999-2001)'), '2026-01-01T00:00Z', null],
  ['a later year of a list', cron('cron(0 9 ? JAN,JUL MON,WED,FRI 2027)'), '2026-01-01T00:00Z', '2027-01-01T09:00Z'],
  ['year step', cron('cron(0 0 1 1 ? 2020/5)'), '2026-01-01T00:00Z', '2030-01-01T00:00Z'],
  ['dow 1 is Sunday', cron('cron(0 0 ? * 1 *)'), '2026-01-01T00:00Z', '2026-01-04T00:00Z'],
  ['dow names and numbers agree', cron('cron(0 0 ? * SUN *)'), '2026-01-01T00:00Z', '2026-01-04T00:00Z'],
  ['wrapping hour range 22-2/2 → 22, 0, 2', cron('cron(0 22-2/2 * * ? *)'), '2026-01-01T22:30Z', '2026-01-02T00:00Z'],
  ['wrapping dow range FRI-MON skips Tuesday–Thursday', cron('cron(0 0 ? * FRI-MON *)'), '2026-01-05T12:00Z', '2026-01-09T00:00Z'],
  ['lower-case names', cron('cron(0 6 ? dec sat *)'), '2026-01-01T00:00Z', '2026-12-05T06:00Z'],
  // L, W, #
  ['L: last day of February', cron('cron(0 12 L * ? *)'), '2026-02-01T00:00Z', '2026-02-28T12:00Z'],
  ['L: last day of February in a leap year', cron('cron(0 12 L * ? *)'), '2028-02-01T00:00Z', '2028-02-29T12:00Z'],
  ['L: last day of a 30-day month', cron('cron(0 12 L * ? *)'), '2026-04-01T00:00Z', '2026-04-30T12:00Z'],
  ['LW: Jan 31 2026 is a Saturday → Friday 30th', cron('cron(0 12 LW * ? *)'), '2026-01-01T00:00Z', '2026-01-30T12:00Z'],
  ['LW: May 31 2026 is a Sunday → Friday 29th', cron('cron(0 12 LW * ? *)'), '2026-05-01T00:00Z', '2026-05-29T12:00Z'],
  ['15W: Feb 15 2026 is a Sunday → Monday 16th', cron('cron(0 9 15W * ? *)'), '2026-02-01T00:00Z', '2026-02-16T09:00Z'],
  ['15W: a Saturday 15th → Friday 14th', cron('cron(0 9 15W * ? *)'), '2026-08-01T00:00Z', '2026-08-14T09:00Z'],
  ['1W: Aug 1 2026 is a Saturday → Monday 3rd (never the previous month)', cron('cron(0 9 1W * ? *)'), '2026-07-15T00:00Z', '2026-08-03T09:00Z'],
  ['31W skips months without a 31st', cron('cron(0 9 31W * ? *)'), '2026-04-01T00:00Z', '2026-05-29T09:00Z'],
  ['5L: last Thursday', cron('cron(0 9 ? * 5L *)'), '2026-01-01T00:00Z', '2026-01-29T09:00Z'],
  ['FRIL: last Friday', cron('cron(0 9 ? * FRIL *)'), '2026-02-01T00:00Z', '2026-02-27T09:00Z'],
  ['3#2: second Tuesday', cron('cron(0 9 ? * 3#2 *)'), '2026-01-01T00:00Z', '2026-01-13T09:00Z'],
  ['2#1: first Monday, next month when passed', cron('cron(0 9 ? * 2#1 *)'), '2026-01-06T00:00Z', '2026-02-02T09:00Z'],
  ['MON#5: fifth Monday only in months that have one', cron('cron(0 9 ? * MON#5 *)'), '2026-01-01T00:00Z', '2026-03-30T09:00Z'],
  // Month ends and leap days.
  ['the 31st skips 30-day months', cron('cron(0 0 31 * ? *)'), '2026-04-01T00:00Z', '2026-05-31T00:00Z'],
  ['Feb 29 fires only in leap years', cron('cron(0 0 29 2 ? *)'), '2026-03-01T00:00Z', '2028-02-29T00:00Z'],
  ['Feb 29: 2100 is not a leap year', cron('cron(0 0 29 2 ? *)'), '2096-03-01T00:00Z', '2104-02-29T00:00Z'],
  ['Feb 30 never fires', cron('cron(0 0 30 2 ? *)'), '2026-01-01T00:00Z', null],
  [
    'repeated: day 31 skips 30-day months',
    { kind: 'repeated', times: repeated({ minute: [0], hour: [9], day: [31] }) },
    '2026-04-01T00:00Z',
    '2026-05-31T09:00Z',
  ],
  [
    'repeated: Feb 29 waits for a leap year',
    { kind: 'repeated', times: repeated({ minute: [0], hour: [9], day: [29], month: ['feb'] }) },
    '2026-01-01T00:00Z',
    '2028-02-29T09:00Z',
  ],
  ['repeated: Feb 30 never fires', { kind: 'repeated', times: repeated({ minute: [0], hour: [9], day: [30], month: ['feb'] }) }, '2026-01-01T00:00Z', null],
  [
    'repeated: day AND dow must both match (Friday the 13th)',
    { kind: 'repeated', times: repeated({ minute: [0], hour: [0], day: [13], dow: ['fri'] }) },
    '2026-01-01T00:00Z',
    '2026-02-13T00:00Z',
  ],
  [
    'repeated: year end rolls over',
    { kind: 'repeated', times: repeated({ minute: [0], hour: [9], month: ['jan'] }) },
    '2026-12-31T23:00Z',
    '2027-01-01T09:00Z',
  ],
  // Working-hour presets in a time zone (winter CET = UTC+1, summer CEST = UTC+2).
  [
    'working hours excl. weekends, Friday 17:30 Paris → Monday 09:00',
    { kind: 'repeated', times: repeated({ minute: [0], hour: WORKING_HOURS, dow: WORKING_DAYS, timezone: 'Europe/Paris' }) },
    '2026-01-02T17:30+01:00',
    '2026-01-05T09:00+01:00',
  ],
  [
    'working hours excl. weekends, summer morning in Paris',
    { kind: 'repeated', times: repeated({ minute: [0], hour: WORKING_HOURS, dow: WORKING_DAYS, timezone: 'Europe/Paris' }) },
    '2026-06-01T07:00+02:00',
    '2026-06-01T09:00+02:00',
  ],
  [
    '4 times per working hour in New York',
    { kind: 'repeated', times: repeated({ minute: [0, 15, 30, 45], hour: WORKING_HOURS, timezone: 'America/New_York' }) },
    '2026-01-03T17:50-05:00',
    '2026-01-04T09:00-05:00',
  ],
  // Daily (the agents API): every time fires.
  ['daily: the second time of the day fires too', daily(['09:00', '17:00']), '2026-01-01T09:00Z', '2026-01-01T17:00Z'],
  ['daily: times in any order', daily(['17:00', '09:00']), '2026-01-01T17:00Z', '2026-01-02T09:00Z'],
  ['daily in a time zone', daily(['09:00'], 'Asia/Tokyo'), '2025-12-31T12:00Z', '2026-01-01T09:00+09:00'],
  // DST, Europe/Paris: 2026-03-29 02:00 CET → 03:00 CEST; 2026-10-25 03:00 CEST → 02:00 CET.
  ['Paris gap: 02:30 does not exist, fires at 03:00 CEST', daily(['02:30'], 'Europe/Paris'), '2026-03-28T12:00Z', '2026-03-29T03:00+02:00'],
  ['Paris gap: next day back to 02:30', daily(['02:30'], 'Europe/Paris'), '2026-03-29T03:00+02:00', '2026-03-30T02:30+02:00'],
  ['Paris overlap: 02:30 fires at its first occurrence (CEST)', daily(['02:30'], 'Europe/Paris'), '2026-10-24T12:00Z', '2026-10-25T02:30+02:00'],
  ['Paris overlap: not again at the second 02:30 (CET)', daily(['02:30'], 'Europe/Paris'), '2026-10-25T02:30+02:00', '2026-10-26T02:30+01:00'],
  ['Paris cron in the gap', cron('cron(30 2 * * ? *)', 'Europe/Paris'), '2026-03-29T00:00Z', '2026-03-29T03:00+02:00'],
  // DST, America/New_York: 2026-03-08 02:00 EST → 03:00 EDT; 2026-11-01 02:00 EDT → 01:00 EST.
  ['New York gap: 02:15 fires at 03:00 EDT', daily(['02:15'], 'America/New_York'), '2026-03-07T12:00Z', '2026-03-08T03:00-04:00'],
  ['New York overlap: 01:30 first occurrence (EDT)', daily(['01:30'], 'America/New_York'), '2026-10-31T12:00Z', '2026-11-01T01:30-04:00'],
  ['New York overlap: not at 01:30 EST', daily(['01:30'], 'America/New_York'), '2026-11-01T01:30-04:00', '2026-11-02T01:30-05:00'],
  ['New York cron across the fall-back day', cron('cron(0 9 ? * SUN *)', 'America/New_York'), '2026-10-31T00:00Z', '2026-11-01T09:00-05:00'],
  // DST, Australia/Sydney: 2026-04-05 03:00 AEDT → 02:00 AEST; 2026-10-04 02:00 AEST → 03:00 AEDT.
  ['Sydney gap: 02:30 fires at 03:00 AEDT', cron('cron(30 2 * * ? *)', 'Australia/Sydney'), '2026-10-03T00:00Z', '2026-10-04T03:00+11:00'],
  ['Sydney overlap: 02:30 first occurrence (AEDT)', cron('cron(30 2 * * ? *)', 'Australia/Sydney'), '2026-04-04T00:00Z', '2026-04-05T02:30+11:00'],
  ['Sydney overlap: not at 02:30 AEST', cron('cron(30 2 * * ? *)', 'Australia/Sydney'), '2026-04-05T02:30+11:00', '2026-04-06T02:30+10:00'],
  // Lord Howe Island moves its clocks by 30 minutes: 2026-10-04 02:00 → 02:30 (+10:30 → +11:00).
  ['Lord Howe half-hour gap', daily(['02:15'], 'Australia/Lord_Howe'), '2026-10-03T00:00Z', '2026-10-04T02:30+11:00'],
  // Rate and ONCE.
  ['rate: first fire one period after the anchor', { kind: 'rate', rateMinutes: 7, anchor: at('2026-01-01T00:00Z') }, '2026-01-01T00:00Z', '2026-01-01T00:07Z'],
  ['rate: strictly after a fire', { kind: 'rate', rateMinutes: 7, anchor: at('2026-01-01T00:00Z') }, '2026-01-01T00:07Z', '2026-01-01T00:14Z'],
  ['rate: between fires', { kind: 'rate', rateMinutes: 7, anchor: at('2026-01-01T00:00Z') }, '2026-01-01T01:40Z', '2026-01-01T01:45Z'],
  ['rate: before the anchor', { kind: 'rate', rateMinutes: 60, anchor: at('2026-01-01T00:00Z') }, '2025-12-31T00:00Z', '2026-01-01T01:00Z'],
  [
    'rate ignores DST (every 1440 minutes = 24 h)',
    { kind: 'rate', rateMinutes: 1440, anchor: at('2026-03-28T12:00Z') },
    '2026-03-29T00:00Z',
    '2026-03-29T12:00Z',
  ],
  ['ONCE before', { kind: 'once', at: at('2026-06-15T14:30Z') }, '2026-06-15T14:29Z', '2026-06-15T14:30Z'],
  ['ONCE passed', { kind: 'once', at: at('2026-06-15T14:30Z') }, '2026-06-15T14:30Z', null],
];

describe('nextFireTime', () => {
  it.each(TABLE)('%s', (_label, spec, after, expected) => {
    expect(utc(nextFireTime(spec, at(after)))).toBe(expected === null ? null : utc(at(expected)));
  });
});

describe('nextFireTimes', () => {
  const list = (spec: ScheduleSpec, after: string, count: number) => nextFireTimes(spec, at(after), count).map(utc);
  const expected = (...isos: string[]) => isos.map((iso) => utc(at(iso)));

  it('lists every daily time in order', () => {
    expect(list(daily(['09:00', '13:30', '17:00']), '2026-01-01T12:00Z', 4)).toEqual(
      expected('2026-01-01T13:30Z', '2026-01-01T17:00Z', '2026-01-02T09:00Z', '2026-01-02T13:30Z'),
    );
  });

  it('fires once for local times skipped by spring-forward (Paris, every 30 min)', () => {
    expect(list(cron('cron(0/30 * * * ? *)', 'Europe/Paris'), '2026-03-29T01:30+01:00', 3)).toEqual(
      expected('2026-03-29T03:00+02:00', '2026-03-29T03:30+02:00', '2026-03-29T04:00+02:00'),
    );
  });

  it('fires the repeated hour once (Paris fall-back, every 30 min)', () => {
    expect(list(cron('cron(0/30 * * * ? *)', 'Europe/Paris'), '2026-10-25T01:45+02:00', 4)).toEqual(
      expected('2026-10-25T02:00+02:00', '2026-10-25T02:30+02:00', '2026-10-25T03:00+01:00', '2026-10-25T03:30+01:00'),
    );
  });

  it('hourly preset across the New York spring-forward fires once for 02:00 and 03:00', () => {
    const hourly: ScheduleSpec = { kind: 'repeated', times: repeated({ minute: [0], hour: ALL_HOURS, timezone: 'America/New_York' }) };
    expect(list(hourly, '2026-03-08T00:30-05:00', 3)).toEqual(expected('2026-03-08T01:00-05:00', '2026-03-08T03:00-04:00', '2026-03-08T04:00-04:00'));
  });

  it('stops when the schedule ends', () => {
    expect(list(cron('cron(0 12 L 12 ? 2026-2027)'), '2026-01-01T00:00Z', 5)).toEqual(expected('2026-12-31T12:00Z', '2027-12-31T12:00Z'));
    expect(list({ kind: 'once', at: at('2026-06-15T14:30Z') }, '2026-01-01T00:00Z', 3)).toEqual(expected('2026-06-15T14:30Z'));
  });

  it('every rate fire in a row, on the anchor grid', () => {
    const anchor = at('2026-01-01T00:00:30Z');
    expect(list({ kind: 'rate', rateMinutes: 1, anchor }, '2026-01-01T00:05Z', 3)).toEqual(
      expected('2026-01-01T00:05:30Z', '2026-01-01T00:06:30Z', '2026-01-01T00:07:30Z'),
    );
  });
});
