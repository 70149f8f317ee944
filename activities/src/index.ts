export * from './rectification.activities.js';
export * from './notifications.activities.js';
export * from './calendar.activities.js';
export * from './inspection.activities.js';
