export * from './database.js';
export * from './units.js';
export * from './users.js';
export * from './rectifications.js';
export * from './settings.js';
