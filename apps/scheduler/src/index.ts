// The scheduler's public entry (`@agentry/scheduler`): what another package may use to start it
// in-process (tests/harness, tests/platform, bench) or to rebuild its read model. Nothing else
// of apps/scheduler is public: other services talk to it over NATS.
export { startScheduler, schedulerDataSource, schedulerProjections, type RunningScheduler } from './scheduler-app.js';
export { loadSchedulerConfig, type SchedulerConfig } from './config.js';
