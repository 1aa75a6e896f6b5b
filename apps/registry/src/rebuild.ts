import { rebuildProjections } from '@agentry/event-store';
import { databaseUrl, loadConfig } from '@agentry/config';
import { registryDataSource, registryProjections } from './registry-app.js';

/**
 * `npm run rebuild-read-models`: drops every registry read model and replays the whole
 * event log into it. Run with the registry stopped or running (projections hold a lock).
 */
const { DATABASE_URL } = loadConfig({ DATABASE_URL: databaseUrl() });
const dataSource = registryDataSource(DATABASE_URL);
await dataSource.initialize();
const started = Date.now();
await rebuildProjections(dataSource, registryProjections());
await dataSource.destroy();
console.log(`registry read models rebuilt in ${Date.now() - started} ms`);
