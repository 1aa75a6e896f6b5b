import { databaseUrl, loadConfig, runMain } from '@agentry/config';
import { rebuildProjections } from '@agentry/event-store';
import { outputDataSource, outputProjections } from './output-app.js';

/**
 * `npm run rebuild-output-read-models`: empties the container history and directory read models and replays
 * the event log into them (archived containers stay out). Console bytes are not projected and stay as they are.
 */
runMain('rebuild-output-read-models', async () => {
  const { DATABASE_URL } = loadConfig({ DATABASE_URL: databaseUrl() });
  const dataSource = outputDataSource(DATABASE_URL, 'output-rebuild');
  await dataSource.initialize();
  try {
    const started = Date.now();
    await rebuildProjections(dataSource, outputProjections());
    console.log(`output read models rebuilt in ${Date.now() - started} ms`);
  } finally {
    await dataSource.destroy();
  }
});
