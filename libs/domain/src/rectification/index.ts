export * from './vocabulary.js';
export * from './state.js';
export * from './lifecycle.js';
export * from './light.js';
