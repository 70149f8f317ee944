import type { DeadlineSchedule } from '../supervision/deadline.js';
import type { HandleEscalation } from '../supervision/escalation.js';
import type { Urge } from '../supervision/urge.js';
import type { ActorRef, Escalation, EvidenceRef, Notice, Report } from '../supervision/records.js';
import type { TaskPolicy } from './policy.js';
import type { Quantity } from './quantity.js';
import type { AssignmentOutcome, AssignmentStatus, UnfinishedDisposition } from './vocabulary.js';

/** What publishing a list gives each unit's assignment: its item, its unit, its deadline. */
export interface AssignmentSpec {
  readonly id: string;
  readonly listId: string;
  readonly listTitle: string;
  /** YYYY-MM */
  readonly month: string;
  readonly itemId: string;
  readonly title: string;
  readonly content: string;
  /** The unit that answers for this assignment (one per item × unit). */
  readonly leadUnitId: string;
  readonly coUnitIds: readonly string[];
  /** End of the due day, ISO. */
  readonly dueAt: string;
  readonly onUnfinished: UnfinishedDisposition;
  /** Set on an item carried over from an earlier month (结转): the assignment it continues. */
  readonly carriedFrom: string | null;
  readonly quantity: Omit<Quantity, 'current' | 'reportedAt' | 'baselineAt'> | null;
}

/** One person's share of a unit's assignment (分解到人, 倒排工期). */
export interface Part {
  readonly id: string;
  readonly title: string;
  readonly assigneeUserId: string;
  readonly assigneeName: string;
  /** YYYY-MM-DD, not after the unit's own due date. */
  readonly dueDate: string;
  readonly dueAt: string;
  readonly done: Report | null;
}

export interface AssignmentSchedule extends DeadlineSchedule {
  readonly signInBy: string | null;
}

export type AssignmentCommand =
  | { readonly type: 'sign' }
  | {
      readonly type: 'split';
      readonly parts: readonly { readonly title: string; readonly assigneeUserId: string; readonly assigneeName: string; readonly dueDate: string }[];
    }
  | { readonly type: 'completePart'; readonly partId: string; readonly summary: string; readonly evidence?: readonly EvidenceRef[] }
  | { readonly type: 'reportValue'; readonly value: number; readonly note?: string }
  | { readonly type: 'submit'; readonly summary: string; readonly evidence?: readonly EvidenceRef[] }
  | { readonly type: 'countersign'; readonly note?: string }
  | { readonly type: 'returnSubmission'; readonly reason: string }
  | { readonly type: 'signOff'; readonly note?: string }
  | { readonly type: 'closeMonth' }
  | HandleEscalation
  | Urge;

export type AssignmentAction = AssignmentCommand['type'];

export type AssignmentTimerKind = 'signInDueToday' | 'signInReminder' | 'blueNotice' | 'overdue' | 'escalate1' | 'escalate2' | 'partOverdue' | 'lagging' | 'milestoneMissed';

export interface AssignmentTimelineEntry {
  readonly seq: number;
  readonly at: string;
  readonly action: AssignmentAction | 'publish' | AssignmentTimerKind;
  readonly actor: ActorRef | null;
  readonly fromStatus: AssignmentStatus | null;
  readonly toStatus: AssignmentStatus;
  readonly note?: string;
  readonly evidence?: readonly EvidenceRef[];
}

export interface AssignmentState extends Omit<AssignmentSpec, 'quantity'> {
  readonly status: AssignmentStatus;
  readonly policy: TaskPolicy;
  readonly publishedAt: string;
  readonly publishedBy: ActorRef;
  readonly signedAt: string | null;
  readonly parts: readonly Part[];
  readonly quantity: Quantity | null;
  /** The value trails the milestone schedule by more than the policy allows (yellow). */
  readonly lagging: boolean;
  /** A milestone whose date passed unmet (red) until the value reaches it. */
  readonly missedMilestone: string | null;
  readonly submission: Report | null;
  readonly countersign: Report | null;
  readonly returns: number;
  readonly escalation: Escalation;
  readonly notices: readonly Notice[];
  readonly schedule: AssignmentSchedule;
  readonly fired: readonly string[];
  /** Set on assignments published since deadline-day reminders came in: the unit is reminded on the morning sign-in falls due. */
  readonly deadlineDayReminders?: boolean;
  readonly doneAt: string | null;
  readonly outcome: AssignmentOutcome | null;
  readonly closedAt: string | null;
  readonly version: number;
  readonly timeline: readonly AssignmentTimelineEntry[];
}

export const ASSIGNMENT_ACTION_LABELS: Record<AssignmentTimelineEntry['action'], string> = {
  publish: '清单下发交办',
  sign: '签收',
  split: '分解到人',
  completePart: '完成子任务',
  reportValue: '报送完成进度',
  submit: '报送办结',
  countersign: '单位领导审签',
  returnSubmission: '退回重新办理',
  signOff: '验收办结',
  closeMonth: '月末结账',
  handleEscalation: '处理督办升级',
  urge: '催办',
  signInDueToday: '签收到期当日提醒',
  signInReminder: '催签提醒',
  blueNotice: '发出蓝色督办单',
  overdue: '超期，发出红色督办单',
  escalate1: '超期升级至领导小组办公室',
  escalate2: '超期升级至分管领导，列为问责线索',
  partOverdue: '子任务超期提醒',
  lagging: '进度滞后于序时进度，发出黄色督办单',
  milestoneMissed: '时间节点未达标，发出红色督办单',
};
