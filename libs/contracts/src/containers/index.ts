export * from './events.js';
export * from './live.js';
export * from './params.js';
export * from './utf8-boundary.js';
export * from './internal.js';
export * from './console-lines.js';
