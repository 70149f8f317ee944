import { describe, expect, it } from 'vitest';
import chineseDays from 'chinese-days';
import { calendarDateRange } from '@duban/domain';
import { CalendarRangeError, calendarFromOverrides, classifyDay } from './day-classifier.js';
import { PACKAGE_YEARS, packageDay } from './package-days.js';

/** The real chinese-days data, no overrides, for 2024 and its neighbours. */
const calendar = calendarFromOverrides([], '2023-01-01', '2025-12-31');
const shift = calendar.shiftWorkingDays;

describe('the chinese-days data: National Day 2024', () => {
  it('works the make-up Sunday before and Saturday after, rests 10-01 … 10-07', () => {
    expect(calendar.isWorkingDay('2024-09-29')).toBe(true); // 周日
    expect(calendar.isWorkingDay('2024-10-12')).toBe(true); // 周六
    for (const day of calendarDateRange('2024-10-01', '2024-10-07')) expect(calendar.isWorkingDay(day)).toBe(false);
    expect(calendar.isWorkingDay('2024-09-28')).toBe(false); // 周六
    expect(calendar.isWorkingDay('2024-10-08')).toBe(true);
    expect(calendar.classify('2024-10-01')).toEqual({ date: '2024-10-01', working: false, source: 'package', name: '国庆节' });
    expect(calendar.classify('2024-09-29')).toEqual({ date: '2024-09-29', working: true, source: 'package', name: '国庆节' });
    expect(calendar.classify('2024-10-09')).toEqual({ date: '2024-10-09', working: true, source: 'weekday', name: null });
    expect(calendar.classify('2024-10-13')).toEqual({ date: '2024-10-13', working: false, source: 'weekday', name: null });
  });

  it('shifts over the holiday and the make-up days', () => {
    expect(shift('2024-09-27', 1)).toBe('2024-09-29');
    expect(shift('2024-10-10', 3)).toBe('2024-10-14');
    expect(shift('2024-10-10', 10)).toBe('2024-10-23');
    expect(shift('2024-10-10', -3)).toBe('2024-09-30');
    expect(shift('2024-10-03', 0)).toBe('2024-10-08');
  });

  it('knows Spring Festival 2025 across the year boundary', () => {
    expect(shift('2024-12-31', 1)).toBe('2025-01-02'); // 元旦
    expect(shift('2025-01-27', 1)).toBe('2025-02-05'); // 春节 1-28 … 2-4
    expect(calendar.isWorkingDay('2025-01-26')).toBe(true); // 周日调休上班
    expect(calendar.isWorkingDay('2025-02-08')).toBe(true); // 周六调休上班
  });
});

describe('the day classifier', () => {
  it('puts an override above the package and the weekday rule', () => {
    const withOverrides = calendarFromOverrides(
      [
        { _id: '2024-10-08', working: false, name: '县庆' },
        { _id: '2024-10-05', working: true, name: '集中攻坚' },
        { _id: '2024-10-19', working: true, name: '补班' },
      ],
      '2024-01-01',
      '2024-12-31',
    );
    expect(withOverrides.classify('2024-10-08')).toEqual({ date: '2024-10-08', working: false, source: 'override', name: '县庆' });
    expect(withOverrides.classify('2024-10-05')).toMatchObject({ working: true, source: 'override' });
    expect(withOverrides.isWorkingDay('2024-10-19')).toBe(true);
    expect(withOverrides.shiftWorkingDays('2024-09-30', 1)).toBe('2024-10-05');
    expect(withOverrides.shiftWorkingDays('2024-10-05', 1)).toBe('2024-10-09');
  });

  it('falls back to Monday to Friday for years the package lacks', () => {
    expect(PACKAGE_YEARS.has(2024)).toBe(true);
    expect(PACKAGE_YEARS.has(2026)).toBe(true);
    expect(PACKAGE_YEARS.has(2027)).toBe(false);
    expect(packageDay('2027-01-01')).toBeUndefined();
    expect(classifyDay('2027-01-01', undefined)).toEqual({ date: '2027-01-01', working: true, source: 'weekday', name: null });
    expect(classifyDay('2027-01-01', { working: false, name: '元旦' })).toEqual({ date: '2027-01-01', working: false, source: 'override', name: '元旦' });
  });

  it('refuses dates outside the range it was loaded for', () => {
    expect(() => calendar.classify('2026-01-01')).toThrow(CalendarRangeError);
    expect(() => calendar.shiftWorkingDays('2025-12-31', 1)).toThrow(CalendarRangeError);
    expect(() => calendar.shiftWorkingDays('2023-01-03', -2)).toThrow(CalendarRangeError);
    expect(() => calendarFromOverrides([], '2024-02-01', '2024-01-31')).toThrow(RangeError);
  });

  // chinese-days' own isWorkday() reads dates in the local time zone and is off by a day west of UTC.
  it.runIf(new Date(2024, 0, 1).getTimezoneOffset() <= 0)('agrees with chinese-days isWorkday() on every day it has data for', () => {
    const years = [...PACKAGE_YEARS].sort((a, b) => a - b);
    const all = calendarFromOverrides([], `${years[0]}-01-01`, `${years.at(-1)! + 1}-12-31`);
    for (const day of calendarDateRange(`${years[0]}-01-01`, `${years.at(-1)! + 1}-12-31`)) {
      expect(all.isWorkingDay(day), day).toBe(chineseDays.isWorkday(day));
    }
  });
});
