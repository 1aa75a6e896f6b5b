// The executor's public entry (`@agentry/executor`): what another package may use to start it
// in-process (tests/harness, tests/platform, bench) or to rebuild its read model. Nothing else
// of apps/executor is public: other services talk to it over NATS.
export { startExecutor, executorDataSource, executorProjections, type RunningExecutor } from './executor-app.js';
export { loadExecutorConfig, type ExecutorConfig } from './config.js';
