import type { Actor, RegisterRectification } from '@duban/domain';

/** Publishing an inspection (暗访通报): starts one rectification item per finding, then marks the inspection published. */
export const INSPECTION_PUBLISH_WORKFLOW = 'inspectionPublishWorkflow';

/** One publication per inspection: a second publish of the same inspection joins the first. */
export const inspectionPublishWorkflowId = (inspectionId: string): string => `inspection-publish:${inspectionId}`;

export interface InspectionPublishInput {
  readonly inspectionId: string;
  /** One per finding; each id is derived from the finding's id, so starting it twice is a no-op. */
  readonly items: readonly RegisterRectification[];
  readonly publishedBy: Actor;
}

export interface InspectionActivities {
  /** Sets the inspection published with its items; idempotent (a published inspection stays as it is). */
  markInspectionPublished(input: { inspectionId: string; itemIds: readonly string[]; publishedAt: string }): Promise<void>;
}
