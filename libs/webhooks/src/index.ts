export * from './webhook-address-policy.js';
export * from './webhook-target.js';
