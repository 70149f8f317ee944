import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor, RectificationCommand, RectificationState, RegisterRectification } from '@duban/domain';

export const RECTIFICATION_WORKFLOW = 'rectificationWorkflow';

export interface RectificationWorkflowInput {
  readonly item: RegisterRectification;
  readonly registeredBy: Actor;
  /** Set when continuing as new: the state carried over. */
  readonly carried?: RectificationState;
}

export interface ActInput {
  readonly actor: Actor;
  readonly command: RectificationCommand;
}

/** A user's step on an item. Validator refusals come back to the API as 4xx. Returns the new state once projected. */
export const actUpdate = defineUpdate<RectificationState, [ActInput]>('act');

/** Completes once the registration is in the read model; used with update-with-start so create reads its own write. */
export const registeredUpdate = defineUpdate<RectificationState, []>('registered');

export const stateQuery = defineQuery<RectificationState>('state');

/** Side effects the rectification workflow asks for. */
export interface RectificationActivities {
  projectRectification(state: RectificationState): Promise<void>;
}

/** ApplicationFailure type used when a rule refuses a step; details[0] is the RuleViolation. */
export const RULE_VIOLATION_FAILURE = 'RuleViolation';
