import type { DataSource } from 'typeorm';
import { createSessionClient } from './data-source.js';
import { ADVISORY_LOCK_NAMESPACE } from './schema-names.js';

/**
 * Runs the DataSource's pending migrations (each in its own transaction) while holding a pg
 * advisory lock, so services starting together wait for each other instead of racing.
 */
export async function migrate(dataSource: DataSource): Promise<void> {
  if (!dataSource.isInitialized) await dataSource.initialize();
  const lockSession = createSessionClient(dataSource, 'agentry-migrations');
  await lockSession.connect();
  try {
    await lockSession.query('SELECT pg_advisory_lock($1, 0)', [ADVISORY_LOCK_NAMESPACE.migrations]);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await lockSession.end(); // ending the session releases the lock
  }
}
