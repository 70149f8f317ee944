import type { Effect } from '../supervision/effects.js';
import type { AssignmentSpec } from './assignment.js';

export type NotifyEffect = Extract<Effect, { readonly kind: 'notify' }>;

/** How many tasks of one publication a unit carries: as the unit that answers for them, and as a co-unit. */
export interface UnitTaskCount {
  readonly unitId: string;
  readonly lead: number;
  readonly co: number;
}

/**
 * Each unit a publication reaches, with its count of distinct tasks (items): a unit answering for an item is not
 * counted again as its co-unit, and a co-unit of an item issued to ten townships carries that item once. Sorted by unit.
 */
export function tasksPerUnit(specs: readonly Pick<AssignmentSpec, 'itemId' | 'leadUnitId' | 'coUnitIds'>[]): UnitTaskCount[] {
  const lead = new Map<string, Set<string>>();
  const co = new Map<string, Set<string>>();
  const add = (into: Map<string, Set<string>>, unitId: string, itemId: string) => {
    const items = into.get(unitId) ?? new Set<string>();
    items.add(itemId);
    into.set(unitId, items);
  };
  for (const spec of specs) {
    add(lead, spec.leadUnitId, spec.itemId);
    for (const unitId of spec.coUnitIds) add(co, unitId, spec.itemId);
  }
  const unitIds = [...new Set([...lead.keys(), ...co.keys()])].sort();
  return unitIds.map((unitId) => {
    const led = lead.get(unitId) ?? new Set<string>();
    const helped = [...(co.get(unitId) ?? [])].filter((itemId) => !led.has(itemId));
    return { unitId, lead: led.size, co: helped.length };
  });
}

const share = ({ lead, co }: UnitTaskCount) =>
  [lead > 0 ? `牵头办理 ${lead} 项` : null, co > 0 ? `配合办理 ${co} 项` : null].filter(Boolean).join('，');

/**
 * 清单下发: one word per unit and list, however many of the list's tasks it carries. The key is the list's and the
 * unit's, so a retried or replayed publication tells nobody twice.
 */
export function taskListDigest(list: { readonly id: string; readonly title: string }, count: UnitTaskCount): NotifyEffect {
  return {
    kind: 'notify',
    key: `tasklist:${list.id}:published:${count.unitId}`,
    unitId: count.unitId,
    audience: ['handlers', 'unit_leaders'],
    level: 'info',
    title: `本月重点任务清单已下发，贵单位承担 ${count.lead + count.co} 项`,
    body: `《${list.title}》已下发，贵单位${share(count)}。请在“月度重点任务清单—重点任务待办”中签收，分解到人并按时限办结。`,
  };
}

/** 专项行动任务下发: one word per unit and batch of tasks (checks, reports, one 举一反三 check). */
export function campaignTasksDigest(
  campaign: { readonly id: string; readonly name: string },
  batch: { readonly key: string; readonly label: string },
  count: UnitTaskCount,
): NotifyEffect {
  return {
    kind: 'notify',
    key: `campaign:${campaign.id}:${batch.key}:${count.unitId}`,
    unitId: count.unitId,
    audience: ['handlers', 'unit_leaders'],
    level: 'info',
    title: `专项行动“${campaign.name}”${batch.label}已下发，贵单位承担 ${count.lead + count.co} 项`,
    body: `贵单位${share(count)}。请在“月度重点任务清单—重点任务待办”中签收并按时限办结。`,
  };
}
