import { describe, expect, it } from 'vitest';
import { addCalendarDays, calendarDateRange, calendarDaysBetween, isoWeekday, isWeekdayRuleWorkingDay, calendarYear } from './dates.js';

describe('calendar date arithmetic', () => {
  it('adds days across month ends, leap days and year ends', () => {
    expect(addCalendarDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addCalendarDays('2024-02-28', 2)).toBe('2024-03-01');
    expect(addCalendarDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addCalendarDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addCalendarDays('2025-01-01', -1)).toBe('2024-12-31');
    expect(addCalendarDays('2024-10-10', 0)).toBe('2024-10-10');
    expect(addCalendarDays('2024-01-01', 366)).toBe('2025-01-01');
  });

  it('counts days between dates in either direction', () => {
    expect(calendarDaysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(calendarDaysBetween('2025-01-01', '2024-01-01')).toBe(-366);
    expect(calendarDaysBetween('2024-10-10', '2024-10-10')).toBe(0);
  });

  it('names the day of the week (1 = Monday … 7 = Sunday) and applies the weekday rule', () => {
    expect(isoWeekday('2024-09-29')).toBe(7);
    expect(isoWeekday('2024-09-30')).toBe(1);
    expect(isoWeekday('2024-10-12')).toBe(6);
    expect(['2024-09-30', '2024-10-04'].map(isWeekdayRuleWorkingDay)).toEqual([true, true]);
    expect(['2024-10-05', '2024-10-06'].map(isWeekdayRuleWorkingDay)).toEqual([false, false]);
  });

  it('lists every date of a range, both ends included', () => {
    expect(calendarDateRange('2024-12-30', '2025-01-02')).toEqual(['2024-12-30', '2024-12-31', '2025-01-01', '2025-01-02']);
    expect(calendarDateRange('2024-01-01', '2024-12-31')).toHaveLength(366);
    expect(calendarDateRange('2024-10-10', '2024-10-10')).toEqual(['2024-10-10']);
    expect(calendarDateRange('2024-10-10', '2024-10-09')).toEqual([]);
    expect(calendarYear('2027-01-01')).toBe(2027);
  });

  it('refuses what is not a calendar date or a whole number of days', () => {
    expect(() => addCalendarDays('2026-02-29', 1)).toThrow(RangeError);
    expect(() => addCalendarDays('2024-10-10', 1.5)).toThrow(RangeError);
    expect(() => calendarDaysBetween('2024-1-1', '2024-01-02')).toThrow(RangeError);
    expect(() => isoWeekday('')).toThrow(RangeError);
    expect(() => calendarYear('2024-13-01')).toThrow(RangeError);
    expect(() => addCalendarDays('9999-12-31', 1)).toThrow(RangeError);
  });
});
