import 'reflect-metadata';
import { ConfigError } from '@agentry/config';
import { loadSchedulerConfig } from './config.js';
import { startScheduler } from './scheduler-app.js';

async function main(): Promise<void> {
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
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`scheduler: ${error.message}`);
  else console.error('scheduler failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
