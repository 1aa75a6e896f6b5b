// The notifier's public entry (`@agentry/notifier`): what another package may use to start it
// in-process (tests/harness, tests/platform) or to rebuild its read model. Nothing else of
// apps/notifier is public: it only consumes events.
export { startNotifier, notifierDataSource, notifierProjections, type RunningNotifier } from './notifier-app.js';
export { loadNotifierConfig, type NotifierConfig } from './config.js';
