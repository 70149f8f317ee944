import type { SupervisionPolicy } from '../supervision/policy.js';

/** Supervision of monthly key tasks: the shared deadline ladder plus the lag allowed on quantified items. */
export interface TaskPolicy extends SupervisionPolicy {
  /** A quantified item turns yellow when its value trails the milestone schedule (序时进度) by more than this share of its target, in percent. */
  readonly lagThresholdPercent: number;
}

export const TASK_POLICY: TaskPolicy = {
  id: 'task',
  version: 1,
  name: '月度重点任务督办',
  signInWorkingDays: 1,
  planWorkingDays: 0,
  blueWorkingDaysLeft: 3,
  progressEveryMonths: 0,
  yellowAfterReturns: 2,
  level1AfterWorkingDays: 3,
  level2AfterWorkingDays: 10,
  lagThresholdPercent: 10,
};
