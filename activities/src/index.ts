export * from './rectification.activities.js';
export * from './notifications.activities.js';
export * from './calendar.activities.js';
export * from './inspection.activities.js';
export * from './task-list.activities.js';
export * from './monthly-list.activities.js';
export * from './campaign.activities.js';
export * from './unit-notifications.js';
