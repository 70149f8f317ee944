import { continueAsNew, patched } from '@temporalio/workflow';
import { FINAL_STATUSES, assignmentNotices, buildSchedule, decide, fire, nextTimer, register, scheduleShifts, type RectificationState } from '@duban/domain';
import { actUpdate, registeredUpdate, stateQuery, type RectificationActivities, type RectificationWorkflowInput } from '@duban/contracts';
import { nowIso, superviseItem, supervisionActivities, type SupervisedKind } from './supervision/supervised-process.js';

const projections = supervisionActivities<RectificationActivities>();

const rectification: SupervisedKind<RectificationState, Parameters<typeof decide>[1]> = {
  subject: 'rectification',
  decide,
  nextTimer,
  fire: (state, event, at) => fire(state, event as Parameters<typeof fire>[1], at),
  scheduleShifts,
  withSchedule: (state, answers, blue) => ({ ...state, schedule: buildSchedule(state, answers, blue) }),
  isFinal: (state) => FINAL_STATUSES.includes(state.status),
  project: (state, placement) => projections[placement].projectRectification(state),
  act: actUpdate,
  query: stateQuery,
  registered: registeredUpdate,
};

/**
 * Items registered after this change tell their lead and co-units on registration (交办); items whose history
 * predates it replay without those notifications.
 */
const ASSIGNMENT_NOTICES_PATCH = 'rectification-assignment-notices';

/** Items registered after this change remind their unit on the morning sign-in and the plan fall due. */
const DEADLINE_DAY_REMINDERS_PATCH = 'rectification-deadline-day-reminders';

/**
 * One rectification item (整改问题), from registration to sign-off. The workflow owns the item's state:
 * users change it through the `act` update, timers through `fire`; both run one at a time.
 */
export async function rectificationWorkflow(input: RectificationWorkflowInput): Promise<RectificationState> {
  const initial =
    input.carried ??
    register(input.item, input.registeredBy, nowIso(), {
      ...(input.policy ? { policy: input.policy } : {}),
      deadlineDayReminders: patched(DEADLINE_DAY_REMINDERS_PATCH),
    });
  const told = input.carried === undefined && patched(ASSIGNMENT_NOTICES_PATCH);
  const run = await superviseItem(rectification, initial, { ...input, ...(told ? { initialEffects: assignmentNotices(initial) } : {}) });
  if (run.final) return run.state;
  return continueAsNew<typeof rectificationWorkflow>({ ...input, carried: run.state, calendarAnswers: run.calendarAnswers });
}
