export * from './errors.js';
export * from './rpc.js';
export * from './subjects.js';
export * from './streams.js';
export * from './scripts/index.js';
export * from './agents/index.js';
export * from './accounts/index.js';
export * from './containers/index.js';
