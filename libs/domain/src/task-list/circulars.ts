import { shanghaiDate } from '../time.js';
import type { AssignmentOutcome, AssignmentStatus } from './vocabulary.js';
import { sumResults, type UnitMonthResult } from './task-list.js';

/** Assignments neither done nor closed at month end: total minus every counted outcome. */
export const openCount = (row: UnitMonthResult) => row.total - row.onTime - row.late - row.carriedOver - row.failed;

/** One line of a circular's overdue list (逾期任务清单). */
export interface OverdueEntry {
  readonly assignmentId: string;
  readonly unitId: string;
  readonly title: string;
  readonly dueDate: string;
  /** Done late: the day it was done; null while (or when it ended) not done. */
  readonly doneDate: string | null;
  readonly status: AssignmentStatus;
  /** Calendar days past the due date: until it was done, or until `asOf`. */
  readonly daysOverdue: number;
}

const DAY_MS = 86_400_000;
const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);

/**
 * The overdue list of a month: assignments done after their due date, and those not done whose due date passed
 * before `asOf` (now for a running month, the close for a closed one). Longest overdue first.
 */
export function overdueEntries(
  assignments: readonly {
    readonly id: string;
    readonly leadUnitId: string;
    readonly title: string;
    readonly status: AssignmentStatus;
    readonly dueAt: string;
    readonly doneAt: string | null;
    readonly outcome: AssignmentOutcome | null;
  }[],
  asOf: Date,
): OverdueEntry[] {
  const entries: OverdueEntry[] = [];
  for (const a of assignments) {
    const dueDate = shanghaiDate(a.dueAt);
    if (a.doneAt !== null) {
      if (a.outcome !== 'late' && Date.parse(a.doneAt) <= Date.parse(a.dueAt)) continue;
      const doneDate = shanghaiDate(a.doneAt);
      entries.push({ assignmentId: a.id, unitId: a.leadUnitId, title: a.title, dueDate, doneDate, status: a.status, daysOverdue: Math.max(1, daysBetween(dueDate, doneDate)) });
    } else if (asOf.getTime() > Date.parse(a.dueAt)) {
      entries.push({ assignmentId: a.id, unitId: a.leadUnitId, title: a.title, dueDate, doneDate: null, status: a.status, daysOverdue: Math.max(1, daysBetween(dueDate, shanghaiDate(asOf))) });
    }
  }
  return entries.sort((x, y) => y.daysOverdue - x.daysOverdue || x.unitId.localeCompare(y.unitId) || x.assignmentId.localeCompare(y.assignmentId));
}

/** A calendar quarter (季度) as the circulars name it. */
export interface Quarter {
  /** `YYYY-Qn` */
  readonly id: string;
  readonly year: number;
  readonly quarter: 1 | 2 | 3 | 4;
  /** Its three months, `YYYY-MM`. */
  readonly months: readonly [string, string, string];
  /** 2026年第四季度 */
  readonly label: string;
}

const QUARTER_NAMES = ['一', '二', '三', '四'] as const;

/** Reads `2026-Q4`; null for anything else. */
export function parseQuarter(value: string): Quarter | null {
  const m = /^(\d{4})-Q([1-4])$/.exec(value);
  if (!m) return null;
  const year = Number(m[1]);
  const quarter = Number(m[2]) as Quarter['quarter'];
  const month = (i: number) => `${year}-${String((quarter - 1) * 3 + i).padStart(2, '0')}`;
  return { id: value, year, quarter, months: [month(1), month(2), month(3)], label: `${year}年第${QUARTER_NAMES[quarter - 1]}季度` };
}

/** The quarter a month (`YYYY-MM`) belongs to. */
export function quarterOfMonth(month: string): Quarter {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return parseQuarter(`${year}-Q${Math.ceil(m / 3)}`)!;
}

/** The quarterly review (季度盘点) taken when a quarter's last month closes: its three months summed per unit. */
export interface QuarterReview {
  /** `2026-Q4` */
  readonly quarter: string;
  readonly at: string;
  /** Each month of the quarter, and whether its list was closed (a month without a closed list adds nothing). */
  readonly months: readonly { readonly month: string; readonly closed: boolean }[];
  readonly results: UnitMonthResult[];
}

/** Closing this month (`YYYY-MM`) closes its quarter. */
export const endsQuarter = (month: string) => quarterOfMonth(month).months[2] === month;

/**
 * The review due when `month` closes, or null when `month` does not end its quarter. `closedResults` answers a
 * month's month-end results, null when that month's list is not closed (or does not exist); for `month` itself
 * the caller passes the results it has just computed.
 */
export function quarterReviewAtClose(month: string, at: string, closedResults: (month: string) => readonly UnitMonthResult[] | null): QuarterReview | null {
  if (!endsQuarter(month)) return null;
  const quarter = quarterOfMonth(month);
  const months = quarter.months.map((m) => ({ month: m, results: closedResults(m) }));
  return {
    quarter: quarter.id,
    at,
    months: months.map((m) => ({ month: m.month, closed: m.results !== null })),
    results: sumResults(months.map((m) => m.results ?? [])),
  };
}

/** 0.875 → 87.5% (one decimal, as circulars print rates). */
export const percent = (rate: number) => `${Math.round(rate * 1000) / 10}%`;
