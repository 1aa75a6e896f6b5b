export * from './nats-microservice.js';
export * from './rpc-reply.js';
export * from './rpc-client.js';
