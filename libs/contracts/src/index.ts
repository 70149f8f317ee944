export * from './temporal.js';
export * from './rectification.js';
