export * from './names.js';
export * from './events.js';
export * from './dto.js';
export * from './header.js';
export * from './result-files.js';
