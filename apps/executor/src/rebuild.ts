import { databaseUrl, loadConfig, runMain } from '@agentry/config';
import { rebuildAndReport } from '@agentry/event-store';
import { executorDataSource, executorProjections } from './executor-app.js';

/**
 * `npm run rebuild -w @agentry/executor`: rebuilds `executor_containers` (container phases, abort requests)
 * from the event log beside the live table and switches to it. Safe while executors run: the reaper and
 * aborts read the live rows until the switch.
 */
runMain('rebuild-executor-read-model', async () => {
  const { DATABASE_URL } = loadConfig({ DATABASE_URL: databaseUrl() });
  const dataSource = executorDataSource(DATABASE_URL);
  await dataSource.initialize();
  try {
    const started = Date.now();
    await rebuildAndReport(dataSource, executorProjections());
    console.log(`executor read model rebuilt in ${Date.now() - started} ms`);
  } finally {
    await dataSource.destroy();
  }
});
