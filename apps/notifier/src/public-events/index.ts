export { startPublicEvents, type PublicEventsPublisher } from './start-public-events.js';
export { PublicEventFacts1765200000100 } from './public-events.migration.js';
export { PUBLIC_EVENTS_PROJECTION, createPublicEventsProjection, type OnPublished } from './public-events.projection.js';
export { publicEventIdOf } from './public-event-id.js';
export { ensureLifecycleStream } from './lifecycle-stream.js';
