/** States of one unit's assignment of a monthly key task (重点任务交办). */
export const ASSIGNMENT_STATUSES = [
  'assigned',
  'in_progress',
  'pending_countersign',
  'pending_acceptance',
  'done',
  'carried_over',
  'failed',
] as const;
export type AssignmentStatus = (typeof ASSIGNMENT_STATUSES)[number];

export const ASSIGNMENT_STATUS_LABELS: Record<AssignmentStatus, string> = {
  assigned: '已交办待签收',
  in_progress: '办理中',
  pending_countersign: '已报结待单位领导审签',
  pending_acceptance: '已审签待办公室验收',
  done: '已办结',
  carried_over: '未完成已结转下月',
  failed: '未完成已关闭',
};

/** The assignment's process is over: nothing is due any more. */
export const FINAL_ASSIGNMENT_STATUSES: readonly AssignmentStatus[] = ['done', 'carried_over', 'failed'];

/** The deadline runs in every other status: lights, notices and escalation apply. */
export const RUNNING_ASSIGNMENT_STATUSES: readonly AssignmentStatus[] = ASSIGNMENT_STATUSES.filter(
  (s) => !FINAL_ASSIGNMENT_STATUSES.includes(s),
);

/** What happens at month-end close to an assignment still open: carried over to next month's list (结转) or closed as failed. */
export const UNFINISHED_DISPOSITIONS = ['carry_over', 'fail'] as const;
export type UnfinishedDisposition = (typeof UNFINISHED_DISPOSITIONS)[number];

export const UNFINISHED_DISPOSITION_LABELS: Record<UnfinishedDisposition, string> = {
  carry_over: '结转下月',
  fail: '按未完成关闭',
};

/** How an assignment ended, as the month-end close counts it. */
export const ASSIGNMENT_OUTCOMES = ['on_time', 'late', 'carried_over', 'failed'] as const;
export type AssignmentOutcome = (typeof ASSIGNMENT_OUTCOMES)[number];

export const ASSIGNMENT_OUTCOME_LABELS: Record<AssignmentOutcome, string> = {
  on_time: '按期完成',
  late: '逾期完成',
  carried_over: '结转',
  failed: '未完成',
};
