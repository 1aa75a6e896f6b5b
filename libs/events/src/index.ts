export * from './types.js';
export * from './subjects.js';
export * from './schemas.js';
