// The gateway's public entry (`@agentry/gateway`): what another package may use to start it
// in-process (tests/harness, tests/platform). Nothing else of apps/gateway is public.
export { startGateway, type RunningGateway } from './gateway-app.js';
export { loadGatewayConfig, edgeDefaults, type GatewayConfig, type EdgeConfig } from './config.js';
