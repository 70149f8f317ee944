import type { Light } from '../rectification/light.js';
import { shanghaiDate } from '../time.js';
import type { Status } from '../rectification/vocabulary.js';
import type { AssignmentStatus } from '../task-list/vocabulary.js';
import type { CampaignDefinition } from './campaign.js';

/** A campaign's rectification item as progress counts it. */
export interface CampaignItemRow {
  readonly id: string;
  readonly title: string;
  readonly leadUnitId: string;
  readonly subActionId: string | null;
  readonly status: Status;
  readonly dueAt: string;
  readonly light: Light | null;
}

/** A campaign task (check, 举一反三, report) as progress counts it. */
export interface CampaignTaskRow {
  readonly id: string;
  readonly leadUnitId: string;
  readonly status: AssignmentStatus;
  readonly dueAt: string;
  readonly light: Light | null;
}

export interface Tally {
  readonly total: number;
  /** Closed (销号) or merged items; accepted tasks. */
  readonly done: number;
  /** Deferred with a filed reason (暂缓整改备案). */
  readonly deferred: number;
  readonly open: number;
  readonly red: number;
  /** done / total, 0 when there is nothing. */
  readonly shareDone: number;
}

export interface CampaignProgress {
  readonly items: Tally & { readonly byStatus: Partial<Record<Status, number>>; readonly byLight: Partial<Record<Light, number>> };
  readonly tasks: Tally;
  readonly bySubAction: (Tally & { readonly subActionId: string | null })[];
  readonly byUnit: (Tally & { readonly unitId: string })[];
  /** Per phase: what falls due within it (items and tasks due after the previous phase's end, up to its own). */
  readonly byPhase: (Tally & { readonly phaseId: string })[];
  /** Red items and tasks: the overdue list. */
  readonly overdue: { readonly id: string; readonly kind: 'item' | 'task'; readonly leadUnitId: string; readonly dueAt: string }[];
}

type Row = { readonly kind: 'item'; readonly row: CampaignItemRow } | { readonly kind: 'task'; readonly row: CampaignTaskRow };

const isDone = (r: Row) => (r.kind === 'item' ? r.row.status === 'closed' || r.row.status === 'merged' : r.row.status === 'done');
const isDeferred = (r: Row) => r.kind === 'item' && r.row.status === 'deferred';

function tally(rows: readonly Row[]): Tally {
  const done = rows.filter(isDone).length;
  const deferred = rows.filter(isDeferred).length;
  return {
    total: rows.length,
    done,
    deferred,
    open: rows.length - done - deferred,
    red: rows.filter((r) => r.row.light === 'red').length,
    shareDone: rows.length === 0 ? 0 : done / rows.length,
  };
}

const groupBy = <K>(rows: readonly Row[], key: (r: Row) => K): Map<K, Row[]> => {
  const groups = new Map<K, Row[]>();
  for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  return groups;
};

/** Counts by status and light, share done, and the overdue list — per sub-action, unit and phase. */
export function campaignProgress(def: Pick<CampaignDefinition, 'phases'>, items: readonly CampaignItemRow[], tasks: readonly CampaignTaskRow[]): CampaignProgress {
  const itemRows: Row[] = items.map((row) => ({ kind: 'item', row }));
  const taskRows: Row[] = tasks.map((row) => ({ kind: 'task', row }));
  const all = [...itemRows, ...taskRows];
  const byStatus: Partial<Record<Status, number>> = {};
  const byLight: Partial<Record<Light, number>> = {};
  for (const item of items) {
    byStatus[item.status] = (byStatus[item.status] ?? 0) + 1;
    if (item.light) byLight[item.light] = (byLight[item.light] ?? 0) + 1;
  }
  let from = '';
  const byPhase = def.phases.map((phase) => {
    const within = all.filter((r) => shanghaiDate(r.row.dueAt) > from && shanghaiDate(r.row.dueAt) <= phase.endDate);
    from = phase.endDate;
    return { phaseId: phase.id, ...tally(within) };
  });
  return {
    items: { ...tally(itemRows), byStatus, byLight },
    tasks: tally(taskRows),
    bySubAction: [...groupBy(itemRows, (r) => (r.kind === 'item' ? r.row.subActionId : null)).entries()].map(([subActionId, rows]) => ({ subActionId, ...tally(rows) })),
    byUnit: [...groupBy(all, (r) => r.row.leadUnitId).entries()].sort(([a], [b]) => a.localeCompare(b)).map(([unitId, rows]) => ({ unitId, ...tally(rows) })),
    byPhase,
    overdue: all
      .filter((r) => r.row.light === 'red')
      .map((r) => ({ id: r.row.id, kind: r.kind, leadUnitId: r.row.leadUnitId, dueAt: r.row.dueAt }))
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.id.localeCompare(b.id)),
  };
}

/** The rectification phase is done when every item is closed (or merged) or deferred with a filed reason (003 三(二)). */
export const rectificationPhaseDone = (items: readonly Pick<CampaignItemRow, 'status'>[]): boolean =>
  items.every((item) => item.status === 'closed' || item.status === 'merged' || item.status === 'deferred');
