export * from './package-days.js';
export * from './day-classifier.js';
export * from './shift.js';
