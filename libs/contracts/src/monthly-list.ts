import type { Actor, TaskListStatus } from '@duban/domain';
import { TASK_QUEUE } from './temporal.js';

/** Started by the monthly Schedule: puts the month's recurring obligations (常态化任务) on its list and publishes it. */
export const MONTHLY_LIST_ISSUE_WORKFLOW = 'monthlyListIssueWorkflow';

/** One Schedule per task queue: `monthly-task-list` for the production queue, suffixed for test stacks. */
export const monthlyTaskListScheduleId = (taskQueue: string) => (taskQueue === TASK_QUEUE ? 'monthly-task-list' : `monthly-task-list:${taskQueue}`);

/** The actor recorded when the schedule publishes a list (the issuing office's unit, no user). */
export const scheduleActor = (unitId: string): Actor => ({ userId: 'system:monthly-task-list', name: '常态化任务定时下发', unitId, roles: ['office'] });

export interface MonthlyListIssueInput {
  /** "YYYY-MM"; absent: the month (Asia/Shanghai) the workflow starts in. */
  readonly month?: string;
}

export interface IssuedList {
  readonly listId: string;
  readonly status: TaskListStatus;
  readonly publishAt: string | null;
  /** Items the list holds (all, not only the templates'). */
  readonly items: number;
  /** Template items this call added. */
  readonly added: number;
}

export interface MonthlyListIssueResult extends IssuedList {
  readonly month: string;
  /** Who published: this run; an earlier run or the office (published or scheduled already); nobody (empty draft, closed month). */
  readonly publication: 'this-run' | 'earlier' | 'none';
}

export interface MonthlyListActivities {
  /**
   * Creates the month's draft when there is none and adds each active template due that month, once (item id from
   * template and month). On a list already published, the missing items are frozen into it and their assignments
   * started. With `mustBePublished`, fails (to be retried) while the list's publication is still pending.
   */
  addDueTemplateItems(input: { readonly month: string; readonly at: string; readonly mustBePublished?: boolean }): Promise<IssuedList>;
  /** Claims a draft for publication now (`markScheduled`) and starts its `taskListWorkflow`; a list claimed already is left as it is. */
  publishIssuedList(input: { readonly listId: string; readonly at: string }): Promise<IssuedList>;
}
