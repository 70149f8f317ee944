import { ParentClosePolicy, proxyActivities, startChild } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  RECTIFICATION_WORKFLOW,
  workflowIds,
  type InspectionActivities,
  type InspectionPublishInput,
  type RectificationWorkflowInput,
} from '@duban/contracts';

const activities = proxyActivities<InspectionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * 暗访通报: every finding becomes a rectification item of its own — a child workflow `rect:<id>` that outlives this
 * one (ABANDON) — and then the inspection is marked published. Item ids are derived from the findings, so a
 * publication that is retried (or a child already started by an earlier attempt) creates nothing twice.
 */
export async function inspectionPublishWorkflow(input: InspectionPublishInput): Promise<string[]> {
  const itemIds: string[] = [];
  for (const item of input.items) {
    const args: [RectificationWorkflowInput] = [{ item, registeredBy: input.publishedBy }];
    try {
      await startChild(RECTIFICATION_WORKFLOW, { workflowId: workflowIds.rectification(item.id), args, parentClosePolicy: ParentClosePolicy.ABANDON });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    itemIds.push(item.id);
  }
  await activities.markInspectionPublished({ inspectionId: input.inspectionId, itemIds, publishedAt: new Date().toISOString() });
  return itemIds;
}
