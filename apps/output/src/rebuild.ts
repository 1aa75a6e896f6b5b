import { databaseUrl, loadConfig, runMain } from '@agentry/config';
import { rebuildAndReport } from '@agentry/event-store';
import { outputDataSource, outputProjections } from './output-app.js';

/**
 * `npm run rebuild-output-read-models`: rebuilds the container history and directory read models from the event
 * log beside the live tables and switches to them (archived containers stay out), while the service serves.
 * Console bytes are not projected and stay as they are.
 */
runMain('rebuild-output-read-models', async () => {
  const { DATABASE_URL } = loadConfig({ DATABASE_URL: databaseUrl() });
  const dataSource = outputDataSource(DATABASE_URL, 'output-rebuild');
  await dataSource.initialize();
  try {
    const started = Date.now();
    await rebuildAndReport(dataSource, outputProjections());
    console.log(`output read models rebuilt in ${Date.now() - started} ms`);
  } finally {
    await dataSource.destroy();
  }
});
