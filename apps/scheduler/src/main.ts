import 'reflect-metadata';
import { loadSchedulerConfig } from './config.js';
import { runMain } from './platform/run-main.js';
import { startScheduler } from './scheduler-app.js';

runMain('scheduler', async () => {
  const starting = startScheduler(loadSchedulerConfig());
  // Registered before start-up finishes, so a signal arriving meanwhile still closes cleanly.
  const stop = () => {
    starting
      .then((scheduler) => scheduler.close())
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await starting;
});
