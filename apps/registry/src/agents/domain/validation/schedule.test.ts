import { ABSENT, FieldReader } from './field-reader.js';
import { parseSchedule } from './schedule.js';

const parse = (value: unknown) => {
  const r = new FieldReader({});
  const out = parseSchedule(r, value);
  return { out, errors: r.errors };
};
const failsOn = (value: unknown, field: string, message?: RegExp) => {
  const { out, errors } = parse(value);
  expect(out).toBe(ABSENT);
  expect(errors).toContainEqual({ field, message: expect.stringMatching(message ?? /./) });
};

describe('the agents API schedule', () => {
  it('manual: times []', () => {
    expect(parse({ mode: 'SCHEDULED', times: [] }).out).toEqual({ kind: 'manual', mode: 'SCHEDULED', times: [] });
  });

  it('daily with tasksPerDay, given as JSON text', () => {
    const json = JSON.stringify({ mode: 'SCHEDULED', tasksPerDay: 2, times: ['09:00', '17:00'] });
    expect(parse(json).out).toEqual({ kind: 'daily', mode: 'SCHEDULED', times: ['09:00', '17:00'], tasksPerDay: 2 });
  });

  it('daily: tasksPerDay defaults to the number of times; timezone kept', () => {
    expect(parse({ times: ['08:30'], timezone: 'Europe/Paris' }).out).toEqual({
      kind: 'daily',
      mode: 'SCHEDULED',
      times: ['08:30'],
      tasksPerDay: 1,
      timezone: 'Europe/Paris',
    });
  });

  it('rate and cron forms', () => {
    expect(parse({ mode: 'SCHEDULED', rateMinutes: 120 }).out).toEqual({ kind: 'rate', mode: 'SCHEDULED', rateMinutes: 120 });
    expect(parse({ mode: 'SCHEDULED', cronExpression: 'cron(0 9 ? * MON,WED,FRI *)' }).out).toEqual({
      kind: 'cron',
      mode: 'SCHEDULED',
      cronExpression: 'cron(0 9 ? * MON,WED,FRI *)',
    });
  });

  it('once with at and a matching cron', () => {
    expect(parse({ mode: 'ONCE', at: '2026-06-15T14:30', cronExpression: 'cron(30 14 15 6 ? 2026)' }).out).toEqual({
      kind: 'once',
      mode: 'ONCE',
      at: '2026-06-15T14:30',
      cronExpression: 'cron(30 14 15 6 ? 2026)',
    });
  });

  it('refuses each bad form, naming the key', () => {
    failsOn('not json', 'schedule', /schedule object/);
    failsOn([], 'schedule');
    failsOn({ mode: 'WEEKLY', times: [] }, 'schedule.mode', /"SCHEDULED" or "ONCE"/);
    failsOn({ mode: 'SCHEDULED' }, 'schedule', /exactly one of/);
    failsOn({ times: ['09:00'], rateMinutes: 60 }, 'schedule', /times and rateMinutes/);
    failsOn({ times: ['9:00'] }, 'schedule.times', /HH:mm/);
    failsOn({ times: ['25:00'] }, 'schedule.times', /HH:mm/);
    failsOn({ times: ['09:00', '09:04'] }, 'schedule.times', /at least 5 minutes apart/);
    failsOn({ times: ['23:58', '00:01'] }, 'schedule.times', /at least 5 minutes apart/);
    failsOn({ times: ['09:00', '17:00'], tasksPerDay: 3 }, 'schedule.tasksPerDay', /one time per task/);
    failsOn({ times: ['09:00'], tasksPerDay: 25 }, 'schedule.tasksPerDay', /between 1 and 24/);
    failsOn({ times: [], tasksPerDay: 1 }, 'schedule.tasksPerDay');
    failsOn({ rateMinutes: 0 }, 'schedule.rateMinutes', /between 1 and 1440/);
    failsOn({ rateMinutes: 1441 }, 'schedule.rateMinutes', /between 1 and 1440/);
    failsOn({ rateMinutes: 1.5 }, 'schedule.rateMinutes');
    failsOn({ rateMinutes: 60, tasksPerDay: 1 }, 'schedule.tasksPerDay', /only goes with "times"/);
    failsOn({ cronExpression: 'cron(0 9 * * *)' }, 'schedule.cronExpression', /year field is required/);
    failsOn({ mode: 'ONCE' }, 'schedule.at', /required with mode "ONCE"/);
    failsOn({ mode: 'ONCE', at: '2026-02-30T10:00' }, 'schedule.at');
    failsOn({ mode: 'ONCE', at: '2026-06-15T14:30Z' }, 'schedule.at', /without timezone/);
    failsOn({ mode: 'ONCE', at: '2026-06-15T14:30', times: [] }, 'schedule.times', /not used with mode "ONCE"/);
    failsOn({ mode: 'ONCE', at: '2026-06-15T14:30', cronExpression: 'cron(0 14 15 6 ? 2026)' }, 'schedule.cronExpression', /must match "at"/);
    failsOn({ times: [], timezone: 'Mars/Olympus' }, 'schedule.timezone', /IANA/);
    failsOn({ times: [], every: 'day' }, 'schedule.every', /not a schedule field/);
  });
});
