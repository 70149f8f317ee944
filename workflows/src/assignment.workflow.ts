import { continueAsNew, patched } from '@temporalio/workflow';
import {
  FINAL_ASSIGNMENT_STATUSES,
  assignmentScheduleShifts,
  buildAssignmentSchedule,
  decideAssignment,
  fireAssignment,
  nextAssignmentTimer,
  publishAssignment,
  type AssignmentCommand,
  type AssignmentState,
} from '@duban/domain';
import { assignmentActUpdate, assignmentStateQuery, type AssignmentActivities, type AssignmentWorkflowInput } from '@duban/contracts';
import { nowIso, superviseItem, supervisionActivities, type SupervisedKind } from './supervision/supervised-process.js';

const projections = supervisionActivities<AssignmentActivities>();

const assignment: SupervisedKind<AssignmentState, AssignmentCommand> = {
  subject: 'assignment',
  decide: decideAssignment,
  nextTimer: nextAssignmentTimer,
  fire: (state, event, at) => fireAssignment(state, event as Parameters<typeof fireAssignment>[1], at),
  scheduleShifts: assignmentScheduleShifts,
  withSchedule: (state, answers, blue) => ({ ...state, schedule: buildAssignmentSchedule(state, answers, blue) }),
  isFinal: (state) => FINAL_ASSIGNMENT_STATUSES.includes(state.status),
  project: (state, placement) => projections[placement].projectAssignment(state),
  act: assignmentActUpdate,
  query: assignmentStateQuery,
};

/** Assignments published after this change remind their unit on the morning sign-in falls due. */
const DEADLINE_DAY_REMINDERS_PATCH = 'assignment-deadline-day-reminders';

/**
 * One unit's assignment of a monthly key task (重点任务交办): sign-in, split to people, quantified progress,
 * countersign and acceptance, under the same deadline ladder, notices and escalation as rectification items.
 */
export async function assignmentWorkflow(input: AssignmentWorkflowInput): Promise<AssignmentState> {
  const initial =
    input.carried ?? publishAssignment(input.spec, input.publishedBy, nowIso(), undefined, { deadlineDayReminders: patched(DEADLINE_DAY_REMINDERS_PATCH) });
  const run = await superviseItem(assignment, initial, input);
  if (run.final) return run.state;
  return continueAsNew<typeof assignmentWorkflow>({ ...input, carried: run.state, calendarAnswers: run.calendarAnswers });
}
