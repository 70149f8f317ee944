import { describe, expect, it } from 'vitest';
import { light } from '../rectification/light.js';
import { STANDARD_POLICY } from '../supervision/policy.js';
import { endOfShanghaiDay, shanghaiDate, startOfShanghaiDay } from '../time.js';
import { countedItem, dayNumber, lightsOnDay, type RunningCounts } from './counts.js';

const DAY = 86_400_000;
const days = ['2026-11-28', '2026-12-01', '2026-12-05', '2026-12-07', '2026-12-10', '2026-12-31', '2027-01-02'];

/** Items over every combination of due day, blue day (before, on or after the due day, or none), lagging and status. */
const items = days.flatMap((due) =>
  [null, ...days].flatMap((blue) =>
    [false, true].flatMap((lagging) =>
      (['rectifying', 'assigned', 'deferred', 'closed'] as const).map((status) => ({
        status,
        dueAt: endOfShanghaiDay(due),
        missedProgress: lagging,
        returns: 0,
        policy: STANDARD_POLICY,
        schedule: { signInBy: null, planBy: null, blueAt: blue ? startOfShanghaiDay(blue) : null, level1At: null, level2At: null, nextProgressDue: null },
        source: 'provincial_assessment' as const,
        category: 'housing' as const,
        leadUnitId: 'water',
        registeredAt: '2026-11-01T02:00:00.000Z',
        closedAt: status === 'closed' ? '2026-12-02T02:00:00.000Z' : null,
        unitScope: ['water', 'county'],
        escalationOpen: false,
        escalationLevel: 0,
      })),
    ),
  ),
);

/** What the counts read model holds for these items, summed from their counted records as of `today`. */
function runningCounts(today: string): RunningCounts {
  const counted = items.map(countedItem).filter((c) => c.running);
  const from = counted.filter((c) => c.due >= today);
  return {
    running: counted.length,
    lagging: counted.filter((c) => c.lagging).length,
    blueCapable: counted.filter((c) => c.blue).length,
    dueDaySum: counted.reduce((sum, c) => sum + dayNumber(c.due), 0),
    dueFrom: {
      running: from.length,
      lagging: from.filter((c) => c.lagging).length,
      blueCapable: from.filter((c) => c.blue).length,
      dueDaySum: from.reduce((sum, c) => sum + dayNumber(c.due), 0),
    },
    blueAfter: counted.filter((c) => c.blue && c.blue > today).length,
  };
}

describe('counts by light on a day', () => {
  it('equal light() item by item, and the overdue days its ceiling, at the first and last instant of each day', () => {
    for (const day of ['2026-11-27', ...days, '2027-01-03']) {
      for (const now of [new Date(startOfShanghaiDay(day)), new Date(endOfShanghaiDay(day)), new Date(Date.parse(startOfShanghaiDay(day)) + 9.5 * 3_600_000)]) {
        const expected = { green: 0, blue: 0, yellow: 0, red: 0, overdueDays: 0 };
        for (const item of items) {
          const current = light(item, now);
          if (!current) continue;
          expected[current] += 1;
          if (current === 'red') expected.overdueDays += Math.ceil((now.getTime() - Date.parse(item.dueAt)) / DAY);
        }
        expect(lightsOnDay(runningCounts(shanghaiDate(now)), shanghaiDate(now)), now.toISOString()).toEqual(expected);
      }
    }
  });
});
