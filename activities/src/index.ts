export * from './rectification.activities.js';
