import { ConfigError } from '@agentry/config';
import { loadOutputConfig } from './config.js';
import { startOutput } from './output-app.js';

async function main(): Promise<void> {
  const output = await startOutput(loadOutputConfig());
  const stop = async () => {
    await output.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`output: ${error.message}`);
  else console.error('output service failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
