import type { DayShift } from '../supervision/deadline.js';
import { isCalendarDate } from '../time.js';

/** "YYYY-MM": the month a list is for. */
export const isMonth = (value: string): boolean => /^\d{4}-(0[1-9]|1[0-2])$/.test(value);

/** When an item of a monthly list is due (002: "每月15日前", "当月月底前", "最后一个工作日"). */
export type DueRule =
  | { readonly kind: 'date'; readonly date: string }
  | { readonly kind: 'dayOfMonth'; readonly day: number }
  | { readonly kind: 'monthEnd' }
  | { readonly kind: 'lastWorkingDay' };

export const DUE_RULE_KINDS = ['date', 'dayOfMonth', 'monthEnd', 'lastWorkingDay'] as const;

export function describeDueRule(rule: DueRule): string {
  switch (rule.kind) {
    case 'date':
      return `${rule.date}前`;
    case 'dayOfMonth':
      return `每月${rule.day}日前`;
    case 'monthEnd':
      return '当月月底前';
    case 'lastWorkingDay':
      return '当月最后一个工作日前';
  }
}

export function daysInMonth(month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function firstDayOf(month: string): string {
  return `${month}-01`;
}

export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** The calendar question for the month's last working day: the first working day before the next month's 1st. */
export const lastWorkingDayShift = (month: string): DayShift => ({ date: firstDayOf(nextMonth(month)), offset: -1 });

/** The calendar question a rule needs answered, or null when the date follows from the rule alone. */
export const dueRuleShift = (rule: DueRule, month: string): DayShift | null =>
  rule.kind === 'lastWorkingDay' ? lastWorkingDayShift(month) : null;

/** The due date (YYYY-MM-DD) of a rule in `month`; `lastWorkingDay` is the calendar's answer to `dueRuleShift`. */
export function dueDateFor(rule: DueRule, month: string, lastWorkingDay?: string): string {
  switch (rule.kind) {
    case 'date':
      return rule.date;
    case 'dayOfMonth':
      return `${month}-${String(Math.min(rule.day, daysInMonth(month))).padStart(2, '0')}`;
    case 'monthEnd':
      return `${month}-${String(daysInMonth(month)).padStart(2, '0')}`;
    case 'lastWorkingDay':
      if (!lastWorkingDay) throw new Error(`the calendar has not answered the last working day of ${month}`);
      return lastWorkingDay;
  }
}

/** A reason (zh-CN) the rule cannot be used for `month`, or null. */
export function dueRuleProblem(rule: DueRule, month: string): string | null {
  switch (rule.kind) {
    case 'date':
      if (!isCalendarDate(rule.date)) return '办理时限须为 YYYY-MM-DD 格式的日期';
      return rule.date < firstDayOf(month) ? '办理时限不能早于清单所属月份' : null;
    case 'dayOfMonth':
      return Number.isInteger(rule.day) && rule.day >= 1 && rule.day <= 31 ? null : '每月第几日须为 1 到 31 的整数';
    case 'monthEnd':
    case 'lastWorkingDay':
      return null;
  }
}
