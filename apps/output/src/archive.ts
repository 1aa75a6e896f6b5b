import { databaseUrl, loadConfig, withDefault, runMain } from '@agentry/config';
import { migrate } from '@agentry/event-store';
import { retentionDays } from './config.js';
import { outputDataSource } from './output-app.js';
import { archiveOutput } from './retention/index.js';

/**
 * `npm run archive-output`: exports containers ended more than OUTPUT_RETENTION_DAYS (default 7) ago into
 * OUTPUT_ARCHIVE_DIR (default ./output-archive) and removes them from the output service's tables. Safe
 * while the service runs; schedule it daily (see docs/ARCHITECTURE.md, "Retention").
 */
runMain('archive-output', async () => {
  const config = loadConfig({
    DATABASE_URL: databaseUrl(),
    OUTPUT_RETENTION_DAYS: retentionDays(7),
    OUTPUT_ARCHIVE_DIR: withDefault('output-archive'),
  });
  const dataSource = outputDataSource(config.DATABASE_URL, 'output-archive');
  await dataSource.initialize();
  try {
    await migrate(dataSource);
    const report = await archiveOutput({ dataSource, retentionDays: config.OUTPUT_RETENTION_DAYS, archiveDir: config.OUTPUT_ARCHIVE_DIR });
    const cutoff = new Date(report.cutoff).toISOString();
    console.log(
      report.file
        ? `archived ${report.containers} containers ended before ${cutoff} into ${report.file}`
        : `nothing to archive: no container ended before ${cutoff}`,
    );
  } finally {
    await dataSource.destroy();
  }
});
