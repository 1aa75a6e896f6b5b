import { ConfigError } from '@agentry/config';
import { loadGatewayConfig } from './config.js';
import { startGateway } from './gateway-app.js';

async function main(): Promise<void> {
  const gateway = await startGateway(loadGatewayConfig());
  const stop = async () => {
    await gateway.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`gateway: ${error.message}`);
  else console.error('gateway failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
