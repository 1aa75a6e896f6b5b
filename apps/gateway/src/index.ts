// The gateway's public entry (`@agentry/gateway`): what another package may use to start it
// in-process (tests/harness, tests/platform). Nothing else of apps/gateway is public.
export { startGateway, type RunningGateway } from './gateway-app.js';
export { loadGatewayConfig, edgeDefaults, type GatewayConfig, type EdgeConfig } from './config.js';
// The OpenAPI document's answer checker: the harness validates every answer of the end-to-end tests with it.
export { AnswerValidator } from './openapi/answer-validator.js';
