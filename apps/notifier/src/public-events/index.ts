export { startPublicEvents } from './start-public-events.js';
export { PublicEventFacts1765200000100 } from './public-events.migration.js';
export { ensureLifecycleStream } from './lifecycle-stream.js';
