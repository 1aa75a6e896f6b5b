import { loadConfig } from '@agentry/config';
import { rebuildProjections } from '@agentry/event-store';
import { databaseUrl } from './config.js';
import { outputDataSource, outputProjections } from './output-app.js';

/**
 * `npm run rebuild-output-read-models`: empties the container history and directory read models and replays
 * the event log into them (archived containers stay out). Console bytes are not projections and are kept.
 */
const { DATABASE_URL } = loadConfig({ DATABASE_URL: databaseUrl() });
const dataSource = outputDataSource(DATABASE_URL, 'output-rebuild');
await dataSource.initialize();
const started = Date.now();
await rebuildProjections(dataSource, outputProjections());
await dataSource.destroy();
console.log(`output read models rebuilt in ${Date.now() - started} ms`);
