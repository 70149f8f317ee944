import type { SupervisionPolicy } from '../supervision/policy.js';
import type { ActorRef, Escalation, EscalationAction, EvidenceRef, Notice, Report } from '../supervision/records.js';
import type { Urge } from '../supervision/urge.js';
import type { Category, Severity, Source, Status } from './vocabulary.js';

export type TimelineAction = RectificationAction | 'register' | TimerKind;

/** One step in the item's trace (痕迹管理): who, what, when, before and after. */
export interface TimelineEntry {
  readonly seq: number;
  readonly at: string;
  readonly action: TimelineAction;
  /** The user who acted; absent for steps the process took by itself (reminders, notices, escalation). */
  readonly actor: ActorRef | null;
  readonly fromStatus: Status | null;
  readonly toStatus: Status;
  readonly note?: string;
  readonly evidence?: readonly EvidenceRef[];
}

/** What registering an item needs; validated at the API edge before a workflow starts. */
export interface RegisterRectification {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly source: Source;
  readonly category: Category;
  readonly severity: Severity;
  readonly leadUnitId: string;
  readonly coUnitIds: readonly string[];
  /** Absolute instant (ISO 8601) by which the item must be closed. */
  readonly dueAt: string;
  /** Set for two-level review: this unit (e.g. the township) verifies before the office accepts. */
  readonly verifierUnitId?: string | null;
  /** Months between progress reports while rectifying; defaults to the policy's. 0: none required. */
  readonly progressEveryMonths?: number;
  /** Set on items found in a special campaign (专项行动): which campaign, sub-action and check found it. */
  readonly campaign?: CampaignRef;
}

export interface CampaignRef {
  readonly id: string;
  readonly subActionId: string | null;
  /** The check (or 举一反三 spread) the finding answers. */
  readonly checkId: string;
}

export interface Plan {
  readonly measures: string;
  /** The unit's own target date (YYYY-MM-DD), not later than the item's due date. */
  readonly targetDate: string;
  readonly responsiblePerson: string;
  readonly evidence: readonly EvidenceRef[];
  readonly submittedAt: string;
  readonly submittedBy: ActorRef;
  readonly approvedAt: string | null;
}

export interface ExtensionRequest {
  readonly reason: string;
  /** YYYY-MM-DD */
  readonly newDueDate: string;
  readonly requestedAt: string;
  readonly requestedBy: ActorRef;
}

export interface Deferral {
  readonly reason: string;
  /** YYYY-MM-DD: when the office reviews the deferral again. */
  readonly reviewDate: string;
  readonly filedAt: string;
  readonly filedBy: ActorRef;
  /** Where the item resumes. */
  readonly resumeStatus: Status;
}

/**
 * Absolute instants derived from the item's anchors, its policy and the working-day calendar.
 * Recomputed whenever an anchor changes (registration, signing, plan approval, a progress report,
 * an extension, a reopening); timers wait on these, keyed by the due instant so a moved deadline re-arms them.
 */
export interface Schedule {
  readonly signInBy: string | null;
  readonly planBy: string | null;
  readonly blueAt: string | null;
  readonly level1At: string | null;
  readonly level2At: string | null;
  readonly nextProgressDue: string | null;
}

export interface RectificationState extends RegisterRectification {
  readonly verifierUnitId: string | null;
  readonly progressEveryMonths: number;
  readonly status: Status;
  readonly policy: SupervisionPolicy;
  readonly registeredAt: string;
  readonly registeredBy: ActorRef;
  readonly signedAt: string | null;
  /** When a plan was last asked for: at signing, and again when a plan is returned. */
  readonly planRequestedAt: string | null;
  readonly plan: Plan | null;
  /** The latest progress report of the lead unit (all of them are in the timeline). */
  readonly lastProgress: Report | null;
  /** Each co-unit's latest report of its part, by unit id. */
  readonly coReports: Readonly<Record<string, Report>>;
  readonly completion: Report | null;
  readonly verification: Report | null;
  readonly extension: ExtensionRequest | null;
  readonly deferral: Deferral | null;
  readonly mergedInto: string | null;
  /** Plan and completion returns so far. */
  readonly returns: number;
  /** A progress report came due and none arrived; cleared by the next report. */
  readonly missedProgress: boolean;
  readonly escalation: Escalation;
  readonly notices: readonly Notice[];
  readonly schedule: Schedule;
  /** Keys of timer events already fired. */
  readonly fired: readonly string[];
  /**
   * Set on items registered since reminders on the deadline day came in: on the morning a sign-in or a plan falls due,
   * the unit is reminded if it has not acted yet. Absent on older items, whose recorded histories have no such timers.
   */
  readonly deadlineDayReminders?: boolean;
  readonly closedAt: string | null;
  /** Increases by one with every change; projections keep the highest they have seen. */
  readonly version: number;
  readonly timeline: readonly TimelineEntry[];
}

export type RectificationCommand =
  | { readonly type: 'sign' }
  | {
      readonly type: 'submitPlan';
      readonly measures: string;
      readonly targetDate: string;
      readonly responsiblePerson: string;
      readonly evidence?: readonly EvidenceRef[];
    }
  | { readonly type: 'approvePlan'; readonly note?: string }
  | { readonly type: 'returnPlan'; readonly reason: string }
  | { readonly type: 'reportProgress'; readonly summary: string; readonly evidence?: readonly EvidenceRef[] }
  | { readonly type: 'reportPart'; readonly summary: string; readonly evidence?: readonly EvidenceRef[] }
  | { readonly type: 'submitCompletion'; readonly summary: string; readonly evidence?: readonly EvidenceRef[] }
  | { readonly type: 'verify'; readonly note?: string }
  | { readonly type: 'returnCompletion'; readonly reason: string }
  | { readonly type: 'signOff'; readonly note?: string }
  | { readonly type: 'requestExtension'; readonly reason: string; readonly newDueDate: string }
  | { readonly type: 'decideExtension'; readonly approve: boolean; readonly note?: string }
  | { readonly type: 'defer'; readonly reason: string; readonly reviewDate: string }
  | { readonly type: 'resume'; readonly note?: string; readonly newDueDate?: string }
  | { readonly type: 'merge'; readonly intoItemId: string; readonly note?: string }
  | { readonly type: 'reopen'; readonly reason: string; readonly newDueDate: string }
  | { readonly type: 'handleEscalation'; readonly action: EscalationAction; readonly note: string; readonly newDueDate?: string }
  | Urge;

export type RectificationAction = RectificationCommand['type'];

/** Steps the process takes by itself when a timer fires. */
export type TimerKind = 'signInDueToday' | 'signInReminder' | 'planDueToday' | 'planReminder' | 'blueNotice' | 'progressMissed' | 'overdue' | 'escalate1' | 'escalate2' | 'deferralReview';

export const ACTION_LABELS: Record<TimelineAction, string> = {
  register: '立项交办',
  sign: '签收',
  submitPlan: '报送整改方案',
  approvePlan: '审核通过整改方案',
  returnPlan: '退回整改方案',
  reportProgress: '报送整改进展',
  reportPart: '配合单位报送承担部分',
  submitCompletion: '报送整改完成',
  verify: '初验通过',
  returnCompletion: '退回重新整改',
  signOff: '验收销号',
  requestExtension: '申请延期',
  decideExtension: '审批延期申请',
  defer: '暂缓整改备案',
  resume: '恢复整改',
  merge: '合并到其他问题',
  reopen: '重新打开',
  handleEscalation: '处理督办升级',
  urge: '催办',
  signInDueToday: '签收到期当日提醒',
  signInReminder: '催签提醒',
  planDueToday: '报送方案到期当日提醒',
  planReminder: '催报方案提醒',
  blueNotice: '发出蓝色督办单',
  progressMissed: '未按期报送进展，发出黄色督办单',
  overdue: '超期，发出红色督办单',
  escalate1: '超期升级至领导小组办公室',
  escalate2: '超期升级至分管领导，列为问责线索',
  deferralReview: '暂缓整改到期复核提醒',
};
