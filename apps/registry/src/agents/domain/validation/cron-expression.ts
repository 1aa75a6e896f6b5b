/**
 * Syntax check of an AWS EventBridge Scheduler cron expression:
 * `cron(minutes hours day-of-month month day-of-week year)`. The grammar lives in
 * `@agentry/schedules`, the same parser the scheduler computes fire times with, so whatever the
 * registry accepts the scheduler can run.
 */
import { DomainError } from '@agentry/contracts';
import { CRON_HINT, parseEventBridgeCron } from '@agentry/schedules';

export { CRON_HINT };

/** Answers null when valid, otherwise what is wrong. */
export function cronExpressionProblem(expression: string): string | null {
  try {
    parseEventBridgeCron(expression);
    return null;
  } catch (error) {
    const problem = error instanceof DomainError ? error.fields?.[0]?.message : undefined;
    if (problem === undefined) throw error;
    return problem;
  }
}

/** The fixed values of a cron field that names single numbers (e.g. "30"), or null. */
export function cronFieldNumber(expression: string, index: number): number | null {
  const match = /^cron\((.*)\)$/.exec(expression.trim());
  const field = match?.[1]!.trim().split(/\s+/)[index];
  return field !== undefined && /^\d+$/.test(field) ? Number(field) : null;
}
