import { ApplicationFailure, condition, continueAsNew, patched, proxyActivities, setHandler, workflowInfo, allHandlersFinished } from '@temporalio/workflow';
import {
  RULE_VIOLATION_FAILURE,
  closeMonthEarlyUpdate,
  taskListProgressQuery,
  type TaskListActivities,
  type TaskListProgress,
  type TaskListWorkflowInput,
} from '@duban/contracts';

const lists = proxyActivities<TaskListActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const DEFAULT_BATCH = 200;

/**
 * Lists published after this change tell each unit they reach once, after the last batch has started (清单下发通知);
 * lists whose history predates it replay without that activity.
 */
const UNITS_TOLD_PATCH = 'task-list-units-told';
const DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS = 2_000;

/**
 * A monthly key-task list (每月重点工作清单) from publication to month-end close.
 *
 * Fan-out: assignments are not children. An activity starts them in batches through the client with ids derived
 * from list, item and unit, so a retried batch starts nothing twice, this history grows by a few events per batch
 * (not per assignment), and no Temporal limit on pending children or activities applies. 10,000 assignments are 50
 * batches; the workflow continues as new if its history grows long anyway.
 */
export async function taskListWorkflow(input: TaskListWorkflowInput): Promise<TaskListProgress> {
  let progress: TaskListProgress = input.carried ?? { phase: 'scheduled', total: 0, started: 0, closeAt: null, closeRequestedBy: null };
  const batch = input.batchSize ?? DEFAULT_BATCH;
  const limit = input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS;
  const historyFull = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= limit;
  const carryOn = () => continueAsNew<typeof taskListWorkflow>({ ...input, carried: progress });

  setHandler(taskListProgressQuery, () => progress);
  setHandler(
    closeMonthEarlyUpdate,
    ({ actor }) => {
      progress = { ...progress, closeRequestedBy: progress.closeRequestedBy ?? actor };
      return progress;
    },
    {
      validator: (_request) => {
        if (progress.phase === 'published' && progress.closeRequestedBy === null) return;
        const message = progress.phase === 'published' || progress.phase === 'closing' || progress.phase === 'closed' ? '本月清单已结账' : '清单尚未下发完毕，不能结账';
        const violation = { code: 'invalid_state', message, details: { phase: progress.phase } };
        throw ApplicationFailure.create({ type: RULE_VIOLATION_FAILURE, message, details: [violation], nonRetryable: true });
      },
    },
  );

  if (progress.phase === 'scheduled') {
    const wait = input.publishAt ? Date.parse(input.publishAt) - Date.now() : 0;
    if (wait > 0) await condition(() => false, wait);
    const frozen = await lists.freezeTaskList({ listId: input.listId, publishedBy: input.publishedBy, at: new Date().toISOString() });
    progress = { ...progress, phase: 'publishing', total: frozen.total, closeAt: frozen.closeAt };
  }

  while (progress.phase === 'publishing') {
    if (historyFull()) return carryOn();
    if (progress.started >= progress.total) {
      if (patched(UNITS_TOLD_PATCH)) await lists.notifyAssignedUnits({ listId: input.listId });
      progress = { ...progress, phase: 'published' };
      break;
    }
    await lists.startAssignments({ listId: input.listId, offset: progress.started, limit: batch, publishedBy: input.publishedBy });
    progress = { ...progress, started: Math.min(progress.total, progress.started + batch) };
  }

  if (progress.phase === 'published') {
    const untilClose = Date.parse(progress.closeAt!) - Date.now();
    if (untilClose > 0) await condition(() => progress.closeRequestedBy !== null, untilClose);
    progress = { ...progress, phase: 'closing' };
  }

  if (progress.phase === 'closing') {
    const actor = progress.closeRequestedBy ?? { ...input.publishedBy };
    for (;;) {
      if (historyFull()) return carryOn();
      const closed = await lists.closeOpenAssignments({ listId: input.listId, limit: batch, actor });
      if (closed === 0) break;
    }
    await lists.finishMonthClose({ listId: input.listId, at: new Date().toISOString() });
    progress = { ...progress, phase: 'closed' };
  }

  await condition(allHandlersFinished);
  return progress;
}
