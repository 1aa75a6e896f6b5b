import { databaseUrl, loadConfig, runMain } from '@agentry/config';
import { rebuildProjections } from '@agentry/event-store';
import { schedulerDataSource, schedulerProjections } from './scheduler-app.js';

/**
 * `npm run rebuild -w @agentry/scheduler`: empties `scheduler_agents` and replays the event log (agent
 * events and the scheduler's own ScheduleFired records) into it. Safe while replicas run: they read the
 * old rows until the rebuild commits.
 */
runMain('rebuild-scheduler-read-model', async () => {
  const { DATABASE_URL } = loadConfig({ DATABASE_URL: databaseUrl() });
  const dataSource = schedulerDataSource(DATABASE_URL);
  await dataSource.initialize();
  try {
    const started = Date.now();
    await rebuildProjections(dataSource, schedulerProjections());
    console.log(`scheduler read model rebuilt in ${Date.now() - started} ms`);
  } finally {
    await dataSource.destroy();
  }
});
