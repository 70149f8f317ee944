import { addCalendarMonths, shanghaiDate } from '../time.js';
import { deadlineShifts, neededShifts, resolveSchedule, type DayShift } from '../supervision/deadline.js';
import type { RectificationState, Schedule } from './state.js';

/** What each schedule entry needs from the calendar, given the item's current anchors. */
function needs(state: RectificationState): Record<keyof Schedule, DayShift | null> {
  const { policy } = state;
  const dueDate = shanghaiDate(state.dueAt);
  const progressAnchor = state.lastProgress?.at ?? state.plan?.approvedAt ?? null;
  return {
    signInBy: state.status === 'assigned' ? { date: shanghaiDate(state.registeredAt), offset: policy.signInWorkingDays } : null,
    planBy: state.status === 'signed' && state.planRequestedAt ? { date: shanghaiDate(state.planRequestedAt), offset: policy.planWorkingDays } : null,
    ...deadlineShifts(policy, dueDate),
    nextProgressDue:
      state.status === 'rectifying' && state.progressEveryMonths > 0 && progressAnchor
        ? { date: addCalendarMonths(shanghaiDate(progressAnchor), state.progressEveryMonths), offset: 0 }
        : null,
  };
}

/** The calendar questions the current state needs answered; the workflow asks the calendar activity for the ones it has not cached. */
export function scheduleShifts(state: RectificationState): DayShift[] {
  return neededShifts(needs(state));
}

/** Builds the schedule from the calendar's answers (keyed by `shiftKey`). */
export function buildSchedule(state: RectificationState, answers: Readonly<Record<string, string>>): Schedule {
  return resolveSchedule(needs(state), answers, ['blueAt']);
}
