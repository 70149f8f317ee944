import { CATEGORY_LABELS, SOURCE_LABELS, light, monthOf, type Light, type Status } from '@duban/domain';
import type { RectificationRecord } from '@duban/persistence';

export type LightKey = Light | 'none';

export interface CountGroup {
  key: string;
  label: string;
  total: number;
  /** By light; `none` for items whose deadline does not run (closed, deferred, merged). */
  lights: Record<LightKey, number>;
  statuses: Partial<Record<Status, number>>;
}

export interface DashboardView {
  generatedAt: string;
  total: number;
  lights: Record<LightKey, number>;
  statuses: Partial<Record<Status, number>>;
  /** By lead unit (责任单位). */
  byUnit: CountGroup[];
  bySource: CountGroup[];
  byCategory: CountGroup[];
  /** closedOnTime / (closed + overdueOpen): of the items that are done or late, the share done by the deadline. */
  onTime: { closed: number; closedOnTime: number; overdueOpen: number; rate: number | null };
  /** Lead units with running overdue items, most first (then most overdue days). */
  overdueRanking: { unitId: string; unitName: string; overdueItems: number; overdueDays: number }[];
  /** Per Shanghai month: items registered (交办) and closed (销号). */
  monthlyTrend: { month: string; registered: number; closed: number }[];
  escalationsOpen: { level1: number; level2: number; total: number };
}

const emptyLights = (): Record<LightKey, number> => ({ green: 0, blue: 0, yellow: 0, red: 0, none: 0 });
const DAY = 86_400_000;

/** Counts over the items of a scope, in one pass over the streamed items. */
export class DashboardBuilder {
  private total = 0;
  private readonly lights = emptyLights();
  private readonly statuses: Partial<Record<Status, number>> = {};
  private readonly groups = { unit: new Map<string, CountGroup>(), source: new Map<string, CountGroup>(), category: new Map<string, CountGroup>() };
  private readonly onTime = { closed: 0, closedOnTime: 0, overdueOpen: 0 };
  private readonly overdue = new Map<string, { overdueItems: number; overdueDays: number }>();
  private readonly months = new Map<string, { registered: number; closed: number }>();
  private readonly escalations = { level1: 0, level2: 0 };

  constructor(
    private readonly now: Date,
    private readonly unitName: (id: string) => string,
  ) {}

  add(r: RectificationRecord): void {
    const current: LightKey = light(r, this.now) ?? 'none';
    this.total += 1;
    this.lights[current] += 1;
    this.statuses[r.status] = (this.statuses[r.status] ?? 0) + 1;
    this.count('unit', r.leadUnitId, this.unitName(r.leadUnitId), current, r.status);
    this.count('source', r.source, SOURCE_LABELS[r.source] ?? r.source, current, r.status);
    this.count('category', r.category, CATEGORY_LABELS[r.category] ?? r.category, current, r.status);
    if (r.status === 'closed' && r.closedAt) {
      this.onTime.closed += 1;
      if (Date.parse(r.closedAt) <= Date.parse(r.dueAt)) this.onTime.closedOnTime += 1;
    }
    if (current === 'red') {
      this.onTime.overdueOpen += 1;
      const entry = this.overdue.get(r.leadUnitId) ?? { overdueItems: 0, overdueDays: 0 };
      entry.overdueItems += 1;
      entry.overdueDays += Math.ceil((this.now.getTime() - Date.parse(r.dueAt)) / DAY);
      this.overdue.set(r.leadUnitId, entry);
    }
    this.month(monthOf(r.registeredAt)).registered += 1;
    if (r.status === 'closed' && r.closedAt) this.month(monthOf(r.closedAt)).closed += 1;
    if (r.escalationOpen) this.escalations[r.escalationLevel === 2 ? 'level2' : 'level1'] += 1;
  }

  view(): DashboardView {
    const sorted = (m: Map<string, CountGroup>) => [...m.values()].sort((a, b) => b.total - a.total || a.key.localeCompare(b.key));
    const settled = this.onTime.closed + this.onTime.overdueOpen;
    return {
      generatedAt: this.now.toISOString(),
      total: this.total,
      lights: this.lights,
      statuses: this.statuses,
      byUnit: sorted(this.groups.unit),
      bySource: sorted(this.groups.source),
      byCategory: sorted(this.groups.category),
      onTime: { ...this.onTime, rate: settled > 0 ? this.onTime.closedOnTime / settled : null },
      overdueRanking: [...this.overdue.entries()]
        .map(([unitId, v]) => ({ unitId, unitName: this.unitName(unitId), ...v }))
        .sort((a, b) => b.overdueItems - a.overdueItems || b.overdueDays - a.overdueDays || a.unitId.localeCompare(b.unitId)),
      monthlyTrend: [...this.months.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([month, v]) => ({ month, ...v })),
      escalationsOpen: { ...this.escalations, total: this.escalations.level1 + this.escalations.level2 },
    };
  }

  private count(kind: 'unit' | 'source' | 'category', key: string, label: string, current: LightKey, status: Status): void {
    const group = this.groups[kind].get(key) ?? { key, label, total: 0, lights: emptyLights(), statuses: {} };
    group.total += 1;
    group.lights[current] += 1;
    group.statuses[status] = (group.statuses[status] ?? 0) + 1;
    this.groups[kind].set(key, group);
  }

  private month(month: string): { registered: number; closed: number } {
    const entry = this.months.get(month) ?? { registered: 0, closed: 0 };
    this.months.set(month, entry);
    return entry;
  }
}
