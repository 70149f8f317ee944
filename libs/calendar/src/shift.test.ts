import { describe, expect, it } from 'vitest';
import { calendarFromOverrides, type LoadedCalendar } from './day-classifier.js';
import { InvalidWorkingDayQuery, likelyYears, shiftWorkingDaysWith } from './shift.js';

/** A loader over fixed overrides that records each range it was asked for (one database query each). */
function recordingLoader(overrides: { _id: string; working: boolean; name: string }[] = []) {
  const loads: [string, string][] = [];
  const load = async (from: string, to: string): Promise<LoadedCalendar> => {
    loads.push([from, to]);
    return calendarFromOverrides(
      overrides.filter((o) => o._id >= from && o._id <= to),
      from,
      to,
    );
  };
  return { load, loads };
}

describe('shifting working days for the activity', () => {
  it('answers every query in order with one load of whole years', async () => {
    const { load, loads } = recordingLoader();
    const answers = await shiftWorkingDaysWith(load, [
      { date: '2024-09-27', offset: 1 },
      { date: '2024-10-10', offset: 3 },
      { date: '2024-10-10', offset: 10 },
      { date: '2024-10-10', offset: -3 },
      { date: '2024-10-03', offset: 0 },
    ]);
    expect(answers).toEqual(['2024-09-29', '2024-10-14', '2024-10-23', '2024-09-30', '2024-10-08']);
    expect(loads).toEqual([['2024-01-01', '2024-12-31']]);
  });

  it('loads the next year too when a shift may run into it', async () => {
    const { load, loads } = recordingLoader([{ _id: '2027-01-01', working: false, name: '元旦' }]);
    expect(await shiftWorkingDaysWith(load, [{ date: '2026-12-31', offset: 1 }])).toEqual(['2027-01-04']);
    expect(loads).toEqual([['2026-01-01', '2027-12-31']]);
  });

  it('loads a wider range and answers again when overrides push an answer past the likely years', async () => {
    // Six weeks off at the end of 2026: the answer lands in 2027 although the estimate said 2026.
    const breakDays = Array.from({ length: 45 }, (_, i) => new Date(Date.UTC(2026, 10, 20 + i)).toISOString().slice(0, 10));
    const { load, loads } = recordingLoader(breakDays.map((d) => ({ _id: d, working: false, name: '停工' })));
    expect(likelyYears([{ date: '2026-11-19', offset: 1 }])).toEqual({ fromYear: 2026, toYear: 2026 });
    expect(await shiftWorkingDaysWith(load, [{ date: '2026-11-19', offset: 1 }])).toEqual(['2027-01-04']);
    expect(loads).toEqual([
      ['2026-01-01', '2026-12-31'],
      ['2026-01-01', '2027-12-31'],
    ]);
  });

  it('answers an empty list without loading anything', async () => {
    const { load, loads } = recordingLoader();
    expect(await shiftWorkingDaysWith(load, [])).toEqual([]);
    expect(loads).toEqual([]);
  });

  it.each([
    [{ date: '2024-02-30', offset: 1 }],
    [{ date: '20241010', offset: 1 }],
    [{ date: '2024-10-10', offset: 1.5 }],
    [{ date: '2024-10-10', offset: Number.NaN }],
    [{ date: '2024-10-10', offset: 100_000 }],
  ])('refuses %o before loading anything', async (query) => {
    const { load, loads } = recordingLoader();
    await expect(shiftWorkingDaysWith(load, [{ date: '2024-10-10', offset: 1 }, query])).rejects.toThrow(InvalidWorkingDayQuery);
    expect(loads).toEqual([]);
  });
});
