import { ScheduleAlreadyRunning, type Client, type ScheduleHandle, type ScheduleOptions } from '@temporalio/client';
import { MONTHLY_LIST_ISSUE_WORKFLOW, monthlyTaskListScheduleId, type MonthlyListIssueInput } from '@duban/contracts';

/** The 1st of every month at 09:00 in Shanghai (the office's default publication time), catching up a day late at most. */
export function monthlyTaskListSchedule(taskQueue: string): ScheduleOptions {
  const scheduleId = monthlyTaskListScheduleId(taskQueue);
  const input: MonthlyListIssueInput = {};
  return {
    scheduleId,
    spec: { calendars: [{ dayOfMonth: 1, hour: 9, minute: 0, comment: '每月1日09:00下发当月重点工作清单' }], timezone: 'Asia/Shanghai', jitter: 0 },
    action: { type: 'startWorkflow', workflowType: MONTHLY_LIST_ISSUE_WORKFLOW, workflowId: `${scheduleId}-issue`, taskQueue, args: [input] },
    policies: { catchupWindow: '1 day' },
  };
}

/**
 * Creates the monthly task-list Schedule, or brings an existing one up to this code's spec and action. The worker
 * owns it (apps/worker main.ts runs this at every start, so `npm start` has it); concurrent starts of several workers
 * are harmless: one creates, the others update to the same definition.
 */
export async function ensureMonthlyTaskListSchedule(client: Client, taskQueue: string): Promise<ScheduleHandle> {
  const options = monthlyTaskListSchedule(taskQueue);
  try {
    return await client.schedule.create(options);
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    const handle = client.schedule.getHandle(options.scheduleId);
    await handle.update((previous) => ({ ...previous, spec: options.spec, action: options.action, policies: { ...previous.policies, catchupWindow: options.policies!.catchupWindow! } }));
    return handle;
  }
}
