export * from './events.js';
export * from './live.js';
export * from './params.js';
export * from './internal.js';
