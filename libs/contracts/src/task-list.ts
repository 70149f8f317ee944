import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor, AssignmentCommand, AssignmentSpec, AssignmentState, UnitMonthResult } from '@duban/domain';
import type { Projected } from './rectification.js';

export const ASSIGNMENT_WORKFLOW = 'assignmentWorkflow';
export const TASK_LIST_WORKFLOW = 'taskListWorkflow';

/**
 * Lists are keyed by month (TL-2026-11), so two deployments sharing a Temporal namespace would meet on the same ids:
 * the ids of list and assignment workflows carry the deployment's task queue.
 */
export const assignmentWorkflowId = (taskQueue: string, assignmentId: string) => `assign:${taskQueue}:${assignmentId}`;
export const taskListWorkflowId = (taskQueue: string, listId: string) => `task-list:${taskQueue}:${listId}`;

export interface AssignmentWorkflowInput {
  readonly spec: AssignmentSpec;
  readonly publishedBy: Actor;
  /** Set when continuing as new: the state carried over. */
  readonly carried?: AssignmentState;
  readonly calendarAnswers?: Readonly<Record<string, string>>;
  readonly continueAsNewAfterEvents?: number;
}

export interface AssignmentActInput {
  readonly actor: Actor;
  readonly command: AssignmentCommand;
}

/** A user's step on an assignment; returns the new state once projected. Refusals come back as RuleViolation failures. */
export const assignmentActUpdate = defineUpdate<AssignmentState, [AssignmentActInput]>('act');
export const assignmentStateQuery = defineQuery<AssignmentState>('state');

export interface AssignmentActivities {
  projectAssignment(state: AssignmentState): Promise<Projected>;
}

export interface TaskListWorkflowInput {
  readonly listId: string;
  readonly publishedBy: Actor;
  /** When to publish (ISO); absent: at once. */
  readonly publishAt?: string;
  /** Assignments started per activity call (default 200). */
  readonly batchSize?: number;
  /** Set when continuing as new. */
  readonly carried?: TaskListProgress;
  readonly continueAsNewAfterEvents?: number;
}

export type TaskListPhase = 'scheduled' | 'publishing' | 'published' | 'closing' | 'closed';

/** What the list's process has done so far; carried across continue-as-new. */
export interface TaskListProgress {
  readonly phase: TaskListPhase;
  readonly total: number;
  /** Assignments started so far (a prefix of the list's fixed assignment order). */
  readonly started: number;
  /** End of the month's last working day: the month closes then, unless the office closes it earlier. */
  readonly closeAt: string | null;
  readonly closeRequestedBy: Actor | null;
}

/** The office closes the month before its last working day ends. */
export const closeMonthEarlyUpdate = defineUpdate<TaskListProgress, [{ readonly actor: Actor }]>('closeMonthEarly');
export const taskListProgressQuery = defineQuery<TaskListProgress>('progress');

export interface FrozenTaskList {
  readonly total: number;
  readonly closeAt: string;
}

export interface TaskListActivities {
  /** Expands targets, resolves due dates and stores the published snapshot; idempotent (a second call returns the first snapshot). */
  freezeTaskList(input: { readonly listId: string; readonly publishedBy: Actor; readonly at: string }): Promise<FrozenTaskList>;
  /** Starts the assignment workflows at [offset, offset + limit) of the list's fixed order; ones already started are skipped. */
  startAssignments(input: { readonly listId: string; readonly offset: number; readonly limit: number; readonly publishedBy: Actor }): Promise<number>;
  /**
   * Tells each unit the published list reaches, once per list however many of its tasks it carries (清单下发通知),
   * in-app and on its webhook channels; idempotent by list and unit. Returns how many units were told.
   */
  notifyAssignedUnits(input: { readonly listId: string }): Promise<number>;
  /** Closes up to `limit` assignments of the list still open (carry over or fail each); returns how many it closed. */
  closeOpenAssignments(input: { readonly listId: string; readonly limit: number; readonly actor: Actor }): Promise<number>;
  /** Records per-unit results on the list, marks it closed and carries unfinished items into next month's list. */
  finishMonthClose(input: { readonly listId: string; readonly at: string }): Promise<readonly UnitMonthResult[]>;
}
