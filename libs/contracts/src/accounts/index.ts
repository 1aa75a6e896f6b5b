export * from './api-key-format.js';
export * from './dto.js';
export * from './events.js';
export * from './roles.js';
export * from './key-invalidation.js';
