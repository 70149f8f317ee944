import { CATEGORY_LABELS, SOURCE_LABELS, type Status } from '@duban/domain';
import type { GroupCounts } from '@duban/persistence';
import type { CountGroup, DashboardView, LightKey } from './dashboard.js';

const emptyLights = (): Record<LightKey, number> => ({ green: 0, blue: 0, yellow: 0, red: 0, none: 0 });

function addStatuses(into: Partial<Record<Status, number>>, from: Partial<Record<Status, number>>): void {
  for (const [status, n] of Object.entries(from) as [Status, number][]) into[status] = (into[status] ?? 0) + n;
}

function addGroup(into: Map<string, CountGroup>, key: string, label: string, group: GroupCounts): void {
  const row = into.get(key) ?? { key, label, total: 0, lights: emptyLights(), statuses: {} };
  row.total += group.total;
  for (const [light, n] of Object.entries(group.lights) as [LightKey, number][]) row.lights[light] += n;
  row.lights.none += group.total - Object.values(group.lights).reduce((sum, n) => sum + n, 0);
  addStatuses(row.statuses, group.statuses);
  into.set(key, row);
}

/**
 * The dashboard from the counts read model: the same view DashboardBuilder makes from the items, built from the
 * groups of a scope — lead-unit groups for 按责任单位 and the overdue ranking, category groups (each item in exactly
 * one) for everything else.
 */
export function dashboardFromCounts(groups: readonly GroupCounts[], now: Date, unitName: (id: string) => string): DashboardView {
  const byUnit = new Map<string, CountGroup>();
  const bySource = new Map<string, CountGroup>();
  const byCategory = new Map<string, CountGroup>();
  const overdue = new Map<string, { overdueItems: number; overdueDays: number }>();
  const totals = new Map<string, CountGroup>();
  const onTime = { closed: 0, closedOnTime: 0, overdueOpen: 0 };
  const months = new Map<string, { registered: number; closed: number }>();
  const escalations = { level1: 0, level2: 0 };
  const month = (key: string) => {
    const entry = months.get(key) ?? { registered: 0, closed: 0 };
    months.set(key, entry);
    return entry;
  };
  for (const group of groups) {
    if (group.kind === 'u') {
      addGroup(byUnit, group.key, unitName(group.key), group);
      if (group.lights.red > 0) {
        const entry = overdue.get(group.key) ?? { overdueItems: 0, overdueDays: 0 };
        entry.overdueItems += group.lights.red;
        entry.overdueDays += group.overdueDays;
        overdue.set(group.key, entry);
      }
      continue;
    }
    addGroup(totals, '*', '', group);
    addGroup(bySource, group.source, SOURCE_LABELS[group.source as keyof typeof SOURCE_LABELS] ?? group.source, group);
    addGroup(byCategory, group.key, CATEGORY_LABELS[group.key as keyof typeof CATEGORY_LABELS] ?? group.key, group);
    onTime.closed += group.closed;
    onTime.closedOnTime += group.closedOnTime;
    onTime.overdueOpen += group.lights.red;
    for (const [key, n] of Object.entries(group.registeredByMonth)) month(key).registered += n;
    for (const [key, n] of Object.entries(group.closedByMonth)) month(key).closed += n;
    escalations.level1 += group.escalations.level1;
    escalations.level2 += group.escalations.level2;
  }
  const all = totals.get('*') ?? { key: '*', label: '', total: 0, lights: emptyLights(), statuses: {} };
  const sorted = (m: Map<string, CountGroup>) => [...m.values()].sort((a, b) => b.total - a.total || a.key.localeCompare(b.key));
  const settled = onTime.closed + onTime.overdueOpen;
  return {
    generatedAt: now.toISOString(),
    total: all.total,
    lights: all.lights,
    statuses: all.statuses,
    byUnit: sorted(byUnit),
    bySource: sorted(bySource),
    byCategory: sorted(byCategory),
    onTime: { ...onTime, rate: settled > 0 ? onTime.closedOnTime / settled : null },
    overdueRanking: [...overdue.entries()]
      .map(([unitId, v]) => ({ unitId, unitName: unitName(unitId), ...v }))
      .sort((a, b) => b.overdueItems - a.overdueItems || b.overdueDays - a.overdueDays || a.unitId.localeCompare(b.unitId)),
    monthlyTrend: [...months.entries()]
      .filter(([, v]) => v.registered > 0 || v.closed > 0)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, v]) => ({ month: key, ...v })),
    escalationsOpen: { ...escalations, total: escalations.level1 + escalations.level2 },
  };
}
