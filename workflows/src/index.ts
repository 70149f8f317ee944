export * from './rectification.workflow.js';
export * from './webhook-delivery.workflow.js';
export * from './inspection.workflow.js';
export * from './assignment.workflow.js';
export * from './task-list.workflow.js';
export * from './campaign.workflow.js';
export * from './monthly-list-issue.workflow.js';
