import { ConfigError } from '@agentry/config';
import { loadExecutorConfig } from './config.js';
import { startExecutor } from './executor-app.js';

async function main(): Promise<void> {
  const executor = await startExecutor(loadExecutorConfig());
  const stop = async () => {
    await executor.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`executor: ${error.message}`);
  else console.error('executor failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
