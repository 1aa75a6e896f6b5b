import { runService } from '@agentry/config';
import { loadGatewayConfig } from './config.js';
import { startGateway } from './gateway-app.js';

runService('gateway', () => startGateway(loadGatewayConfig()));
