export * from './platform-module.js';
export * from './shutdown-stack.js';
