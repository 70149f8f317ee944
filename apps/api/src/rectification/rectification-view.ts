import {
  ACTION_LABELS,
  CATEGORY_LABELS,
  LIGHT_LABELS,
  SEVERITY_LABELS,
  SOURCE_LABELS,
  STATUS_LABELS,
  allowedActions,
  hasRole,
  light,
  shanghaiDate,
  type Actor,
  type Light,
  type RectificationAction,
  type RectificationState,
  type TimelineEntry,
} from '@duban/domain';
import type { RectificationRecord } from '@duban/persistence';

export interface RectificationView extends Omit<RectificationState, 'timeline'> {
  sourceLabel: string;
  categoryLabel: string;
  severityLabel: string;
  statusLabel: string;
  dueDate: string;
  light: Light | null;
  lightLabel: string | null;
  timeline: (TimelineEntry & { actionLabel: string })[];
  /** What the viewer may do now; the UI shows only these. */
  allowedActions: RectificationAction[];
}

export function toView(state: RectificationState, viewer: Actor, now: Date): RectificationView {
  const current = light(state, now);
  return {
    id: state.id,
    title: state.title,
    description: state.description,
    source: state.source,
    sourceLabel: SOURCE_LABELS[state.source],
    category: state.category,
    categoryLabel: CATEGORY_LABELS[state.category],
    severity: state.severity,
    severityLabel: SEVERITY_LABELS[state.severity],
    leadUnitId: state.leadUnitId,
    coUnitIds: state.coUnitIds,
    status: state.status,
    statusLabel: STATUS_LABELS[state.status],
    dueAt: state.dueAt,
    dueDate: shanghaiDate(state.dueAt),
    light: current,
    lightLabel: current ? LIGHT_LABELS[current] : null,
    registeredAt: state.registeredAt,
    registeredBy: state.registeredBy,
    completion: state.completion,
    closedAt: state.closedAt,
    version: state.version,
    timeline: state.timeline.map((entry) => ({ ...entry, actionLabel: ACTION_LABELS[entry.action] })),
    allowedActions: allowedActions(state, viewer),
  };
}

/** Office and leader see every item; a unit sees the items of itself and the units below it. */
export function canSee(actor: Actor, record: Pick<RectificationRecord, 'unitScope'>): boolean {
  if (hasRole(actor, 'office', 'leader')) return true;
  return hasRole(actor, 'unit', 'unit_leader') && record.unitScope.includes(actor.unitId);
}

/** Strips the read model's own fields so the record is a plain state again. */
export function stateOf(record: RectificationRecord): RectificationState {
  const { _id, unitScope, due, blueFrom, projectedAt, ...state } = record;
  return state;
}
