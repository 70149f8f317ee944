export * from './temporal.js';
export * from './rectification.js';
export * from './calendar.js';
export * from './notifications.js';
export * from './inspection.js';
