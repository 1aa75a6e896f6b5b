import { rebuildAndReport } from '@agentry/event-store';
import { databaseUrl, loadConfig } from '@agentry/config';
import { registryDataSource, registryProjections } from './registry-app.js';

/**
 * `npm run rebuild-read-models`: rebuilds every registry read model from the whole event log, beside
 * the live tables, and switches to it. Run with the registry stopped or running: it keeps serving meanwhile.
 */
const { DATABASE_URL } = loadConfig({ DATABASE_URL: databaseUrl() });
const dataSource = registryDataSource(DATABASE_URL);
await dataSource.initialize();
const started = Date.now();
await rebuildAndReport(dataSource, registryProjections());
await dataSource.destroy();
console.log(`registry read models rebuilt in ${Date.now() - started} ms`);
