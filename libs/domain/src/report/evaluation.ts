import { isSupportedYear, shanghaiDate, startOfShanghaiDay } from '../time.js';

/** An evaluation period: a year (2026), a quarter (2026-Q3) or a month (2026-07), in Shanghai time. */
export interface Period {
  readonly label: string;
  /** First instant of the period (inclusive). */
  readonly from: Date;
  /** First instant after the period (exclusive). */
  readonly to: Date;
}

export const PERIOD_PATTERN = /^(\d{4})(?:-Q([1-4])|-(0[1-9]|1[0-2]))?$/;

export function parsePeriod(label: string): Period | null {
  const m = PERIOD_PATTERN.exec(label);
  if (!m) return null;
  const year = Number(m[1]);
  if (!isSupportedYear(year)) return null;
  const [firstMonth, months] = m[2] ? [(Number(m[2]) - 1) * 3 + 1, 3] : m[3] ? [Number(m[3]), 1] : [1, 12];
  const start = monthStart(year, firstMonth);
  const end = monthStart(year + Math.floor((firstMonth - 1 + months) / 12), ((firstMonth - 1 + months) % 12) + 1);
  return { label, from: new Date(startOfShanghaiDay(start)), to: new Date(startOfShanghaiDay(end)) };
}

const monthStart = (year: number, month: number) => `${year}-${String(month).padStart(2, '0')}-01`;

/** The Shanghai quarter an instant falls in, e.g. 2026-Q3. */
export function quarterOf(instant: Date | string): string {
  const date = shanghaiDate(instant);
  return `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
}

/** The Shanghai month an instant falls in, e.g. 2026-07. */
export const monthOf = (instant: Date | string): string => shanghaiDate(instant).slice(0, 7);

/** A warning rule from practice: N notices of a colour in one quarter → a deduction and a measure. */
export interface WarningRule {
  readonly colour: 'blue' | 'yellow' | 'red';
  /** Notices of that colour within one calendar quarter that trigger the rule. */
  readonly count: number;
  readonly deduction: number;
  /** The measure taken, e.g. 发函提醒 (formal letter) or 约谈单位主要负责人 (interview of the unit head). */
  readonly measure: string;
}

/** Weights of the unit evaluation (单位考评); configurable in the settings collection. */
export interface EvaluationPolicy {
  readonly base: number;
  /** Points for a fully late unit: deduction = onTimeWeight × (1 − on-time rate). */
  readonly onTimeWeight: number;
  readonly perOverdueDay: number;
  /** Cap of the overdue-days deduction. */
  readonly overdueDaysCap: number;
  readonly perReturn: number;
  readonly perLookBackFailure: number;
  readonly perEscalation: number;
  readonly perNotice: { readonly blue: number; readonly yellow: number; readonly red: number };
  readonly warnings: readonly WarningRule[];
}

export const DEFAULT_EVALUATION_POLICY: EvaluationPolicy = {
  base: 100,
  onTimeWeight: 30,
  perOverdueDay: 0.2,
  overdueDaysCap: 20,
  perReturn: 1,
  perLookBackFailure: 3,
  perEscalation: 2,
  perNotice: { blue: 0, yellow: 1, red: 2 },
  warnings: [
    { colour: 'yellow', count: 2, deduction: 2, measure: '发函提醒' },
    { colour: 'red', count: 3, deduction: 5, measure: '约谈单位主要负责人' },
  ],
};

/** What the evaluation counts for one unit over one period (all computed from its items). */
export interface UnitCounters {
  /** Items led by the unit whose deadline fell in the period (and has passed). */
  readonly due: number;
  /** Of those, closed (销号) by their deadline. */
  readonly onTime: number;
  /** Calendar days items spent overdue within the period. */
  readonly overdueDays: number;
  readonly returns: number;
  readonly lookBackFailures: number;
  readonly escalations: number;
  readonly notices: { readonly blue: number; readonly yellow: number; readonly red: number };
  /** Notices by colour and quarter (e.g. { 'yellow@2026-Q3': 2 }), for the warning rules. */
  readonly noticesByQuarter: Readonly<Record<string, number>>;
}

export interface TriggeredWarning {
  readonly quarter: string;
  readonly colour: WarningRule['colour'];
  readonly count: number;
  readonly deduction: number;
  readonly measure: string;
}

export interface UnitScore {
  readonly score: number;
  /** null when nothing fell due: the on-time term then deducts nothing. */
  readonly onTimeRate: number | null;
  readonly deductions: {
    readonly onTime: number;
    readonly overdueDays: number;
    readonly returns: number;
    readonly lookBackFailures: number;
    readonly escalations: number;
    readonly notices: number;
    readonly warnings: number;
  };
  readonly warnings: readonly TriggeredWarning[];
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * score = max(0, base − onTimeWeight·(1 − onTime/due) − min(cap, perOverdueDay·overdueDays) − perReturn·returns
 *         − perLookBackFailure·lookBackFailures − perEscalation·escalations − Σ perNotice[c]·notices[c]
 *         − Σ deductions of triggered warning rules), rounded to two decimals.
 */
export function scoreUnit(counters: UnitCounters, policy: EvaluationPolicy): UnitScore {
  const onTimeRate = counters.due > 0 ? counters.onTime / counters.due : null;
  const warnings: TriggeredWarning[] = [];
  for (const rule of policy.warnings) {
    for (const [key, count] of Object.entries(counters.noticesByQuarter).sort(([a], [b]) => a.localeCompare(b))) {
      const [colour, quarter] = key.split('@') as [string, string];
      if (colour === rule.colour && count >= rule.count) {
        warnings.push({ quarter, colour: rule.colour, count, deduction: rule.deduction, measure: rule.measure });
      }
    }
  }
  const deductions = {
    onTime: round2(onTimeRate === null ? 0 : policy.onTimeWeight * (1 - onTimeRate)),
    overdueDays: round2(Math.min(policy.overdueDaysCap, policy.perOverdueDay * counters.overdueDays)),
    returns: round2(policy.perReturn * counters.returns),
    lookBackFailures: round2(policy.perLookBackFailure * counters.lookBackFailures),
    escalations: round2(policy.perEscalation * counters.escalations),
    notices: round2(
      policy.perNotice.blue * counters.notices.blue + policy.perNotice.yellow * counters.notices.yellow + policy.perNotice.red * counters.notices.red,
    ),
    warnings: round2(warnings.reduce((sum, w) => sum + w.deduction, 0)),
  };
  const total = Object.values(deductions).reduce((a, b) => a + b, 0);
  return { score: round2(Math.max(0, policy.base - total)), onTimeRate, deductions, warnings };
}

/** Whole calendar days (Shanghai) an item was overdue inside [from, to): from the day after its due day. */
export function overdueDaysWithin(dueAt: string, until: Date, period: Pick<Period, 'from' | 'to'>): number {
  const start = Math.max(Date.parse(dueAt) + 1, period.from.getTime());
  const end = Math.min(until.getTime(), period.to.getTime());
  if (end <= start) return 0;
  return Math.ceil((end - start) / 86_400_000);
}

export const isPeriodLabel = (value: string): boolean => PERIOD_PATTERN.test(value);
