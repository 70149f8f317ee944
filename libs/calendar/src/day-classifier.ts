import {
  calendarDaysBetween,
  createWorkingDayCalendar,
  isWeekdayRuleWorkingDay,
  type WorkingDayCalendar,
} from '@duban/domain';
import type { Connection } from 'mongoose';
import { CalendarOverrideRepository, type CalendarOverrideRecord } from '@duban/persistence';
import { packageDay } from './package-days.js';

/**
 * The one place that decides whether a Shanghai date is a working day: an administrator's override
 * if there is one, else the holiday package's arrangement, else Monday to Friday.
 */
export type DaySource = 'override' | 'package' | 'weekday';

export const DAY_SOURCE_LABELS: Record<DaySource, string> = {
  override: '管理员调整',
  package: '国务院节假日安排',
  weekday: '按周一至周五工作',
};

export interface ClassifiedDay {
  readonly date: string;
  readonly working: boolean;
  readonly source: DaySource;
  /** The holiday or make-up day's name (zh-CN); null for an ordinary weekday or weekend. */
  readonly name: string | null;
}

export type DayOverride = Pick<CalendarOverrideRecord, 'working' | 'name'>;

export function classifyDay(date: string, override: DayOverride | undefined): ClassifiedDay {
  if (override) return { date, working: override.working, source: 'override', name: override.name };
  const arranged = packageDay(date);
  if (arranged) return { date, working: arranged.working, source: 'package', name: arranged.name };
  return { date, working: isWeekdayRuleWorkingDay(date), source: 'weekday', name: null };
}

/** A date outside the range a calendar was loaded for; load a wider range and ask again. */
export class CalendarRangeError extends RangeError {
  constructor(
    readonly date: string,
    readonly from: string,
    readonly to: string,
  ) {
    super(`${date} is outside the loaded calendar ${from} … ${to}`);
    this.name = 'CalendarRangeError';
  }
}

/** A working-day calendar that knows the overrides from `from` to `to` and refuses other dates. */
export interface LoadedCalendar extends WorkingDayCalendar {
  readonly from: string;
  readonly to: string;
  /** The answer for `date` and where it came from; CalendarRangeError outside from … to. */
  classify(date: string): ClassifiedDay;
}

/** Builds the calendar from overrides already read (those from `from` to `to`); pure, no database. */
export function calendarFromOverrides(
  overrides: readonly (DayOverride & { readonly _id: string })[],
  from: string,
  to: string,
): LoadedCalendar {
  if (calendarDaysBetween(from, to) < 0) throw new RangeError(`empty calendar range ${from} … ${to}`);
  const byDate = new Map(overrides.map((o) => [o._id, { working: o.working, name: o.name }]));
  const classify = (date: string): ClassifiedDay => {
    if (date < from || date > to) throw new CalendarRangeError(date, from, to);
    return classifyDay(date, byDate.get(date));
  };
  return { ...createWorkingDayCalendar((date) => classify(date).working), from, to, classify };
}

/** Reads the overrides from `from` to `to` (one query) and builds the calendar for that range. */
export async function loadCalendar(connection: Connection, from: string, to: string): Promise<LoadedCalendar> {
  if (calendarDaysBetween(from, to) < 0) throw new RangeError(`empty calendar range ${from} … ${to}`);
  const overrides = await new CalendarOverrideRepository(connection).findInRange(from, to);
  return calendarFromOverrides(overrides, from, to);
}
