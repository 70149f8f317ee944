import { describe, expect, it } from 'vitest';
import { endOfShanghaiDay, isCalendarDate, isSupportedDate, isSupportedMonth, shanghaiDate } from './time.js';

describe('Shanghai time', () => {
  it('ends a day at 24:00 China Standard Time', () => {
    expect(endOfShanghaiDay('2024-10-08')).toBe('2024-10-08T15:59:59.999Z');
  });

  it('knows which Shanghai day an instant falls on across UTC midnight', () => {
    expect(shanghaiDate('2024-09-30T15:59:59.999Z')).toBe('2024-09-30');
    expect(shanghaiDate('2024-09-30T16:00:00.000Z')).toBe('2024-10-01');
  });

  it('accepts real dates only', () => {
    expect(['2024-02-29', '2026-12-31'].every(isCalendarDate)).toBe(true);
    expect(['2026-02-29', '2026-13-01', '2026-1-1', '20261201', ''].some(isCalendarDate)).toBe(false);
  });

  it('round-trips every day of a year', () => {
    for (let d = Date.UTC(2024, 0, 1); d < Date.UTC(2025, 0, 1); d += 86_400_000) {
      const date = new Date(d).toISOString().slice(0, 10);
      expect(shanghaiDate(endOfShanghaiDay(date))).toBe(date);
    }
  });
});

describe('the years the system serves', () => {
  it('takes dates and months from 2000 to 2100 and nothing outside', () => {
    expect(['2000-01-01', '2026-02-28', '2100-12-31'].map(isSupportedDate)).toEqual([true, true, true]);
    expect(['1999-12-31', '2101-01-01', '0000-01-01', '9999-12-31', '2026-02-30'].map(isSupportedDate)).toEqual([false, false, false, false, false]);
    expect(['2000-01', '2100-12'].map(isSupportedMonth)).toEqual([true, true]);
    expect(['0000-01', '9999-12', '1900-05', '2026-13'].map(isSupportedMonth)).toEqual([false, false, false, false]);
  });
});
