export * from './rectification.workflow.js';
