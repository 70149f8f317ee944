import { describe, expect, it } from 'vitest';
import { calendarDateRange } from '../calendar/dates.js';
import { classifierWithExceptions, createWorkingDayCalendar } from '../calendar/working-days.js';
import { shanghaiDate } from '../time.js';
import { deadlineShifts, resolveSchedule, shiftKey } from './deadline.js';
import { STANDARD_POLICY, STRICT_POLICY, type SupervisionPolicy } from './policy.js';

/** Weekends, and the 2024 National Day holiday with its make-up working days (调休). */
const calendar = createWorkingDayCalendar(
  classifierWithExceptions({
    '2024-09-29': true, // 国庆节调休上班（周日）
    ...Object.fromEntries(calendarDateRange('2024-10-01', '2024-10-07').map((d) => [d, false])),
    '2024-10-12': true, // 国庆节调休上班（周六）
  }),
);

/** The Shanghai date the blue light comes on for an item due at the end of `dueDate`. */
function blueDate(policy: SupervisionPolicy, dueDate: string): string {
  const wanted = deadlineShifts(policy, dueDate);
  const answers = Object.fromEntries(Object.values(wanted).map((s) => [shiftKey(s), calendar.shiftWorkingDays(s.date, s.offset)]));
  return shanghaiDate(resolveSchedule(wanted, answers, ['blueAt']).blueAt!);
}

describe('the blue light', () => {
  it('comes on when the policy\u2019s working days are left, the due day included, when the due day is a working day', () => {
    expect(blueDate(STANDARD_POLICY, '2027-08-13')).toBe('2027-08-11'); // due Friday: Wed, Thu, Fri left
    expect(blueDate(STANDARD_POLICY, '2027-08-16')).toBe('2027-08-12'); // due Monday: Thu, Fri, Mon left
  });

  it('leaves the policy\u2019s working days when the due day is a weekend day', () => {
    // Due Sunday: the deadline falls after Friday's work, so Wednesday, Thursday and Friday remain.
    expect(blueDate(STANDARD_POLICY, '2027-08-15')).toBe('2027-08-11');
    expect(blueDate(STANDARD_POLICY, '2027-08-14')).toBe('2027-08-11'); // due Saturday
    expect(blueDate(STRICT_POLICY, '2027-08-15')).toBe('2027-08-09'); // 5 days: Mon to Fri
  });

  it('leaves the policy\u2019s working days when the due day is a holiday, make-up working days counted', () => {
    // Due 10-05 (国庆节): the working days left are 09-27 (Fri), 09-29 (make-up Sunday) and 09-30 (Mon).
    expect(blueDate(STANDARD_POLICY, '2024-10-05')).toBe('2024-09-27');
    // Due 10-07: the same three working days, not 09-29 and 09-30 alone.
    expect(blueDate(STANDARD_POLICY, '2024-10-07')).toBe('2024-09-27');
  });
});
