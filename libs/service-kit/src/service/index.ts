export * from './messaging-port.js';
export * from './service-schema.js';
export * from './boot-service.js';
export * from './nats-microservice.js';
export * from './rebuild-command.js';
export * from './service-features.js';
