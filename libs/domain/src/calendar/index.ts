export * from './dates.js';
export * from './working-days.js';
