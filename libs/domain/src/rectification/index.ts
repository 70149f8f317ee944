export * from './vocabulary.js';
export * from './policy.js';
export * from './state.js';
export * from './lifecycle.js';
export * from './assignment-notices.js';
export * from './schedule.js';
export * from './timers.js';
export * from './light.js';
