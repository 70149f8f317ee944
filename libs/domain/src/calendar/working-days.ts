import { isCalendarDate } from '../time.js';
import { addCalendarDays, calendarDaysBetween, isWeekdayRuleWorkingDay } from './dates.js';

/** Classifies one Shanghai calendar date (YYYY-MM-DD): true when it is a working day. */
export type DayClassifier = (date: string) => boolean;

/**
 * The longest run of consecutive non-working days a shift walks through before giving up. China's
 * longest break (春节) is nine days; a year without a working day means the classifier is broken.
 */
export const MAX_NON_WORKING_RUN = 366;

/** Working-day arithmetic over a classifier that knows weekends, statutory holidays and make-up days (调休). */
export interface WorkingDayCalendar {
  isWorkingDay(date: string): boolean;
  /**
   * Moves by working days (the semantics of `WorkingDayQuery` in @duban/contracts):
   * 0 gives `date` itself when it is a working day, else the next working day;
   * n > 0 the n-th working day after `date`; n < 0 the |n|-th working day before `date`.
   * `date` itself never counts for n ≠ 0.
   */
  shiftWorkingDays(date: string, offset: number): string;
  /**
   * Working days from `from` to `to`: for `to` after `from`, the working days d with from < d ≤ to;
   * for `to` before `from`, minus the working days d with to ≤ d < from; 0 for the same day.
   * So shiftWorkingDays(from, workingDaysBetween(from, to)) === to whenever `to` is a working day.
   */
  workingDaysBetween(from: string, to: string): number;
}

/** A working-day calendar driven by `classify`, which is asked only about the dates an answer depends on. */
export function createWorkingDayCalendar(classify: DayClassifier): WorkingDayCalendar {
  const isWorkingDay = (date: string): boolean => {
    if (!isCalendarDate(date)) throw new RangeError(`not a calendar date: ${date}`);
    return classify(date);
  };

  /** The first working day strictly after (step 1) or before (step -1) `date`. */
  const nextWorkingDay = (date: string, step: 1 | -1): string => {
    let day = date;
    for (let run = 0; run < MAX_NON_WORKING_RUN; run++) {
      day = addCalendarDays(day, step);
      if (classify(day)) return day;
    }
    throw new RangeError(`no working day within ${MAX_NON_WORKING_RUN} days ${step > 0 ? 'after' : 'before'} ${date}`);
  };

  return {
    isWorkingDay,

    shiftWorkingDays(date, offset) {
      if (!Number.isSafeInteger(offset)) throw new RangeError(`not a whole number of working days: ${offset}`);
      if (offset === 0) return isWorkingDay(date) ? date : nextWorkingDay(date, 1);
      if (!isCalendarDate(date)) throw new RangeError(`not a calendar date: ${date}`);
      const step = offset > 0 ? 1 : -1;
      let day = date;
      for (let moved = 0; moved < Math.abs(offset); moved++) day = nextWorkingDay(day, step);
      return day;
    },

    workingDaysBetween(from, to) {
      const span = calendarDaysBetween(from, to);
      // Forward: the days (from, to]; backward: the days [to, from), counted negative.
      const [first, last] = span >= 0 ? [1, span] : [span, -1];
      let count = 0;
      for (let i = first; i <= last; i++) if (classify(addCalendarDays(from, i))) count++;
      return span >= 0 ? count : -count;
    },
  };
}

/**
 * A classifier from a table of exceptions (holidays false, make-up working days true) over a
 * fallback rule, by default Monday to Friday.
 */
export function classifierWithExceptions(
  exceptions: Readonly<Record<string, boolean>>,
  fallback: DayClassifier = isWeekdayRuleWorkingDay,
): DayClassifier {
  return (date) => (Object.hasOwn(exceptions, date) ? exceptions[date] === true : fallback(date));
}
