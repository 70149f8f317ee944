import { continueAsNew } from '@temporalio/workflow';
import { FINAL_STATUSES, buildSchedule, decide, fire, nextTimer, register, scheduleShifts, type RectificationState } from '@duban/domain';
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
 * One rectification item (整改问题), from registration to sign-off. The workflow owns the item's state:
 * users change it through the `act` update, timers through `fire`; both run one at a time.
 */
export async function rectificationWorkflow(input: RectificationWorkflowInput): Promise<RectificationState> {
  const initial = input.carried ?? register(input.item, input.registeredBy, nowIso(), input.policy ? { policy: input.policy } : {});
  const run = await superviseItem(rectification, initial, input);
  if (run.final) return run.state;
  return continueAsNew<typeof rectificationWorkflow>({ ...input, carried: run.state, calendarAnswers: run.calendarAnswers });
}
