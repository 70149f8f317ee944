export * from './policy.js';
export * from './records.js';
export * from './effects.js';
export * from './deadline.js';
export * from './escalation.js';
export * from './rule-table.js';
export * from './urge.js';
