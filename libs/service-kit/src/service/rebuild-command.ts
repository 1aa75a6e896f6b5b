import { databaseUrl, loadConfig, runMain } from '@agentry/config';
import { rebuildAndReport } from '@agentry/event-store';
import type { ServiceSchema } from './service-schema.js';

/**
 * Rebuilds every read model of `schema` from the event log, beside the live tables, and switches
 * to them; the service may keep running and serving meanwhile. Reads DATABASE_URL only.
 */
export async function rebuildReadModels(schema: ServiceSchema, dbUrl: string, log: (line: string) => void = console.log): Promise<void> {
  const dataSource = schema.dataSource(dbUrl, `${schema.name}-rebuild`);
  await dataSource.initialize();
  try {
    const started = Date.now();
    await rebuildAndReport(dataSource, schema.projections(), log);
    log(`${schema.name} read models rebuilt in ${Date.now() - started} ms`);
  } finally {
    await dataSource.destroy();
  }
}

/** The body of a service's `rebuild.ts`: `npm run rebuild-<service>-read-models` (see docs/OPERATIONS.md). */
export function runRebuildCommand(schema: ServiceSchema): void {
  runMain(`rebuild-${schema.name}-read-models`, async () => {
    const { DATABASE_URL } = loadConfig({ DATABASE_URL: databaseUrl() });
    await rebuildReadModels(schema, DATABASE_URL);
  });
}
