export * from './temporal.js';
export * from './rectification.js';
export * from './calendar.js';
export * from './notifications.js';
export * from './inspection.js';
export * from './task-list.js';
export * from './monthly-list.js';
export * from './campaign.js';
