export * from './platform-module.js';
export * from './shutdown-stack.js';
export * from './observability/index.js';
export * from './service-settings.js';
export * from './service/index.js';
