import { endOfShanghaiDay, isCalendarDate } from '../time.js';

/** A dated milestone of a quantified item, e.g. 资金支付进度 ≥ 50 % by 06-30. */
export interface Milestone {
  /** YYYY-MM-DD, the end of that day. */
  readonly date: string;
  readonly value: number;
}

/** A numeric target with its milestone schedule (序时进度) and the latest reported value. */
export interface Quantity {
  /** What is counted, e.g. 资金支付进度. */
  readonly metric: string;
  /** e.g. "%", "户", "万元". */
  readonly unit: string;
  /** Where the count starts (usually 0) and when: the schedule runs from here. */
  readonly baseline: number;
  readonly baselineAt: string;
  readonly target: number;
  /** Ascending by date and value; the last one reaches the target. */
  readonly milestones: readonly Milestone[];
  readonly current: number;
  readonly reportedAt: string | null;
}

/** A reason (zh-CN) the milestones cannot be used, or null. */
export function milestonesProblem(target: number, baseline: number, milestones: readonly Milestone[]): string | null {
  if (!Number.isFinite(target) || target <= baseline) return '目标值须大于起始值';
  if (milestones.length === 0) return '量化任务至少需要一个时间节点';
  for (const [i, m] of milestones.entries()) {
    if (!isCalendarDate(m.date)) return `第${i + 1}个时间节点的日期须为 YYYY-MM-DD 格式`;
    if (!Number.isFinite(m.value) || m.value <= baseline || m.value > target) return `第${i + 1}个时间节点的目标值须大于起始值且不超过目标值`;
    const previous = milestones[i - 1];
    if (previous && (m.date <= previous.date || m.value < previous.value)) return '时间节点须按日期先后排列，目标值不能递减';
  }
  return null;
}

/** The schedule as points (instant ms, value): from the baseline to each milestone at the end of its day. */
function points(q: Quantity): [number, number][] {
  return [[Date.parse(q.baselineAt), q.baseline], ...q.milestones.map((m): [number, number] => [Date.parse(endOfShanghaiDay(m.date)), m.value])];
}

/** The value the schedule expects at `at` (序时进度): straight lines between milestones, flat after the last. */
export function expectedValue(q: Quantity, at: string): number {
  const t = Date.parse(at);
  const pts = points(q);
  if (t <= pts[0]![0]) return q.baseline;
  for (let i = 1; i < pts.length; i++) {
    const [t0, v0] = pts[i - 1]!;
    const [t1, v1] = pts[i]!;
    if (t <= t1) return v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);
  }
  return pts[pts.length - 1]![1];
}

/** How far behind the schedule a value may fall before the item is lagging. */
export const lagAllowance = (q: Quantity, thresholdPercent: number): number => ((q.target - q.baseline) * thresholdPercent) / 100;

export const isBehindSchedule = (q: Quantity, thresholdPercent: number, at: string): boolean =>
  expectedValue(q, at) - q.current > lagAllowance(q, thresholdPercent);

/**
 * The first instant after `after` at which the schedule's expectation exceeds the current value by more than the
 * allowance — when the item starts lagging unless a new value arrives. Null when the schedule never gets there.
 */
export function lagStartsAt(q: Quantity, thresholdPercent: number, after: string): string | null {
  const level = q.current + lagAllowance(q, thresholdPercent);
  const pts = points(q);
  const from = Date.parse(after);
  for (let i = 1; i < pts.length; i++) {
    const [t0, v0] = pts[i - 1]!;
    const [t1, v1] = pts[i]!;
    if (v1 <= level || t1 <= from) continue;
    // The segment crosses `level` (or starts above it): the instant it first exceeds it, not before `after`.
    const crossing = v0 > level ? t0 : Math.floor(t0 + ((level - v0) * (t1 - t0)) / (v1 - v0)) + 1;
    return new Date(Math.max(crossing, from + 1)).toISOString();
  }
  return null;
}

/** The earliest milestone the current value has not reached. */
export const nextUnmetMilestone = (q: Quantity): Milestone | null => q.milestones.find((m) => q.current < m.value) ?? null;
