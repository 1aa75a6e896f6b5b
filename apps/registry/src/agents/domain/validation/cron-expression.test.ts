import { cronExpressionProblem } from './cron-expression.js';

describe('EventBridge cron syntax', () => {
  it.each([
    'cron(0 9 ? * MON,WED,FRI *)',
    'cron(30 14 15 6 ? 2026)',
    'cron(0 9 * * ? *)',
    'cron(0/15 8-17 ? * MON-FRI *)',
    'cron(0 12 L * ? *)',
    'cron(0 12 15W * ? 2030)',
    'cron(0 10 ? * 6L 2027-2030)',
    'cron(0 10 ? * 2#1 *)',
    'cron(5,35 */2 ? JAN-MAR SUN *)',
  ])('accepts %s', (expr) => {
    expect(cronExpressionProblem(expr)).toBeNull();
  });

  it.each([
    ['0 9 * * ? *', /cron\(/],
    ['cron(0 9 * * ?)', /5 fields.*year field is required/],
    ['cron(0 9 * * * *)', /neither/],
    ['cron(0 9 ? * ? *)', /both/],
    ['cron(60 9 ? * MON *)', /minutes field "60"/],
    ['cron(0 24 ? * MON *)', /hours/],
    ['cron(0 9 32 * ? *)', /day-of-month/],
    ['cron(0 9 ? 13 MON *)', /month/],
    ['cron(0 9 ? * FUNDAY *)', /day-of-week/],
    ['cron(0 9 ? * 8 *)', /day-of-week/],
    ['cron(0 9 ? * MON 1969)', /year/],
    ['cron(? 9 ? * MON *)', /only allowed in day-of-month/],
    ['cron(0 9 ? * 2#6 *)', /day-of-week/],
    ['cron(0/0 9 ? * MON *)', /minutes/],
  ])('refuses %s', (expr, why) => {
    expect(cronExpressionProblem(expr)).toMatch(why);
  });
});
