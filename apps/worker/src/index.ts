export * from './bundle.js';
export * from './worker.js';
