import { RUNNING_STATUSES, type Status } from '../rectification/vocabulary.js';
import { isLagging } from '../rectification/light.js';
import type { RectificationState } from '../rectification/state.js';
import { shanghaiDate } from '../time.js';
import { monthOf } from './evaluation.js';

/**
 * What one item adds to the counts read model (`rectification_counts`): every attribute the dashboard and the
 * light gauge group or filter by, with the deadline reduced to Shanghai days. Lights are not stored: they follow
 * from `due` and `blue` and the day of `now` (see `lightsOnDay`). That holds because the domain puts `dueAt` at the
 * end of a Shanghai day and `blueAt` at the start of one (endOfShanghaiDay, resolveSchedule).
 */
export interface CountedItem {
  /** Every unit whose dashboard counts the item (its `unitScope`), and `*` for the county-wide figures. */
  readonly scopes: readonly string[];
  readonly source: string;
  readonly category: string;
  readonly leadUnitId: string;
  readonly status: Status;
  /** The deadline runs: the item has a light. */
  readonly running: boolean;
  readonly lagging: boolean;
  /** Due day (YYYY-MM-DD, Shanghai): red from the day after. */
  readonly due: string;
  /** Blue from this day while not lagging nor red; null when the item never turns blue (lagging, not running, no blue instant). */
  readonly blue: string | null;
  /** Registration month (YYYY-MM, Shanghai). */
  readonly registered: string;
  /** Closing month when closed (销号). */
  readonly closed: string | null;
  readonly closedOnTime: boolean;
  /** Open escalation waiting at level 1 or 2; 0 when none. */
  readonly escalation: 0 | 1 | 2;
}

export const COUNTY_SCOPE = '*';

type CountedInputs = Pick<RectificationState, 'source' | 'category' | 'leadUnitId' | 'status' | 'dueAt' | 'schedule' | 'registeredAt' | 'closedAt' | 'missedProgress' | 'returns' | 'policy'> & {
  readonly unitScope: readonly string[];
  readonly escalationOpen: boolean;
  readonly escalationLevel: number;
};

export function countedItem(item: CountedInputs): CountedItem {
  const running = RUNNING_STATUSES.includes(item.status);
  const lagging = isLagging(item);
  const due = shanghaiDate(item.dueAt);
  const blueAt = item.schedule.blueAt;
  // An item whose blue day is after its due day goes from green to red: it is never blue.
  const blue = running && !lagging && blueAt && shanghaiDate(blueAt) <= due ? shanghaiDate(blueAt) : null;
  const closed = item.status === 'closed' && item.closedAt ? item.closedAt : null;
  return {
    scopes: [...new Set([...item.unitScope, COUNTY_SCOPE])].sort(),
    source: item.source,
    category: item.category,
    leadUnitId: item.leadUnitId,
    status: item.status,
    running,
    lagging: running && lagging,
    due,
    blue,
    registered: monthOf(item.registeredAt),
    closed: closed ? monthOf(closed) : null,
    closedOnTime: closed !== null && Date.parse(closed) <= Date.parse(item.dueAt),
    escalation: item.escalationOpen ? (item.escalationLevel === 2 ? 2 : 1) : 0,
  };
}

const DAY = 86_400_000;

/** Days since 1970-01-01 of a calendar date: overdue days are differences of these. */
export const dayNumber = (date: string): number => Date.parse(`${date}T00:00:00.000Z`) / DAY;

/** What a group's counts hold about its running items, as totals and per day from a given day on. */
export interface RunningCounts {
  readonly running: number;
  readonly lagging: number;
  /** Running items that turn blue some day (not lagging, blue day ≤ due day). */
  readonly blueCapable: number;
  /** Sum of `dayNumber(due)` over running items. */
  readonly dueDaySum: number;
  /** From the asked day on (due day ≥ it): running, lagging, blue-capable items and their due-day sum. */
  readonly dueFrom: { readonly running: number; readonly lagging: number; readonly blueCapable: number; readonly dueDaySum: number };
  /** Blue-capable items whose blue day is after the asked day. */
  readonly blueAfter: number;
}

/**
 * The lights of a group on `today` (Shanghai date), as `light()` gives them item by item: red once the due day has
 * passed, else yellow when lagging, else blue from the blue day, else green; and the overdue days of the red ones
 * (`ceil((now - dueAt) / day)` = today − due day for a due instant at the end of its day).
 */
export function lightsOnDay(counts: RunningCounts, today: string): { green: number; blue: number; yellow: number; red: number; overdueDays: number } {
  const red = counts.running - counts.dueFrom.running;
  const yellow = counts.dueFrom.lagging;
  // Blue: blue day reached, due day not passed. A blue-capable item whose due day passed is past its blue day too.
  const blue = counts.blueCapable - counts.blueAfter - (counts.blueCapable - counts.dueFrom.blueCapable);
  const overdueDays = red * dayNumber(today) - (counts.dueDaySum - counts.dueFrom.dueDaySum);
  return { green: counts.running - red - yellow - blue, blue, yellow, red, overdueDays };
}
