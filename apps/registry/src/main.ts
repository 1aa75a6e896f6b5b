import { ConfigError } from '@agentry/config';
import { loadRegistryConfig } from './config.js';
import { startRegistry } from './registry-app.js';

async function main(): Promise<void> {
  const registry = await startRegistry(loadRegistryConfig());
  const stop = async () => {
    await registry.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`registry: ${error.message}`);
  else console.error('registry failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
