import { databaseUrl, loadConfig, runMain } from '@agentry/config';
import { rebuildAndReport } from '@agentry/event-store';
import { schedulerDataSource, schedulerProjections } from './scheduler-app.js';

/**
 * `npm run rebuild -w @agentry/scheduler`: rebuilds `scheduler_agents` from the event log (agent events and
 * the scheduler's own ScheduleFired records) beside the live table and switches to it. Safe while replicas
 * run: they read and fire from the live rows until the switch.
 */
runMain('rebuild-scheduler-read-model', async () => {
  const { DATABASE_URL } = loadConfig({ DATABASE_URL: databaseUrl() });
  const dataSource = schedulerDataSource(DATABASE_URL);
  await dataSource.initialize();
  try {
    const started = Date.now();
    await rebuildAndReport(dataSource, schedulerProjections());
    console.log(`scheduler read model rebuilt in ${Date.now() - started} ms`);
  } finally {
    await dataSource.destroy();
  }
});
