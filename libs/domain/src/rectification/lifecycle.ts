import { actsForUnit, hasRole, type Actor } from '../actor.js';
import type { Decision } from '../errors.js';
import { endOfShanghaiDay, isCalendarDate, shanghaiDate } from '../time.js';
import type { Effect } from '../supervision/effects.js';
import type { SupervisionPolicy } from '../supervision/policy.js';
import { actorRef, type Report } from '../supervision/records.js';
import { allowedSteps, decideStep, type RuleTable, type StepContext, type StepOutcome } from '../supervision/rule-table.js';
import {
  WHO_HANDLES_ESCALATION,
  awaitsEscalationHandling,
  escalationHandlingProblem,
  handleEscalation,
  mayHandleEscalation,
  resetEscalation,
} from '../supervision/escalation.js';
import { WHO_URGES, mayUrge, urge, urgeMessageProblem } from '../supervision/urge.js';
import { selectPolicy } from './policy.js';
import {
  type RectificationAction,
  type RectificationCommand,
  type RectificationState,
  type RegisterRectification,
  type TimelineEntry,
} from './state.js';
import { OPEN_STATUSES, RUNNING_STATUSES, STATUS_LABELS, type Status } from './vocabulary.js';


type Outcome = StepOutcome<RectificationState, Status>;
type Context = StepContext;

const isLead = (actor: Actor, state: RectificationState) => actsForUnit(actor, state.leadUnitId);
const isCoUnit = (actor: Actor, state: RectificationState) => state.coUnitIds.some((unitId) => actsForUnit(actor, unitId));
const isOffice = (actor: Actor) => hasRole(actor, 'office');
const isVerifier = (actor: Actor, state: RectificationState) => state.verifierUnitId !== null && actsForUnit(actor, state.verifierUnitId);

const blank = (label: string, value: string | undefined) => (!value || value.trim().length === 0 ? `${label}不能为空` : null);
const firstProblem = (...problems: (string | null)[]) => problems.find((p) => p !== null) ?? null;
const futureDate = (label: string, value: string | undefined, today: string) => {
  if (!value || !isCalendarDate(value)) return `${label}须为 YYYY-MM-DD 格式的日期`;
  return value < today ? `${label}不能早于今天` : null;
};
const trimmed = (value: string | undefined) => value?.trim() || undefined;
const report = (summary: string, evidence: Report['evidence'] | undefined, context: Context): Report => ({
  summary: summary.trim(),
  evidence: evidence ?? [],
  at: context.at,
  by: actorRef(context.actor),
});

/** Notification to the lead unit about a step someone else took. */
const tellUnit = (state: RectificationState, key: string, title: string, body: string): Effect => ({
  kind: 'notify',
  key,
  unitId: state.leadUnitId,
  audience: ['handlers', 'unit_leaders'],
  level: 'info',
  title,
  body,
});

const tellOffice = (state: RectificationState, key: string, title: string, body: string): Effect => ({
  kind: 'notify',
  key,
  unitId: state.leadUnitId,
  audience: ['office'],
  level: 'info',
  title,
  body,
});

/** Items that report completion after this change tell their verifier unit (初验); older runs replay without it. */
export const VERIFIER_TOLD_CHANGE = 'rectification-verifier-told';

const tellVerifier = (state: RectificationState, verifierUnitId: string, key: string): Effect => ({
  kind: 'notify',
  key,
  unitId: verifierUnitId,
  audience: ['handlers', 'unit_leaders'],
  level: 'info',
  title: `“${state.title}”已报送整改完成，待初验`,
  body: '牵头单位已报送整改完成情况，请及时初验：核实整改是否到位，初验通过或退回。',
  since: VERIFIER_TOLD_CHANGE,
});

/** A return counts towards yellow; reaching the policy's limit issues a yellow notice. */
function afterReturn(state: RectificationState, reason: string): Pick<Outcome, 'effects'> & { returns: number } {
  const returns = state.returns + 1;
  const effects: Effect[] = [tellUnit(state, `return:${returns}`, `“${state.title}”被退回`, reason)];
  if (returns === state.policy.yellowAfterReturns) {
    effects.push({ kind: 'notice', key: `yellow:returns:${returns}`, colour: 'yellow', reason: `整改方案或整改结果已被退回${returns}次，整改质量不高` });
  }
  return { returns, effects };
}

const RULES: RuleTable<RectificationState, RectificationCommand, Status> = {
  sign: {
    from: ['assigned'],
    permitted: isLead,
    whoMay: '只有牵头单位可以签收',
    apply: (_s, _c, { at }) => ({ changes: { status: 'signed', signedAt: at, planRequestedAt: at } }),
  },
  submitPlan: {
    from: ['signed'],
    permitted: isLead,
    whoMay: '只有牵头单位可以报送整改方案',
    check: (state, c, { today }) =>
      firstProblem(
        blank('整改措施', c.measures),
        blank('整改责任人', c.responsiblePerson),
        futureDate('整改完成时限', c.targetDate, today),
        c.targetDate > shanghaiDate(state.dueAt) ? '整改完成时限不能晚于问题的整改时限，如需延期请申请延期' : null,
      ),
    apply: (state, c, context) => ({
      changes: {
        status: 'plan_submitted',
        plan: {
          measures: c.measures.trim(),
          targetDate: c.targetDate,
          responsiblePerson: c.responsiblePerson.trim(),
          evidence: c.evidence ?? [],
          submittedAt: context.at,
          submittedBy: actorRef(context.actor),
          approvedAt: null,
        },
      },
      note: `整改措施：${c.measures.trim()}；责任人：${c.responsiblePerson.trim()}；完成时限：${c.targetDate}`,
      effects: [tellOffice(state, `plan:${context.at}`, `“${state.title}”已报送整改方案`, '请审核整改方案。')],
    }),
  },
  approvePlan: {
    from: ['plan_submitted'],
    permitted: isOffice,
    whoMay: '只有领导小组办公室可以审核整改方案',
    apply: (state, c, { at }) => ({
      changes: { status: 'rectifying', plan: state.plan && { ...state.plan, approvedAt: at } },
      note: trimmed(c.note),
      effects: [tellUnit(state, `planApproved:${at}`, `“${state.title}”整改方案已审核通过`, '请按方案推进整改，并按期报送整改进展。')],
    }),
  },
  returnPlan: {
    from: ['plan_submitted'],
    permitted: isOffice,
    whoMay: '只有领导小组办公室可以退回整改方案',
    check: (_s, c) => blank('退回理由', c.reason),
    apply: (state, c, { at }) => {
      const { returns, effects } = afterReturn(state, c.reason.trim());
      return { changes: { status: 'signed', returns, planRequestedAt: at }, note: c.reason.trim(), effects };
    },
  },
  reportProgress: {
    from: ['rectifying'],
    permitted: isLead,
    whoMay: '只有牵头单位可以报送整改进展',
    check: (_s, c) => blank('整改进展', c.summary),
    apply: (_s, c, context) => ({
      changes: { status: 'rectifying', lastProgress: report(c.summary, c.evidence, context), missedProgress: false },
      note: c.summary.trim(),
    }),
  },
  reportPart: {
    from: ['signed', 'plan_submitted', 'rectifying'],
    permitted: isCoUnit,
    whoMay: '只有配合单位可以报送承担部分的整改情况',
    check: (_s, c) => blank('承担部分整改情况', c.summary),
    apply: (state, c, context) => ({
      changes: { status: state.status, coReports: { ...state.coReports, [context.actor.unitId]: report(c.summary, c.evidence, context) } },
      note: c.summary.trim(),
    }),
  },
  submitCompletion: {
    from: ['rectifying'],
    permitted: isLead,
    whoMay: '只有牵头单位可以报送整改完成情况',
    check: (state, c) => {
      const missing = state.coUnitIds.filter((unitId) => !state.coReports[unitId]);
      return firstProblem(blank('整改完成情况', c.summary), missing.length > 0 ? `配合单位尚未报送承担部分：${missing.join('、')}` : null);
    },
    apply: (state, c, context) => ({
      changes: {
        status: state.verifierUnitId ? 'pending_verification' : 'pending_acceptance',
        completion: report(c.summary, c.evidence, context),
        verification: null,
      },
      note: c.summary.trim(),
      effects: state.verifierUnitId
        ? [tellVerifier(state, state.verifierUnitId, `verify:${context.at}`)]
        : [tellOffice(state, `completion:${context.at}`, `“${state.title}”已报送整改完成`, '请组织验收。')],
    }),
  },
  verify: {
    from: ['pending_verification'],
    permitted: isVerifier,
    whoMay: '只有初验单位可以初验',
    apply: (state, c, context) => ({
      changes: { status: 'pending_acceptance', verification: report(c.note ?? '初验通过', [], context) },
      note: trimmed(c.note),
      effects: [tellOffice(state, `verified:${context.at}`, `“${state.title}”已通过初验`, '请组织验收销号。')],
    }),
  },
  returnCompletion: {
    from: ['pending_verification', 'pending_acceptance'],
    permitted: (actor, state) => (state.status === 'pending_verification' ? isVerifier(actor, state) : isOffice(actor)),
    whoMay: '只有初验单位（待初验时）或领导小组办公室（待验收时）可以退回',
    check: (_s, c) => blank('退回理由', c.reason),
    apply: (state, c) => {
      const { returns, effects } = afterReturn(state, c.reason.trim());
      return { changes: { status: 'rectifying', returns, completion: null, verification: null }, note: c.reason.trim(), effects };
    },
  },
  signOff: {
    from: ['pending_acceptance'],
    permitted: isOffice,
    whoMay: '只有领导小组办公室可以验收销号',
    apply: (state, c, { at }) => ({
      changes: { status: 'closed', closedAt: at },
      note: trimmed(c.note),
      effects: [tellUnit(state, `closed:${at}`, `“${state.title}”已验收销号`, c.note?.trim() || '整改到位，予以销号。')],
    }),
  },
  requestExtension: {
    from: (state) => ['signed', 'plan_submitted', 'rectifying'].includes(state.status) && state.extension === null,
    permitted: isLead,
    whoMay: '只有牵头单位可以申请延期',
    check: (state, c, { today }) =>
      firstProblem(
        blank('延期理由', c.reason),
        futureDate('申请延期至', c.newDueDate, today),
        isCalendarDate(c.newDueDate) && c.newDueDate <= shanghaiDate(state.dueAt) ? '申请延期至的日期须晚于现整改时限' : null,
      ),
    apply: (state, c, context) => ({
      changes: { status: state.status, extension: { reason: c.reason.trim(), newDueDate: c.newDueDate, requestedAt: context.at, requestedBy: actorRef(context.actor) } },
      note: `申请延期至 ${c.newDueDate}：${c.reason.trim()}`,
      effects: [tellOffice(state, `extension:${context.at}`, `“${state.title}”申请延期`, `申请延期至 ${c.newDueDate}：${c.reason.trim()}`)],
    }),
  },
  decideExtension: {
    from: (state) => state.extension !== null && RUNNING_STATUSES.includes(state.status),
    permitted: isOffice,
    whoMay: '只有领导小组办公室可以审批延期申请',
    apply: (state, c, { at }) => {
      const requested = state.extension!;
      const changes: Outcome['changes'] = c.approve
        ? { status: state.status, extension: null, dueAt: endOfShanghaiDay(requested.newDueDate), escalation: resetEscalation(state) }
        : { status: state.status, extension: null };
      const verdict = c.approve ? `同意延期至 ${requested.newDueDate}` : '不同意延期';
      return {
        changes,
        note: [verdict, trimmed(c.note)].filter(Boolean).join('：'),
        effects: [tellUnit(state, `extensionDecided:${at}`, `“${state.title}”延期申请：${verdict}`, c.note?.trim() || verdict)],
      };
    },
  },
  defer: {
    from: RUNNING_STATUSES,
    permitted: isOffice,
    whoMay: '只有领导小组办公室可以暂缓整改备案',
    check: (_s, c, { today }) => firstProblem(blank('暂缓原因', c.reason), futureDate('复核日期', c.reviewDate, today)),
    apply: (state, c, context) => ({
      changes: {
        status: 'deferred',
        deferral: { reason: c.reason.trim(), reviewDate: c.reviewDate, filedAt: context.at, filedBy: actorRef(context.actor), resumeStatus: state.status },
      },
      note: `${c.reason.trim()}（复核日期 ${c.reviewDate}）`,
    }),
  },
  resume: {
    from: ['deferred'],
    permitted: isOffice,
    whoMay: '只有领导小组办公室可以恢复整改',
    check: (_s, c, { today }) => (c.newDueDate === undefined ? null : futureDate('新的整改时限', c.newDueDate, today)),
    apply: (state, c, { at }) => ({
      changes: {
        status: state.deferral?.resumeStatus ?? 'rectifying',
        deferral: null,
        ...(c.newDueDate ? { dueAt: endOfShanghaiDay(c.newDueDate), escalation: resetEscalation(state) } : {}),
      },
      note: [c.newDueDate ? `新的整改时限 ${c.newDueDate}` : undefined, trimmed(c.note)].filter(Boolean).join('；') || undefined,
      effects: [tellUnit(state, `resumed:${at}`, `“${state.title}”恢复整改`, c.note?.trim() || '暂缓期满，请继续整改。')],
    }),
  },
  merge: {
    from: OPEN_STATUSES,
    permitted: isOffice,
    whoMay: '只有领导小组办公室可以合并重复问题',
    check: (state, c) => firstProblem(blank('合并到的问题', c.intoItemId), c.intoItemId === state.id ? '不能合并到自身' : null),
    apply: (_s, c) => ({ changes: { status: 'merged', mergedInto: c.intoItemId }, note: trimmed(c.note) ?? `合并到问题 ${c.intoItemId}` }),
  },
  reopen: {
    from: ['closed'],
    permitted: (actor) => hasRole(actor, 'office', 'inspector'),
    whoMay: '只有领导小组办公室或督导组可以重新打开',
    check: (_s, c, { today }) => firstProblem(blank('重新打开的原因', c.reason), futureDate('新的整改时限', c.newDueDate, today)),
    apply: (state, c, { at }) => ({
      changes: {
        status: 'rectifying',
        closedAt: null,
        completion: null,
        verification: null,
        missedProgress: false,
        dueAt: endOfShanghaiDay(c.newDueDate),
        escalation: resetEscalation(state),
        lastProgress: null,
        plan: state.plan && { ...state.plan, approvedAt: at },
      },
      note: `${c.reason.trim()}（新的整改时限 ${c.newDueDate}）`,
      effects: [
        { kind: 'notice', key: `red:reopened:${at}`, colour: 'red', reason: `整改不到位，重新打开：${c.reason.trim()}` },
      ],
    }),
  },
  handleEscalation: {
    from: (state) => awaitsEscalationHandling(state, RUNNING_STATUSES.includes(state.status)),
    permitted: mayHandleEscalation,
    whoMay: WHO_HANDLES_ESCALATION,
    check: (_s, c, { today }) => escalationHandlingProblem(c, today),
    apply: (state, c, context) => {
      const { changes, note, effects } = handleEscalation(state, c, context);
      return { changes: { status: state.status, ...changes }, note, effects };
    },
  },
  urge: {
    from: OPEN_STATUSES,
    permitted: mayUrge,
    whoMay: WHO_URGES,
    check: (_s, c) => urgeMessageProblem(c.message),
    apply: (state, c, context) => ({ changes: { status: state.status }, ...urge(state, c, context) }),
  },
};


export interface RegistrationOptions {
  readonly policy?: SupervisionPolicy;
  /** Remind the unit on the morning its sign-in and its plan fall due (see `RectificationState.deadlineDayReminders`). */
  readonly deadlineDayReminders?: boolean;
}

/** The state of a newly registered item, with its first timeline entry. */
export function register(input: RegisterRectification, actor: Actor, at: string, options: RegistrationOptions = {}): RectificationState {
  const policy = options.policy ?? selectPolicy(input.source, input.severity);
  const entry: TimelineEntry = { seq: 1, at, action: 'register', actor: actorRef(actor), fromStatus: null, toStatus: 'assigned' };
  return {
    ...input,
    verifierUnitId: input.verifierUnitId ?? null,
    progressEveryMonths: input.progressEveryMonths ?? policy.progressEveryMonths,
    status: 'assigned',
    policy,
    registeredAt: at,
    registeredBy: actorRef(actor),
    signedAt: null,
    planRequestedAt: null,
    plan: null,
    lastProgress: null,
    coReports: {},
    completion: null,
    verification: null,
    extension: null,
    deferral: null,
    mergedInto: null,
    returns: 0,
    missedProgress: false,
    escalation: { level: 0, since: null, accountability: false, handled: null },
    notices: [],
    schedule: { signInBy: null, planBy: null, blueAt: null, level1At: null, level2At: null, nextProgressDue: null },
    fired: [],
    ...(options.deadlineDayReminders ? { deadlineDayReminders: true } : {}),
    closedAt: null,
    version: 1,
    timeline: [entry],
  };
}

export interface Decided {
  readonly state: RectificationState;
  readonly effects: readonly Effect[];
}

/** Decides whether `actor` may apply `command` now and, if so, what the item becomes and what must happen. */
export function decide(state: RectificationState, command: RectificationCommand, actor: Actor, at: string): Decision<Decided> {
  return decideStep(RULES, state, command, actor, at, (s, action) => `当前状态为“${stateLabel(s)}”，不能${ACTION_VERBS[action]}`);
}

/** The steps `actor` may take now: the API returns them so the UI shows only those. */
export function allowedActions(state: RectificationState, actor: Actor): RectificationAction[] {
  return allowedSteps(RULES, state, actor);
}

function stateLabel(state: RectificationState): string {
  const pending = state.extension ? '，有待审批的延期申请' : '';
  const escalated = state.escalation.level > 0 ? `，已升级至${state.escalation.level}级${state.escalation.handled ? '并已处理' : ''}` : '';
  return `${STATUS_LABELS[state.status]}${pending}${escalated}`;
}

const ACTION_VERBS: Record<RectificationAction, string> = {
  sign: '签收',
  submitPlan: '报送整改方案',
  approvePlan: '审核整改方案',
  returnPlan: '退回整改方案',
  reportProgress: '报送整改进展',
  reportPart: '报送承担部分',
  submitCompletion: '报送整改完成',
  verify: '初验',
  returnCompletion: '退回',
  signOff: '验收销号',
  requestExtension: '申请延期',
  decideExtension: '审批延期',
  defer: '暂缓整改',
  resume: '恢复整改',
  merge: '合并',
  reopen: '重新打开',
  handleEscalation: '处理督办升级',
  urge: '催办',
};
