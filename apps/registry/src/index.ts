// The registry's public entry (`@agentry/registry`): what another package may use to start it
// in-process (tests/harness, tests/platform, bench) or to rebuild its read models. Nothing else
// of apps/registry is public: other services talk to it over NATS (libs/contracts subjects).
export { startRegistry, registryDataSource, registryProjections, type RunningRegistry } from './registry-app.js';
export { loadRegistryConfig, type RegistryConfig } from './config.js';
