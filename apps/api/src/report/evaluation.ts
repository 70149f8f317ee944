import {
  DEFAULT_EVALUATION_POLICY,
  isWithin,
  lookBackFailuresWithin,
  overdueDaysWithin,
  quarterOf,
  scoreUnit,
  type EvaluationPolicy,
  type Period,
  type TriggeredWarning,
  type UnitCounters,
  type UnitScore,
} from '@duban/domain';
import type { RectificationRecord, UnitRecord } from '@duban/persistence';

/** Unit kinds that are evaluated: the responsible units, not the county root or the office. */
const EVALUATED_KINDS = new Set(['department', 'township', 'village', 'external']);

export interface UnitEvaluation {
  rank: number;
  unitId: string;
  unitName: string;
  score: number;
  onTimeRate: number | null;
  counters: Omit<UnitCounters, 'noticesByQuarter'>;
  deductions: UnitScore['deductions'];
  warnings: readonly TriggeredWarning[];
}

export interface EvaluationView {
  period: string;
  from: string;
  to: string;
  policy: EvaluationPolicy;
  units: UnitEvaluation[];
}

interface MutableCounters {
  due: number;
  onTime: number;
  overdueDays: number;
  returns: number;
  lookBackFailures: number;
  escalations: number;
  notices: { blue: number; yellow: number; red: number };
  noticesByQuarter: Record<string, number>;
}

const zero = (): MutableCounters => ({ due: 0, onTime: 0, overdueDays: 0, returns: 0, lookBackFailures: 0, escalations: 0, notices: { blue: 0, yellow: 0, red: 0 }, noticesByQuarter: {} });

const RETURN_ACTIONS = new Set(['returnPlan', 'returnCompletion']);
const ESCALATION_ACTIONS = new Set(['escalate1', 'escalate2']);

/** What an item adds to its lead unit's counters for the period (see docs/domain.md, 单位考评). */
export function addItem(counters: MutableCounters, r: RectificationRecord, period: Period, now: Date): void {
  const inPeriod = (at: string | null | undefined) => {
    if (!at) return false;
    const t = Date.parse(at);
    return t >= period.from.getTime() && t < period.to.getTime() && t <= now.getTime();
  };
  if (r.status === 'merged') return;
  if (r.status !== 'deferred' && inPeriod(r.dueAt)) {
    counters.due += 1;
    if (r.closedAt && Date.parse(r.closedAt) <= Date.parse(r.dueAt)) counters.onTime += 1;
  }
  if (r.status !== 'deferred') counters.overdueDays += overdueDaysWithin(r.dueAt, r.closedAt ? new Date(r.closedAt) : now, { from: period.from, to: new Date(Math.min(period.to.getTime(), now.getTime())) });
  for (const entry of r.timeline) {
    if (!inPeriod(entry.at)) continue;
    if (RETURN_ACTIONS.has(entry.action)) counters.returns += 1;
    if (ESCALATION_ACTIONS.has(entry.action)) counters.escalations += 1;
  }
  for (const notice of r.notices) {
    if (!inPeriod(notice.issuedAt)) continue;
    counters.notices[notice.colour] += 1;
    const key = `${notice.colour}@${quarterOf(notice.issuedAt)}`;
    counters.noticesByQuarter[key] = (counters.noticesByQuarter[key] ?? 0) + 1;
  }
  // 回头看未通过 recorded in the period (the look-back marks each failure on its item, 整改不到位).
  counters.lookBackFailures += lookBackFailuresWithin(r.lookBackFailures, inPeriod);
}

export class EvaluationBuilder {
  private readonly counters = new Map<string, MutableCounters>();
  constructor(
    private readonly period: Period,
    private readonly now: Date,
  ) {}

  add(r: RectificationRecord): void {
    const counters = this.counters.get(r.leadUnitId) ?? zero();
    addItem(counters, r, this.period, this.now);
    this.counters.set(r.leadUnitId, counters);
  }

  /** Every evaluated unit in scope (those without items score the base), best first. */
  view(units: readonly UnitRecord[], scopeUnitId: string | undefined, policy: EvaluationPolicy = DEFAULT_EVALUATION_POLICY): EvaluationView {
    const rows = units
      .filter((u) => EVALUATED_KINDS.has(u.kind) && (scopeUnitId === undefined || isWithin(u.path, scopeUnitId)))
      .map((u) => {
        const counters = this.counters.get(u._id) ?? zero();
        const result = scoreUnit(counters, policy);
        const { noticesByQuarter: _byQuarter, ...shown } = counters;
        return { unitId: u._id, unitName: u.name, score: result.score, onTimeRate: result.onTimeRate, counters: shown, deductions: result.deductions, warnings: result.warnings };
      })
      .sort((a, b) => b.score - a.score || a.unitId.localeCompare(b.unitId));
    return {
      period: this.period.label,
      from: this.period.from.toISOString(),
      to: this.period.to.toISOString(),
      policy,
      units: rows.map((row, i) => ({ rank: i + 1, ...row })),
    };
  }
}
