import { light, type Light } from '../rectification/light.js';
import type { RectificationState } from '../rectification/state.js';
import { shanghaiDate } from '../time.js';
import type { Status } from '../rectification/vocabulary.js';
import type { AssignmentState } from '../task-list/assignment.js';
import { assignmentLight } from '../task-list/assignment-timers.js';
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

/** How the units asked by one 举一反三 check answered: found (they recorded findings against it), not found, or not yet. */
export interface SpreadAnswers {
  readonly spreadId: string;
  /** Units with at least one finding recorded against the check (each became an item). */
  readonly found: string[];
  /** Units that submitted their check task without recording a finding: nothing of the kind found. */
  readonly notFound: string[];
  /** Units that have neither recorded a finding nor submitted their task. */
  readonly unanswered: string[];
}

/** A unit has answered once it submitted its task (awaiting countersign or acceptance, or accepted). */
const ANSWERED: readonly AssignmentStatus[] = ['pending_countersign', 'pending_acceptance', 'done'];

/** Per 举一反三 check, in the order given: each asked unit found / not found / unanswered (units sorted). */
export function spreadAnswers(
  spreadIds: readonly string[],
  items: readonly { readonly leadUnitId: string; readonly checkId: string | null }[],
  tasks: readonly { readonly itemId: string; readonly leadUnitId: string; readonly status: AssignmentStatus }[],
): SpreadAnswers[] {
  return spreadIds.map((spreadId) => {
    const finders = new Set(items.filter((item) => item.checkId === spreadId).map((item) => item.leadUnitId));
    const asked = tasks.filter((task) => task.itemId === spreadId);
    const answered = new Set(asked.filter((task) => ANSWERED.includes(task.status)).map((task) => task.leadUnitId));
    const units = [...new Set([...asked.map((task) => task.leadUnitId), ...finders])].sort();
    return {
      spreadId,
      found: units.filter((unit) => finders.has(unit)),
      notFound: units.filter((unit) => !finders.has(unit) && answered.has(unit)),
      unanswered: units.filter((unit) => !finders.has(unit) && !answered.has(unit)),
    };
  });
}

/** What the campaign's progress and summary report (the /progress and /summary routes, and the summary circular). */
export interface CampaignProgressReport extends CampaignProgress {
  readonly rectificationPhaseDone: boolean;
  readonly spreads: SpreadAnswers[];
}

/** The progress report from the states of the campaign's items and tasks, lights as at `now`. */
export function campaignProgressReport(
  def: Pick<CampaignDefinition, 'phases'>,
  spreadIds: readonly string[],
  items: readonly RectificationState[],
  tasks: readonly AssignmentState[],
  now: Date,
): CampaignProgressReport {
  const progress = campaignProgress(
    def,
    items.map((s) => ({ id: s.id, title: s.title, leadUnitId: s.leadUnitId, subActionId: s.campaign?.subActionId ?? null, status: s.status, dueAt: s.dueAt, light: light(s, now) })),
    tasks.map((t) => ({ id: t.id, leadUnitId: t.leadUnitId, status: t.status, dueAt: t.dueAt, light: assignmentLight(t, now) })),
  );
  return {
    ...progress,
    rectificationPhaseDone: rectificationPhaseDone(items),
    spreads: spreadAnswers(
      spreadIds,
      items.map((s) => ({ leadUnitId: s.leadUnitId, checkId: s.campaign?.checkId ?? null })),
      tasks,
    ),
  };
}
