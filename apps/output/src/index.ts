// The output service's public entry (`@agentry/output`): what another package may use to start
// it in-process (tests/harness, tests/platform, bench) or to rebuild its read models. Nothing
// else of apps/output is public: other services talk to it over NATS.
export { startOutput, outputDataSource, outputProjections, type RunningOutput } from './output-app.js';
export { loadOutputConfig, type OutputConfig } from './config.js';
