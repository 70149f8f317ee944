export * from './sha256.js';
export * from './sampling.js';
export * from './inspection.js';
export * from './look-back.js';
