export * from './campaign.js';
export * from './progress.js';
