export * from './errors.js';
export * from './actor.js';
export * from './org.js';
export * from './time.js';
export * from './rectification/index.js';
export * from './calendar/index.js';
export * from './password.js';
