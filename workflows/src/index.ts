export * from './rectification.workflow.js';
export * from './webhook-delivery.workflow.js';
export * from './inspection.workflow.js';
