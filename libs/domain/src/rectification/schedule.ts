import { addCalendarMonths, shanghaiDate } from '../time.js';
import { deadlineShifts, neededShifts, resolveSchedule, type BlueReckoning, type DayShift } from '../supervision/deadline.js';
import type { RectificationState, Schedule } from './state.js';

/** What each schedule entry needs from the calendar, given the item's current anchors. */
function needs(state: RectificationState, blue?: BlueReckoning): Record<keyof Schedule, DayShift | null> {
  const { policy } = state;
  const dueDate = shanghaiDate(state.dueAt);
  const progressAnchor = state.lastProgress?.at ?? state.plan?.approvedAt ?? null;
  return {
    signInBy: state.status === 'assigned' ? { date: shanghaiDate(state.registeredAt), offset: policy.signInWorkingDays } : null,
    planBy: state.status === 'signed' && state.planRequestedAt ? { date: shanghaiDate(state.planRequestedAt), offset: policy.planWorkingDays } : null,
    ...deadlineShifts(policy, dueDate, blue),
    nextProgressDue:
      state.status === 'rectifying' && state.progressEveryMonths > 0 && progressAnchor
        ? { date: addCalendarMonths(shanghaiDate(progressAnchor), state.progressEveryMonths), offset: 0 }
        : null,
  };
}

/** The calendar questions the current state needs answered; the workflow asks the calendar activity for the ones it has not cached. */
export function scheduleShifts(state: RectificationState, blue?: BlueReckoning): DayShift[] {
  return neededShifts(needs(state, blue));
}

/** Builds the schedule from the calendar's answers (keyed by `shiftKey`). */
export function buildSchedule(state: RectificationState, answers: Readonly<Record<string, string>>, blue?: BlueReckoning): Schedule {
  return resolveSchedule(needs(state, blue), answers, ['blueAt']);
}
