import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor, NoticeColour, RectificationCommand, RectificationState, RegisterRectification, SupervisionPolicy } from '@duban/domain';

export const RECTIFICATION_WORKFLOW = 'rectificationWorkflow';

export interface RectificationWorkflowInput {
  readonly item: RegisterRectification;
  readonly registeredBy: Actor;
  /** Overrides the policy chosen from source and severity. */
  readonly policy?: SupervisionPolicy;
  /** Set when continuing as new, or when a closed item is reopened: the state carried over. */
  readonly carried?: RectificationState;
  /** Calendar answers already obtained (carried over on continue-as-new). */
  readonly calendarAnswers?: Readonly<Record<string, string>>;
  /** Continue as new once the history has this many events (default 5,000; Temporal warns at 10,240). */
  readonly continueAsNewAfterEvents?: number;
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

export interface NoticeRecordInput {
  /** Business key of the notice: `<workflowId>:<notice key>`; recording it twice returns the first number. */
  readonly key: string;
  readonly itemId: string;
  readonly itemTitle: string;
  readonly unitId: string;
  readonly colour: NoticeColour;
  readonly reason: string;
  readonly issuedAt: string;
}

/**
 * What a projection answers: the worker's wall clock (ms since the epoch) when it had written the read model.
 * A supervised item reckons its next timer from it, not only from its workflow clock (see `superviseItem`).
 * Histories recorded before this answer hold none.
 */
export interface Projected {
  readonly at: number;
}

/** Side effects the rectification workflow asks for (besides calendar and notifications). */
export interface RectificationActivities {
  projectRectification(state: RectificationState): Promise<Projected>;
  /** Records a three-colour notice and returns its formal number, e.g. 督办〔2026〕红字第3号. Idempotent by key. */
  recordNotice(notice: NoticeRecordInput): Promise<string>;
}

/** ApplicationFailure type used when a rule refuses a step; details[0] is the RuleViolation. */
export const RULE_VIOLATION_FAILURE = 'RuleViolation';
