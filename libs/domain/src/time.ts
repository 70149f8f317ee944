/**
 * China Standard Time: a fixed UTC+8 offset, no daylight saving since 1991.
 * A deadline "by the 15th" means the end of that day in Asia/Shanghai.
 */
export const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The years the system serves: what users may date anything in (deadlines, months, periods, campaigns). The
 * working-day calendar, deadline arithmetic and timers are meant for these; year 0 or 9999 is a typing error.
 */
export const SUPPORTED_YEARS = { first: 2000, last: 2100 } as const;

export const isSupportedYear = (year: number): boolean => Number.isInteger(year) && year >= SUPPORTED_YEARS.first && year <= SUPPORTED_YEARS.last;

const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** A calendar date (YYYY-MM-DD) within SUPPORTED_YEARS: the one rule for every date a user sends. */
export const isSupportedDate = (value: string): boolean => isCalendarDate(value) && isSupportedYear(Number(value.slice(0, 4)));

/** A month (YYYY-MM) within SUPPORTED_YEARS. */
export function isSupportedMonth(value: string): boolean {
  const m = MONTH_PATTERN.exec(value);
  return m !== null && isSupportedYear(Number(m[1]));
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isCalendarDate(value: string): boolean {
  const m = DATE_PATTERN.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d;
}

/** The last millisecond of a Shanghai calendar day, as an ISO instant. */
export function endOfShanghaiDay(date: string): string {
  if (!isCalendarDate(date)) throw new RangeError(`not a calendar date: ${date}`);
  const startUtc = Date.parse(`${date}T00:00:00.000Z`) - SHANGHAI_OFFSET_MS;
  return new Date(startUtc + 24 * 3600 * 1000 - 1).toISOString();
}

/** The Shanghai calendar date (YYYY-MM-DD) an instant falls on. */
export function shanghaiDate(instant: Date | string): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The first millisecond of a Shanghai calendar day, as an ISO instant. */
export function startOfShanghaiDay(date: string): string {
  if (!isCalendarDate(date)) throw new RangeError(`not a calendar date: ${date}`);
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - SHANGHAI_OFFSET_MS).toISOString();
}

/** The same day `months` calendar months later, clamped to the month's last day (01-31 + 1 → 02-28). */
export function addCalendarMonths(date: string, months: number): string {
  if (!isCalendarDate(date)) throw new RangeError(`not a calendar date: ${date}`);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  return target.toISOString().slice(0, 10);
}
