import { addCalendarMonths, endOfShanghaiDay, shanghaiDate, startOfShanghaiDay } from '../time.js';
import type { RectificationState, Schedule } from './state.js';

/** A working-day shift for the calendar to answer (same shape as the calendar activity's query). */
export interface DayShift {
  readonly date: string;
  readonly offset: number;
}

export const shiftKey = (shift: DayShift) => `${shift.date}${shift.offset >= 0 ? '+' : ''}${shift.offset}`;

/** What each schedule entry needs from the calendar, given the item's current anchors. */
function needs(state: RectificationState): Record<keyof Schedule, DayShift | null> {
  const { policy } = state;
  const dueDate = shanghaiDate(state.dueAt);
  const progressAnchor = state.lastProgress?.at ?? state.plan?.approvedAt ?? null;
  return {
    signInBy: state.status === 'assigned' ? { date: shanghaiDate(state.registeredAt), offset: policy.signInWorkingDays } : null,
    planBy: state.status === 'signed' && state.planRequestedAt ? { date: shanghaiDate(state.planRequestedAt), offset: policy.planWorkingDays } : null,
    // "N working days left, the due day included": blue from the start of the (N-1)-th working day before it.
    blueAt: { date: dueDate, offset: -(policy.blueWorkingDaysLeft - 1) },
    level1At: { date: dueDate, offset: policy.level1AfterWorkingDays },
    level2At: { date: dueDate, offset: policy.level2AfterWorkingDays },
    nextProgressDue:
      state.status === 'rectifying' && state.progressEveryMonths > 0 && progressAnchor
        ? { date: addCalendarMonths(shanghaiDate(progressAnchor), state.progressEveryMonths), offset: 0 }
        : null,
  };
}

/** The calendar questions the current state needs answered; the workflow asks the calendar activity for the ones it has not cached. */
export function scheduleShifts(state: RectificationState): DayShift[] {
  return Object.values(needs(state)).filter((shift): shift is DayShift => shift !== null);
}

/** Builds the schedule from the calendar's answers (keyed by `shiftKey`). */
export function buildSchedule(state: RectificationState, answers: Readonly<Record<string, string>>): Schedule {
  const wanted = needs(state);
  const day = (shift: DayShift | null): string | null => {
    if (!shift) return null;
    const answer = answers[shiftKey(shift)];
    if (!answer) throw new Error(`calendar has not answered ${shiftKey(shift)}`);
    return answer;
  };
  const end = (shift: DayShift | null) => {
    const date = day(shift);
    return date ? endOfShanghaiDay(date) : null;
  };
  const blueDay = day(wanted.blueAt);
  return {
    signInBy: end(wanted.signInBy),
    planBy: end(wanted.planBy),
    blueAt: blueDay ? startOfShanghaiDay(blueDay) : null,
    level1At: end(wanted.level1At),
    level2At: end(wanted.level2At),
    nextProgressDue: end(wanted.nextProgressDue),
  };
}
