export * from './nats-microservice.js';
export * from './rpc-reply.js';
export * from './rpc-client.js';
export * from './events-stream.js';
export * from './consume-events.js';
export * from './event-relay.js';
export * from './output-stream.js';
export * from './relay-runner.js';
