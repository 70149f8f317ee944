import { isCalendarDate } from '../time.js';

/**
 * Arithmetic on calendar dates written YYYY-MM-DD. The strings already are Shanghai dates, so UTC
 * Date math on their midnight is exact: no time zone, no daylight saving. Pure: no Node APIs.
 */
const DAY_MS = 86_400_000;

function toUtcMs(date: string): number {
  if (!isCalendarDate(date)) throw new RangeError(`not a calendar date: ${date}`);
  return Date.parse(`${date}T00:00:00.000Z`);
}

function fromUtcMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The date `days` calendar days after `date` (before it when negative). */
export function addCalendarDays(date: string, days: number): string {
  if (!Number.isSafeInteger(days)) throw new RangeError(`not a whole number of days: ${days}`);
  const result = fromUtcMs(toUtcMs(date) + days * DAY_MS);
  if (!isCalendarDate(result)) throw new RangeError(`date out of range: ${date} + ${days} days`);
  return result;
}

/** Calendar days from `from` to `to`: 0 for the same day, negative when `to` is earlier. */
export function calendarDaysBetween(from: string, to: string): number {
  return Math.round((toUtcMs(to) - toUtcMs(from)) / DAY_MS);
}

/** ISO day of the week: 1 = Monday (周一) … 7 = Sunday (周日). */
export function isoWeekday(date: string): number {
  const day = new Date(toUtcMs(date)).getUTCDay();
  return day === 0 ? 7 : day;
}

export const WEEKDAY_LABELS: Record<number, string> = { 1: '周一', 2: '周二', 3: '周三', 4: '周四', 5: '周五', 6: '周六', 7: '周日' };

/** The rule for days without holiday data: Monday to Friday are working days, weekends are not. */
export function isWeekdayRuleWorkingDay(date: string): boolean {
  return isoWeekday(date) <= 5;
}

/** Every date from `from` to `to`, both included, in order; empty when `to` is before `from`. */
export function calendarDateRange(from: string, to: string): string[] {
  const count = calendarDaysBetween(from, to) + 1;
  return Array.from({ length: Math.max(0, count) }, (_, i) => addCalendarDays(from, i));
}

/** The calendar year of a date. */
export function calendarYear(date: string): number {
  toUtcMs(date);
  return Number(date.slice(0, 4));
}
