export * from './settings.js';
export * from './events.js';
export * from './container-events.js';
export * from './record-events.js';
export * from './views.js';
export * from './params.js';
export * from './agent-groups.js';
export * from './metadata.js';
