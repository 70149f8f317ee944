import {
  ASSIGNMENT_ACTION_LABELS,
  ASSIGNMENT_STATUS_LABELS,
  LIGHT_LABELS,
  NOTICE_LABELS,
  TASK_LIST_STATUS_LABELS,
  UNFINISHED_DISPOSITION_LABELS,
  UNIT_KIND_LABELS,
  allowedAssignmentActions,
  assignmentLight,
  describeDueRule,
  hasRole,
  shanghaiDate,
  type Actor,
  type AssignmentAction,
  type AssignmentState,
  type Light,
  type TaskListItem,
  urgeCount,
} from '@duban/domain';
import type { AssignmentRecord, TaskListRecord } from '@duban/persistence';

export interface TaskListItemView extends TaskListItem {
  dueLabel: string;
  targetLabel: string;
  onUnfinishedLabel: string;
}

export interface TaskListView {
  id: string;
  month: string;
  title: string;
  status: TaskListRecord['status'];
  statusLabel: string;
  publishAt: string | null;
  items: TaskListItemView[];
  published: { at: string; by: string; total: number; closeAt: string } | null;
  closedAt: string | null;
}

export function toTaskListView(list: TaskListRecord): TaskListView {
  return {
    id: list._id,
    month: list.month,
    title: list.title,
    status: list.status,
    statusLabel: TASK_LIST_STATUS_LABELS[list.status],
    publishAt: list.publishAt,
    items: (list.published?.items ?? list.items).map((item) => ({
      ...item,
      dueLabel: describeDueRule(item.due),
      targetLabel: item.target.kind === 'unitKind' ? `各${UNIT_KIND_LABELS[item.target.unitKind]}` : `${item.target.unitIds.length}个单位`,
      onUnfinishedLabel: UNFINISHED_DISPOSITION_LABELS[item.onUnfinished],
    })),
    published: list.published && { at: list.published.at, by: list.published.by.name, total: list.published.total, closeAt: list.published.closeAt },
    closedAt: list.closed?.at ?? null,
  };
}

export interface AssignmentView extends Omit<AssignmentState, 'timeline' | 'notices' | 'fired'> {
  statusLabel: string;
  dueDate: string;
  light: Light | null;
  lightLabel: string | null;
  notices: (AssignmentState['notices'][number] & { label: string })[];
  timeline: (AssignmentState['timeline'][number] & { actionLabel: string })[];
  /** How many times the office or a leader has urged the unit (催办). */
  urgeCount: number;
  allowedActions: AssignmentAction[];
}

export function toAssignmentView(state: AssignmentState, viewer: Actor, now: Date): AssignmentView {
  const { timeline, notices, fired: _fired, ...rest } = state;
  const current = assignmentLight(state, now);
  return {
    ...rest,
    statusLabel: ASSIGNMENT_STATUS_LABELS[state.status],
    dueDate: shanghaiDate(state.dueAt),
    light: current,
    lightLabel: current ? LIGHT_LABELS[current] : null,
    notices: notices.map((n) => ({ ...n, label: NOTICE_LABELS[n.colour] })),
    timeline: timeline.map((e) => ({ ...e, actionLabel: ASSIGNMENT_ACTION_LABELS[e.action] })),
    urgeCount: urgeCount(timeline),
    allowedActions: allowedAssignmentActions(state, viewer),
  };
}

/** Office and leader see every assignment; a unit its own (and below); a person the ones with a part for them. */
export function canSeeAssignment(actor: Actor, record: Pick<AssignmentRecord, 'unitScope' | 'partAssignees'>): boolean {
  if (hasRole(actor, 'office', 'leader')) return true;
  if (!hasRole(actor, 'unit', 'unit_leader')) return false;
  return record.unitScope.includes(actor.unitId) || record.partAssignees.includes(actor.userId);
}

export function assignmentStateOf(record: AssignmentRecord): AssignmentState {
  const { _id, unitScope, partAssignees, due, blueFrom, redFrom, laggingNow, escalationLevel, escalationOpen, projectedAt, listKeys, ...state } = record;
  return state;
}
