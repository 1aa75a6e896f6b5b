export * from '@agentry/events';
export { subscribe, type DeliveryInfo, type StartAt, type SubscribeOptions, type Subscription } from './subscribe.js';
export { InMemoryProcessedEvents, type ProcessedEvents } from './processed-events.js';
export { PostgresProcessedEvents } from './postgres-processed-events.js';
export { isValidLifecycleEvent, lifecycleEventProblem } from './validate.js';
export { connectSubscriber } from './connect.js';
