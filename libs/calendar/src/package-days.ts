import { createRequire } from 'node:module';

/**
 * The statutory holidays and make-up working days (调休) of the npm package `chinese-days`, read from
 * the JSON data it ships (dist/chinese-days.json, documented in its README), keyed by YYYY-MM-DD.
 *
 * Not through its `isWorkday()`: that parses a date string as UTC midnight and formats it back in the
 * process's local time zone, so in any zone west of UTC it answers for the day before (and its own
 * tables are built the same way). The JSON keys are plain dates and need no time zone at all.
 */
interface ChineseDaysData {
  /** Days off, e.g. "2024-10-01": "National Day,国庆节,3". */
  readonly holidays: Readonly<Record<string, string>>;
  /** Make-up working days on weekends, e.g. "2024-09-29": "National Day,国庆节,3". */
  readonly workdays: Readonly<Record<string, string>>;
}

const require = createRequire(import.meta.url);
const data = require('chinese-days/dist/chinese-days.json') as ChineseDaysData;
if (typeof data?.holidays !== 'object' || typeof data?.workdays !== 'object') {
  throw new Error('chinese-days: dist/chinese-days.json has no holidays/workdays tables');
}

/** What the package says about a date it has an arrangement for. */
export interface PackageDay {
  readonly working: boolean;
  /** zh-CN name of the holiday the arrangement belongs to, e.g. '国庆节'. */
  readonly name: string;
}

/** The package's arrangement for `date`, or undefined when it has none (then the weekday rule applies). */
export function packageDay(date: string): PackageDay | undefined {
  const workday = data.workdays[date];
  if (workday !== undefined) return { working: true, name: chineseName(workday) };
  const holiday = data.holidays[date];
  if (holiday !== undefined) return { working: false, name: chineseName(holiday) };
  return undefined;
}

/** The years the package has holiday data for (2004 … 2026 in chinese-days 1.5.7). */
export const PACKAGE_YEARS: ReadonlySet<number> = new Set(
  [...Object.keys(data.holidays), ...Object.keys(data.workdays)].map((date) => Number(date.slice(0, 4))),
);

/** "National Day,国庆节,3" → "国庆节". */
function chineseName(entry: string): string {
  return entry.split(',')[1]?.trim() || entry;
}
