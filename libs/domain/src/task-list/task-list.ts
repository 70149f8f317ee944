import type { UnitKind } from '../org.js';
import { endOfShanghaiDay } from '../time.js';
import type { AssignmentSpec, AssignmentState } from './assignment.js';
import type { DueRule } from './due-rule.js';
import { dueDateFor } from './due-rule.js';
import type { Milestone } from './quantity.js';
import type { AssignmentOutcome, UnfinishedDisposition } from './vocabulary.js';

/** Who an item is for: named units, or every unit of a kind ("各乡(镇)" → one assignment per township). */
export type ItemTarget = { readonly kind: 'units'; readonly unitIds: readonly string[] } | { readonly kind: 'unitKind'; readonly unitKind: UnitKind };

/** One item of a monthly key-task list (重点工作清单). */
export interface TaskListItem {
  readonly id: string;
  readonly title: string;
  readonly content: string;
  readonly target: ItemTarget;
  readonly coUnitIds: readonly string[];
  readonly due: DueRule;
  readonly onUnfinished: UnfinishedDisposition;
  readonly quantity: { readonly metric: string; readonly unit: string; readonly baseline: number; readonly target: number; readonly milestones: readonly Milestone[] } | null;
  /** Set on items carried over from last month (结转): the assignment they continue. */
  readonly carriedFrom: string | null;
  /** Set on items a recurring obligation added: its template. */
  readonly templateId: string | null;
}

export const TASK_LIST_STATUSES = ['draft', 'scheduled', 'published', 'closed'] as const;
export type TaskListStatus = (typeof TASK_LIST_STATUSES)[number];
export const TASK_LIST_STATUS_LABELS: Record<TaskListStatus, string> = {
  draft: '草稿',
  scheduled: '待定时下发',
  published: '已下发',
  closed: '已月末结账',
};

/** An item after publishing froze it: its units expanded and its due date resolved. */
export interface PublishedItem extends TaskListItem {
  readonly unitIds: readonly string[];
  readonly dueDate: string;
}

/** Expands a target into unit ids, given the county's units by kind. Sorted, without duplicates. */
export function expandTarget(target: ItemTarget, unitsOfKind: (kind: UnitKind) => readonly string[]): string[] {
  const ids = target.kind === 'units' ? target.unitIds : unitsOfKind(target.unitKind);
  return [...new Set(ids)].sort();
}

/** Freezes an item for publishing. `lastWorkingDay` answers the `lastWorkingDay` due rule for the month. */
export function freezeItem(item: TaskListItem, month: string, unitIds: readonly string[], lastWorkingDay: string): PublishedItem {
  return { ...item, unitIds, dueDate: dueDateFor(item.due, month, lastWorkingDay) };
}

export const assignmentId = (listId: string, itemId: string, unitId: string) => `${listId}.${itemId}.${unitId}`;

/** The assignments of a published list, in a fixed order (items as listed, units sorted): batches are slices of it. */
export function assignmentSpecs(list: { readonly id: string; readonly title: string; readonly month: string; readonly items: readonly PublishedItem[] }): AssignmentSpec[] {
  return list.items.flatMap((item) =>
    item.unitIds.map(
      (unitId): AssignmentSpec => ({
        id: assignmentId(list.id, item.id, unitId),
        listId: list.id,
        listTitle: list.title,
        month: list.month,
        itemId: item.id,
        title: item.title,
        content: item.content,
        leadUnitId: unitId,
        coUnitIds: item.coUnitIds.filter((id) => id !== unitId),
        dueAt: endOfShanghaiDay(item.dueDate),
        onUnfinished: item.onUnfinished,
        carriedFrom: item.carriedFrom,
        quantity: item.quantity,
      }),
    ),
  );
}

export const countAssignments = (items: readonly PublishedItem[]) => items.reduce((n, item) => n + item.unitIds.length, 0);

/** Per unit, how its assignments of a month ended (month-end close, 月调度). */
export interface UnitMonthResult {
  readonly unitId: string;
  readonly total: number;
  readonly onTime: number;
  readonly late: number;
  readonly carriedOver: number;
  readonly failed: number;
  /** Share done on time, 0..1; 0 for a unit with nothing assigned. */
  readonly onTimeRate: number;
}

export function summarizeOutcomes(assignments: readonly { readonly leadUnitId: string; readonly outcome: AssignmentOutcome | null }[]): UnitMonthResult[] {
  const byUnit = new Map<string, { onTime: number; late: number; carriedOver: number; failed: number; open: number }>();
  for (const a of assignments) {
    const row = byUnit.get(a.leadUnitId) ?? { onTime: 0, late: 0, carriedOver: 0, failed: 0, open: 0 };
    if (a.outcome === 'on_time') row.onTime++;
    else if (a.outcome === 'late') row.late++;
    else if (a.outcome === 'carried_over') row.carriedOver++;
    else if (a.outcome === 'failed') row.failed++;
    else row.open++;
    byUnit.set(a.leadUnitId, row);
  }
  return [...byUnit.entries()]
    .map(([unitId, r]) => {
      const total = r.onTime + r.late + r.carriedOver + r.failed + r.open;
      return { unitId, total, onTime: r.onTime, late: r.late, carriedOver: r.carriedOver, failed: r.failed, onTimeRate: total === 0 ? 0 : r.onTime / total };
    })
    .sort((a, b) => a.unitId.localeCompare(b.unitId));
}

/** Three months of results added up per unit (季度盘点). */
export function sumResults(months: readonly (readonly UnitMonthResult[])[]): UnitMonthResult[] {
  const byUnit = new Map<string, UnitMonthResult>();
  for (const row of months.flat()) {
    const prev = byUnit.get(row.unitId);
    const total = (prev?.total ?? 0) + row.total;
    const onTime = (prev?.onTime ?? 0) + row.onTime;
    byUnit.set(row.unitId, {
      unitId: row.unitId,
      total,
      onTime,
      late: (prev?.late ?? 0) + row.late,
      carriedOver: (prev?.carriedOver ?? 0) + row.carriedOver,
      failed: (prev?.failed ?? 0) + row.failed,
      onTimeRate: total === 0 ? 0 : onTime / total,
    });
  }
  return [...byUnit.values()].sort((a, b) => a.unitId.localeCompare(b.unitId));
}

/** Ranking for a circular: best on-time rate first, then fewest failed, then unit id. */
export function rankUnits(rows: readonly UnitMonthResult[]): (UnitMonthResult & { readonly rank: number })[] {
  return [...rows]
    .sort((a, b) => b.onTimeRate - a.onTimeRate || a.failed + a.carriedOver - (b.failed + b.carriedOver) || a.unitId.localeCompare(b.unitId))
    .map((row, i) => ({ ...row, rank: i + 1 }));
}

/** The item that carries an unfinished assignment into next month's list (结转): due by that month's end, its count going on from where it stopped. */
export function carryOverItem(
  assignment: Pick<AssignmentState, 'id' | 'title' | 'content' | 'leadUnitId' | 'coUnitIds' | 'onUnfinished' | 'quantity'>,
  nextMonthDue: DueRule = { kind: 'monthEnd' },
): TaskListItem {
  const q = assignment.quantity;
  return {
    id: `carry-${assignment.id}`,
    title: `【结转】${assignment.title.replace(/^【结转】/, '')}`,
    content: assignment.content,
    target: { kind: 'units', unitIds: [assignment.leadUnitId] },
    coUnitIds: assignment.coUnitIds,
    due: nextMonthDue,
    onUnfinished: assignment.onUnfinished,
    quantity: q && { metric: q.metric, unit: q.unit, baseline: q.current, target: q.target, milestones: q.milestones.filter((m) => m.value > q.current) },
    carriedFrom: assignment.id,
    templateId: null,
  };
}
