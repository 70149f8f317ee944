import {
  ACTION_LABELS,
  CATEGORY_LABELS,
  LIGHT_LABELS,
  NOTICE_LABELS,
  SEVERITY_LABELS,
  SOURCE_LABELS,
  STATUS_LABELS,
  allowedActions,
  hasRole,
  light,
  shanghaiDate,
  type Actor,
  type Light,
  type Notice,
  type RectificationAction,
  type RectificationState,
  type TimelineEntry,
  urgeCount,
} from '@duban/domain';
import type { RectificationRecord } from '@duban/persistence';

export interface RectificationView extends Omit<RectificationState, 'timeline' | 'notices' | 'fired'> {
  sourceLabel: string;
  categoryLabel: string;
  severityLabel: string;
  statusLabel: string;
  dueDate: string;
  light: Light | null;
  lightLabel: string | null;
  notices: (Notice & { label: string })[];
  timeline: (TimelineEntry & { actionLabel: string })[];
  /** How many times the office or a leader has urged the unit (催办). */
  urgeCount: number;
  /** What the viewer may do now; the UI shows only these. */
  allowedActions: RectificationAction[];
}

export function toView(state: RectificationState, viewer: Actor, now: Date): RectificationView {
  const { timeline, notices, fired: _fired, ...rest } = state;
  const current = light(state, now);
  return {
    ...rest,
    sourceLabel: SOURCE_LABELS[state.source],
    categoryLabel: CATEGORY_LABELS[state.category],
    severityLabel: SEVERITY_LABELS[state.severity],
    statusLabel: STATUS_LABELS[state.status],
    dueDate: shanghaiDate(state.dueAt),
    light: current,
    lightLabel: current ? LIGHT_LABELS[current] : null,
    notices: notices.map((notice) => ({ ...notice, label: NOTICE_LABELS[notice.colour] })),
    timeline: timeline.map((entry) => ({ ...entry, actionLabel: ACTION_LABELS[entry.action] })),
    urgeCount: urgeCount(timeline),
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
  const { _id, unitScope, due, blueFrom, lagging, escalationLevel, escalationOpen, projectedAt, counted, countedKey, inboxKeys, ...state } = record;
  return state;
}
