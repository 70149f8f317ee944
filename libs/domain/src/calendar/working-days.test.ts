import { describe, expect, it } from 'vitest';
import { addCalendarDays, calendarDateRange } from './dates.js';
import { classifierWithExceptions, createWorkingDayCalendar, MAX_NON_WORKING_RUN } from './working-days.js';

/** The State Council's arrangements around the dates under test (holidays false, make-up working days true). */
const ARRANGEMENTS: Record<string, boolean> = {
  '2024-01-01': false, // 元旦（周一）
  '2024-09-14': true, // 中秋节调休上班（周六）
  '2024-09-15': false,
  '2024-09-16': false,
  '2024-09-17': false,
  '2024-09-29': true, // 国庆节调休上班（周日）
  ...Object.fromEntries(calendarDateRange('2024-10-01', '2024-10-07').map((d) => [d, false])),
  '2024-10-12': true, // 国庆节调休上班（周六）
  '2025-01-01': false, // 元旦（周三）
  '2025-01-26': true, // 春节调休上班（周日）
  ...Object.fromEntries(calendarDateRange('2025-01-28', '2025-02-04').map((d) => [d, false])),
  '2025-02-08': true, // 春节调休上班（周六）
};

const calendar = createWorkingDayCalendar(classifierWithExceptions(ARRANGEMENTS));
const shift = calendar.shiftWorkingDays;

describe('working days', () => {
  it('knows weekends from weekdays', () => {
    expect(calendar.isWorkingDay('2024-10-18')).toBe(true); // 周五
    expect(calendar.isWorkingDay('2024-10-19')).toBe(false); // 周六
    expect(calendar.isWorkingDay('2024-10-20')).toBe(false); // 周日
    expect(shift('2024-10-18', 1)).toBe('2024-10-21');
    expect(shift('2024-10-21', -1)).toBe('2024-10-18');
  });

  it('knows statutory holidays, weekdays among them included', () => {
    for (const day of calendarDateRange('2024-10-01', '2024-10-07')) expect(calendar.isWorkingDay(day)).toBe(false);
    expect(calendar.isWorkingDay('2024-09-16')).toBe(false); // 中秋节（周一）
    expect(calendar.isWorkingDay('2024-10-08')).toBe(true);
  });

  it('knows make-up working days on weekends (调休)', () => {
    expect(calendar.isWorkingDay('2024-09-29')).toBe(true); // 周日
    expect(calendar.isWorkingDay('2024-10-12')).toBe(true); // 周六
    expect(calendar.isWorkingDay('2024-10-13')).toBe(false);
    expect(shift('2024-09-27', 1)).toBe('2024-09-29');
    expect(shift('2024-10-11', 1)).toBe('2024-10-12');
    expect(shift('2024-10-14', -1)).toBe('2024-10-12');
  });

  it('moves forward over holidays and make-up days', () => {
    expect(shift('2024-09-30', 1)).toBe('2024-10-08');
    expect(shift('2024-10-10', 3)).toBe('2024-10-14');
    expect(shift('2024-10-10', 10)).toBe('2024-10-23');
    expect(shift('2024-09-13', 1)).toBe('2024-09-14');
    expect(shift('2024-09-13', 2)).toBe('2024-09-18');
  });

  it('moves backward with negative offsets', () => {
    expect(shift('2024-10-10', -3)).toBe('2024-09-30');
    expect(shift('2024-10-08', -1)).toBe('2024-09-30');
    expect(shift('2024-10-08', -2)).toBe('2024-09-29');
    expect(shift('2024-10-08', -3)).toBe('2024-09-27');
    expect(shift('2024-09-18', -1)).toBe('2024-09-14');
  });

  it('gives offset 0 as the day itself when working, else the next working day', () => {
    expect(shift('2024-10-10', 0)).toBe('2024-10-10');
    expect(shift('2024-10-12', 0)).toBe('2024-10-12'); // 调休上班的周六
    expect(shift('2024-10-03', 0)).toBe('2024-10-08'); // 国庆节当中
    expect(shift('2024-10-01', 0)).toBe('2024-10-08');
    expect(shift('2024-10-19', 0)).toBe('2024-10-21'); // 周六
    expect(shift('2025-01-01', 0)).toBe('2025-01-02');
  });

  it('never counts a non-working start day', () => {
    expect(shift('2024-10-03', 1)).toBe('2024-10-08');
    expect(shift('2024-10-03', 2)).toBe('2024-10-09');
    expect(shift('2024-10-03', -1)).toBe('2024-09-30');
    expect(shift('2024-10-19', 1)).toBe('2024-10-21');
    expect(shift('2024-10-19', -1)).toBe('2024-10-18');
  });

  it('crosses year boundaries in both directions', () => {
    expect(shift('2024-12-31', 1)).toBe('2025-01-02');
    expect(shift('2025-01-02', -1)).toBe('2024-12-31');
    expect(shift('2023-12-29', 1)).toBe('2024-01-02');
    expect(shift('2024-01-02', -1)).toBe('2023-12-29');
    expect(shift('2024-12-31', 0)).toBe('2024-12-31');
    // Spring Festival 2025: 1-26 (Sunday) and 2-8 (Saturday) worked, 1-28 … 2-4 off.
    expect(shift('2024-12-30', 20)).toBe('2025-01-27');
    expect(shift('2025-01-24', 1)).toBe('2025-01-26');
    expect(shift('2025-01-27', 1)).toBe('2025-02-05');
    expect(shift('2025-02-05', -2)).toBe('2025-01-26');
    expect(shift('2025-02-07', 1)).toBe('2025-02-08');
  });

  it('counts working days between dates, consistently with shifting', () => {
    expect(calendar.workingDaysBetween('2024-10-10', '2024-10-10')).toBe(0);
    expect(calendar.workingDaysBetween('2024-09-30', '2024-10-08')).toBe(1);
    expect(calendar.workingDaysBetween('2024-10-08', '2024-09-30')).toBe(-1);
    expect(calendar.workingDaysBetween('2024-09-27', '2024-10-14')).toBe(8);
    expect(calendar.workingDaysBetween('2024-10-01', '2024-10-07')).toBe(0);

    for (const day of calendarDateRange('2024-09-01', '2025-02-28')) {
      for (const offset of [-12, -5, -2, -1, 1, 2, 5, 12]) {
        const target = shift(day, offset);
        expect(calendar.isWorkingDay(target)).toBe(true);
        expect(calendar.workingDaysBetween(day, target)).toBe(offset);
        // One working day less lands strictly short of the target.
        if (Math.abs(offset) >= 2) {
          const before = shift(day, offset - Math.sign(offset));
          expect(offset > 0 ? before < target : before > target).toBe(true);
        }
      }
    }
  });

  it('asks the classifier only about the dates on the way', () => {
    const asked: string[] = [];
    const traced = createWorkingDayCalendar((date) => {
      asked.push(date);
      return classifierWithExceptions(ARRANGEMENTS)(date);
    });
    expect(traced.shiftWorkingDays('2024-10-10', 3)).toBe('2024-10-14');
    expect(asked).toEqual(['2024-10-11', '2024-10-12', '2024-10-13', '2024-10-14']);
    asked.length = 0;
    expect(traced.shiftWorkingDays('2024-10-08', -1)).toBe('2024-09-30');
    expect(asked).toEqual(['2024-10-07', '2024-10-06', '2024-10-05', '2024-10-04', '2024-10-03', '2024-10-02', '2024-10-01', '2024-09-30']);
  });

  it('refuses bad dates and offsets', () => {
    expect(() => shift('2024-02-30', 1)).toThrow(RangeError);
    expect(() => shift('2024/10/10', 0)).toThrow(RangeError);
    expect(() => shift('2024-10-10', 1.5)).toThrow(RangeError);
    expect(() => shift('2024-10-10', Number.NaN)).toThrow(RangeError);
    expect(() => calendar.isWorkingDay('tomorrow')).toThrow(RangeError);
    expect(() => calendar.workingDaysBetween('2024-10-10', '2024-10-32')).toThrow(RangeError);
  });

  it('gives up instead of looping when the classifier knows no working day', () => {
    const never = createWorkingDayCalendar(() => false);
    expect(() => never.shiftWorkingDays('2024-10-10', 1)).toThrow(/no working day within 366 days after 2024-10-10/);
    expect(() => never.shiftWorkingDays('2024-10-10', 0)).toThrow(RangeError);
    expect(() => never.shiftWorkingDays('2024-10-10', -1)).toThrow(/before/);
    // A long run is fine as long as it ends.
    const lastDayOff = addCalendarDays('2024-01-01', MAX_NON_WORKING_RUN - 1);
    const longBreak = createWorkingDayCalendar((date) => date > lastDayOff);
    expect(longBreak.shiftWorkingDays('2024-01-01', 0)).toBe(addCalendarDays(lastDayOff, 1));
  });

  it('lets exceptions override the fallback rule both ways', () => {
    const classify = classifierWithExceptions({ '2027-01-01': false, '2027-01-09': true });
    expect(classify('2027-01-01')).toBe(false); // 周五，放假
    expect(classify('2027-01-09')).toBe(true); // 周六，上班
    expect(classify('2027-01-04')).toBe(true);
    expect(classify('2027-01-10')).toBe(false);
    expect(classifierWithExceptions({}, () => true)('2027-01-10')).toBe(true);
  });
});
