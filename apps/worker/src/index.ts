export * from './bundle.js';
export * from './worker.js';
export * from './rebuild-read-model.js';
export * from './monthly-schedule.js';
export * from './heartbeat.js';
