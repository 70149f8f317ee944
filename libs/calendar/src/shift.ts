import { addCalendarDays, calendarYear, isCalendarDate } from '@duban/domain';
import type { WorkingDayQuery } from '@duban/contracts';
import { CalendarRangeError, type LoadedCalendar } from './day-classifier.js';

/** About ten years of working days; a longer shift is a mistake, not a deadline. */
export const MAX_WORKING_DAY_OFFSET = 2_500;

/** Why a query cannot be answered, whatever the data: retrying will not help. */
export class InvalidWorkingDayQuery extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidWorkingDayQuery';
  }
}

export function checkWorkingDayQuery(query: WorkingDayQuery): void {
  if (typeof query?.date !== 'string' || !isCalendarDate(query.date)) {
    throw new InvalidWorkingDayQuery(`not a calendar date (YYYY-MM-DD): ${String(query?.date)}`);
  }
  if (!Number.isSafeInteger(query.offset) || Math.abs(query.offset) > MAX_WORKING_DAY_OFFSET) {
    throw new InvalidWorkingDayQuery(`offset must be a whole number within ±${MAX_WORKING_DAY_OFFSET}: ${String(query.offset)}`);
  }
}

export interface YearRange {
  readonly fromYear: number;
  readonly toYear: number;
}

/**
 * The years the answers will most likely fall in: 7 calendar days per 5 working days plus a month of
 * holidays, from each date in the direction of its offset. An answer outside them costs one more read.
 */
export function likelyYears(queries: readonly WorkingDayQuery[]): YearRange {
  let fromYear = Infinity;
  let toYear = -Infinity;
  for (const { date, offset } of queries) {
    const reach = Math.ceil((Math.abs(offset) * 7) / 5) + 31;
    const [first, last] = offset < 0 ? [addCalendarDays(date, -reach), date] : [date, addCalendarDays(date, reach)];
    fromYear = Math.min(fromYear, calendarYear(first));
    toYear = Math.max(toYear, calendarYear(last));
  }
  return { fromYear, toYear };
}

/**
 * Answers every query on calendars from `load` (whole years of overrides at a time): normally one
 * load per call; when an answer runs past the loaded years, the range grows to include them and the
 * queries are answered again.
 */
export async function shiftWorkingDaysWith(
  load: (from: string, to: string) => Promise<LoadedCalendar>,
  queries: readonly WorkingDayQuery[],
): Promise<string[]> {
  queries.forEach(checkWorkingDayQuery);
  if (queries.length === 0) return [];
  let { fromYear, toYear } = likelyYears(queries);
  for (;;) {
    const calendar = await load(`${String(fromYear).padStart(4, '0')}-01-01`, `${String(toYear).padStart(4, '0')}-12-31`);
    try {
      return queries.map(({ date, offset }) => calendar.shiftWorkingDays(date, offset));
    } catch (error) {
      if (!(error instanceof CalendarRangeError)) throw error;
      const needed = calendarYear(error.date);
      fromYear = Math.min(fromYear, needed);
      toYear = Math.max(toYear, needed);
    }
  }
}
