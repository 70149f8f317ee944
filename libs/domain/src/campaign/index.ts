export * from './campaign.js';
export * from './progress.js';
export * from './ledger.js';
