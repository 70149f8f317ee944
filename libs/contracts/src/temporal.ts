/** One task queue for now; split per bounded context when a context needs its own workers. */
export const TASK_QUEUE = 'duban';

export const workflowIds = {
  rectification: (itemId: string) => `rect:${itemId}`,
};
