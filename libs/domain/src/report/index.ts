export * from './ledger.js';
export * from './import-rows.js';
export * from './evaluation.js';
export * from './counts.js';
