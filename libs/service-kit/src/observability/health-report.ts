import { redactSecrets } from './log-redaction.js';
import type { HealthCheck } from './health-checks.js';

export interface HealthReport {
  status: 'ok' | 'fail';
  checks: Record<string, { ok: true } | { ok: false; error: string }>;
}

/** Runs the checks side by side (each bounds its own wait) and says which failed and why. */
export async function runHealthChecks(checks: HealthCheck[]): Promise<HealthReport> {
  const results = await Promise.all(
    checks.map(async (c) => {
      try {
        await c.check();
        return [c.name, { ok: true as const }] as const;
      } catch (error) {
        return [c.name, { ok: false as const, error: redactSecrets(error instanceof Error ? error.message : String(error)) }] as const;
      }
    }),
  );
  return { status: results.every(([, r]) => r.ok) ? 'ok' : 'fail', checks: Object.fromEntries(results) };
}
