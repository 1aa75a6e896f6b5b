import { DomainError, ErrorCode } from '@agentry/contracts';
import { parseEventBridgeCron } from './cron.js';

describe('parseEventBridgeCron', () => {
  it('expands lists, ranges, steps and names', () => {
    const parsed = parseEventBridgeCron(' cron(0/20 8-10,22 ? JAN,MAR-APR MON-FRI 2026/50) ');
    expect(parsed).toEqual({
      expression: 'cron(0/20 8-10,22 ? JAN,MAR-APR MON-FRI 2026/50)',
      minutes: [0, 20, 40],
      hours: [8, 9, 10, 22],
      daysOfMonth: null,
      months: [1, 3, 4],
      daysOfWeek: [2, 3, 4, 5, 6].map((dow) => ({ kind: 'dow', dow })),
      years: [2026, 2076, 2126, 2176],
    });
  });

  it('reads L, LW, W and # forms', () => {
    expect(parseEventBridgeCron('cron(0 0 L,LW,15W,1 * ? *)').daysOfMonth).toEqual([
      { kind: 'last' },
      { kind: 'lastWeekday' },
      { kind: 'nearestWeekday', day: 15 },
      { kind: 'day', day: 1 },
    ]);
    expect(parseEventBridgeCron('cron(0 0 ? * 5L,L,3#2,FRI#1 *)').daysOfWeek).toEqual([
      { kind: 'last', dow: 5 },
      { kind: 'last', dow: 7 },
      { kind: 'nth', dow: 3, nth: 2 },
      { kind: 'nth', dow: 6, nth: 1 },
    ]);
  });

  it('wraps ranges of cyclic fields', () => {
    expect(parseEventBridgeCron('cron(0 22-1 ? NOV-FEB FRI-MON *)')).toMatchObject({
      hours: [0, 1, 22, 23],
      months: [1, 2, 11, 12],
      daysOfWeek: [1, 2, 6, 7].map((dow) => ({ kind: 'dow', dow })),
    });
  });

  it.each([
    ['0 9 * * ? *', 'cron(minutes hours'],
    ['cron(0 9 * * ?)', 'has 5 fields'],
    ['cron(0 9 * * * *)', 'neither day fields'],
    ['cron(0 9 ? * ? *)', 'both day fields'],
    ['cron(? 9 * * ? *)', '"?" is only allowed'],
    ['cron(60 9 * * ? *)', 'minutes field "60"'],
    ['cron(0 24 * * ? *)', 'hours field "24"'],
    ['cron(0 9 0 * ? *)', 'day-of-month field "0"'],
    ['cron(0 9 32W * ? *)', 'day-of-month field "32"'],
    ['cron(0 9 * 13 ? *)', 'month field "13"'],
    ['cron(0 9 ? * 8 *)', 'day-of-week field "8"'],
    ['cron(0 9 ? * FOO *)', 'day-of-week field "FOO"'],
    ['cron(0 9 ? * 3#6 *)', 'the occurrence after "#" must be 1-5'],
    ['cron(0 9 * * ? 2200)', 'year field "2200"'],
    ['cron(0 9 * * ? 2100-2050)', 'a range must go from low to high'],
    ['cron(0/0 9 * * ? *)', 'the step after "/" must be 1-59'],
    ['cron(1-2-3 9 * * ? *)', 'minutes field "1-2-3"'],
    ['cron(0,,5 9 * * ? *)', 'minutes field ""'],
  ])('rejects %s naming cronExpression', (expression, problem) => {
    let error: unknown;
    try {
      parseEventBridgeCron(expression);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    const domainError = error as DomainError;
    expect(domainError.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(domainError.fields).toHaveLength(1);
    expect(domainError.fields![0]!.field).toBe('cronExpression');
    expect(domainError.fields![0]!.message).toContain(problem);
  });
});
