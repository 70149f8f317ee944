import { actsForUnit, hasRole, type Actor } from '../actor.js';
import type { Decision } from '../errors.js';
import type { Effect } from '../supervision/effects.js';
import {
  WHO_HANDLES_ESCALATION,
  awaitsEscalationHandling,
  escalationHandlingProblem,
  handleEscalation,
  mayHandleEscalation,
} from '../supervision/escalation.js';
import { actorRef, type Report } from '../supervision/records.js';
import { WHO_URGES, mayUrge, urge, urgeMessageProblem } from '../supervision/urge.js';
import { allowedSteps, decideStep, type RuleTable, type StepContext, type StepOutcome } from '../supervision/rule-table.js';
import { endOfShanghaiDay, isCalendarDate, shanghaiDate } from '../time.js';
import type { AssignmentAction, AssignmentCommand, AssignmentSpec, AssignmentState, AssignmentTimelineEntry, Part } from './assignment.js';
import { TASK_POLICY, type TaskPolicy } from './policy.js';
import { isBehindSchedule, nextUnmetMilestone } from './quantity.js';
import { ASSIGNMENT_STATUS_LABELS, RUNNING_ASSIGNMENT_STATUSES, type AssignmentStatus } from './vocabulary.js';

type Outcome = StepOutcome<AssignmentState, AssignmentStatus>;
type Context = StepContext;

const isLead = (actor: Actor, state: AssignmentState) => actsForUnit(actor, state.leadUnitId);
const isLeadLeader = (actor: Actor, state: AssignmentState) => actor.unitId === state.leadUnitId && hasRole(actor, 'unit_leader');
const isOffice = (actor: Actor) => hasRole(actor, 'office');
const blank = (label: string, value: string | undefined) => (!value || value.trim().length === 0 ? `${label}不能为空` : null);
const firstProblem = (...problems: (string | null)[]) => problems.find((p) => p !== null) ?? null;
const trimmed = (value: string | undefined) => value?.trim() || undefined;
const report = (summary: string, evidence: Report['evidence'] | undefined, context: Context): Report => ({
  summary: summary.trim(),
  evidence: evidence ?? [],
  at: context.at,
  by: actorRef(context.actor),
});

const tell = (state: AssignmentState, audience: 'unit' | 'office', key: string, title: string, body: string): Effect => ({
  kind: 'notify',
  key,
  unitId: state.leadUnitId,
  audience: audience === 'unit' ? ['handlers', 'unit_leaders'] : ['office'],
  level: 'info',
  title,
  body,
});

const openParts = (state: AssignmentState) => state.parts.filter((part) => part.done === null);

function returned(state: AssignmentState, reason: string): Outcome {
  const returns = state.returns + 1;
  const effects: Effect[] = [tell(state, 'unit', `return:${returns}`, `“${state.title}”被退回`, reason)];
  if (returns === state.policy.yellowAfterReturns) {
    effects.push({ kind: 'notice', key: `yellow:returns:${returns}`, colour: 'yellow', reason: `办结材料已被退回${returns}次，办理质量不高` });
  }
  return { changes: { status: 'in_progress', returns, submission: null, countersign: null }, note: reason.trim(), effects };
}

const RULES: RuleTable<AssignmentState, AssignmentCommand, AssignmentStatus> = {
  sign: {
    from: ['assigned'],
    permitted: isLead,
    whoMay: '只有责任单位可以签收',
    apply: (_s, _c, { at }) => ({ changes: { status: 'in_progress', signedAt: at } }),
  },
  split: {
    from: ['in_progress'],
    permitted: isLead,
    whoMay: '只有责任单位可以将任务分解到人',
    check: (state, c, { today }) => {
      if (!Array.isArray(c.parts) || c.parts.length === 0) return '至少分解出一项子任务';
      if (state.parts.some((part) => part.done !== null)) return '已有子任务完成，不能重新分解';
      const due = shanghaiDate(state.dueAt);
      for (const [i, part] of c.parts.entries()) {
        const problem = firstProblem(blank(`第${i + 1}项子任务的内容`, part.title), blank(`第${i + 1}项子任务的责任人`, part.assigneeName));
        if (problem) return problem;
        if (!isCalendarDate(part.dueDate)) return `第${i + 1}项子任务的完成时限须为 YYYY-MM-DD 格式的日期`;
        if (part.dueDate < today) return `第${i + 1}项子任务的完成时限不能早于今天`;
        if (part.dueDate > due) return `第${i + 1}项子任务的完成时限不能晚于本单位的办理时限 ${due}`;
      }
      return null;
    },
    apply: (state, c) => {
      const base = state.timeline.length;
      const parts: Part[] = c.parts.map((part, i) => ({
        id: `${base + 1}-${i + 1}`,
        title: part.title.trim(),
        assigneeUserId: part.assigneeUserId,
        assigneeName: part.assigneeName.trim(),
        dueDate: part.dueDate,
        dueAt: endOfShanghaiDay(part.dueDate),
        done: null,
      }));
      return {
        changes: { status: 'in_progress', parts },
        note: parts.map((part) => `${part.title}（${part.assigneeName}，${part.dueDate}前）`).join('；'),
      };
    },
  },
  completePart: {
    from: ['in_progress'],
    permitted: (actor, state, c) => {
      const part = c && state.parts.find((p) => p.id === c.partId);
      return isLeadLeader(actor, state) || (part !== undefined && part.assigneeUserId === actor.userId && actor.unitId === state.leadUnitId);
    },
    whoMay: '只有子任务责任人或本单位负责人可以完成子任务',
    check: (state, c) => {
      const part = state.parts.find((p) => p.id === c.partId);
      if (!part) return '没有这项子任务';
      if (part.done) return '该子任务已完成';
      return blank('完成情况', c.summary);
    },
    apply: (state, c, context) => ({
      changes: { status: 'in_progress', parts: state.parts.map((p) => (p.id === c.partId ? { ...p, done: report(c.summary, c.evidence, context) } : p)) },
      note: `${state.parts.find((p) => p.id === c.partId)?.title ?? ''}：${c.summary.trim()}`,
    }),
  },
  reportValue: {
    from: ['in_progress'],
    permitted: isLead,
    whoMay: '只有责任单位可以报送完成进度',
    check: (state, c) => {
      if (!state.quantity) return '该任务不是量化任务';
      if (typeof c.value !== 'number' || !Number.isFinite(c.value) || c.value < state.quantity.baseline) return '完成值须为不小于起始值的数字';
      return null;
    },
    apply: (state, c, { at }) => {
      const quantity = { ...state.quantity!, current: c.value, reportedAt: at };
      const unmet = nextUnmetMilestone(quantity);
      const missedMilestone = state.missedMilestone && unmet && unmet.date <= state.missedMilestone ? state.missedMilestone : null;
      return {
        changes: { status: 'in_progress', quantity, lagging: isBehindSchedule(quantity, state.policy.lagThresholdPercent, at), missedMilestone },
        note: `${quantity.metric}：${c.value}${quantity.unit}${trimmed(c.note) ? `；${c.note!.trim()}` : ''}`,
      };
    },
  },
  submit: {
    from: ['in_progress'],
    permitted: isLead,
    whoMay: '只有责任单位可以报送办结',
    check: (state, c) => {
      const open = openParts(state);
      if (open.length > 0) return `还有子任务未完成：${open.map((p) => p.title).join('、')}`;
      if (state.quantity && state.quantity.current < state.quantity.target) return `尚未达到目标值 ${state.quantity.target}${state.quantity.unit}`;
      return blank('办结情况', c.summary);
    },
    apply: (state, c, context) => ({
      changes: { status: 'pending_countersign', submission: report(c.summary, c.evidence, context) },
      note: c.summary.trim(),
      effects: [tell(state, 'unit', `submitted:${context.at}`, `“${state.title}”已报结，待单位领导审签`, '请单位负责人审签。')],
    }),
  },
  countersign: {
    from: ['pending_countersign'],
    permitted: isLeadLeader,
    whoMay: '只有本单位负责人可以审签',
    apply: (state, c, context) => ({
      changes: { status: 'pending_acceptance', countersign: report(c.note ?? '同意', [], context) },
      note: trimmed(c.note),
      effects: [tell(state, 'office', `countersigned:${context.at}`, `“${state.title}”已报结`, '单位负责人已审签，请验收。')],
    }),
  },
  returnSubmission: {
    from: ['pending_countersign', 'pending_acceptance'],
    permitted: (actor, state) => (state.status === 'pending_countersign' ? isLeadLeader(actor, state) : isOffice(actor)),
    whoMay: '待审签时由本单位负责人退回，待验收时由领导小组办公室退回',
    check: (_s, c) => blank('退回理由', c.reason),
    apply: (state, c) => returned(state, c.reason),
  },
  signOff: {
    from: ['pending_acceptance'],
    permitted: isOffice,
    whoMay: '只有领导小组办公室可以验收',
    apply: (state, c, { at }) => ({
      changes: { status: 'done', doneAt: at, closedAt: at, outcome: at <= state.dueAt ? 'on_time' : 'late' },
      note: trimmed(c.note),
      effects: [tell(state, 'unit', `done:${at}`, `“${state.title}”已验收办结`, '该任务已办结。')],
    }),
  },
  handleEscalation: {
    from: (state) => awaitsEscalationHandling(state, RUNNING_ASSIGNMENT_STATUSES.includes(state.status)),
    permitted: mayHandleEscalation,
    whoMay: WHO_HANDLES_ESCALATION,
    check: (_s, c, { today }) => escalationHandlingProblem(c, today),
    apply: (state, c, context) => {
      const { changes, note, effects } = handleEscalation(state, c, context);
      return { changes: { status: state.status, ...changes }, note, effects };
    },
  },
  urge: {
    from: RUNNING_ASSIGNMENT_STATUSES,
    permitted: mayUrge,
    whoMay: WHO_URGES,
    check: (_s, c) => urgeMessageProblem(c.message),
    apply: (state, c, context) => ({ changes: { status: state.status }, ...urge(state, c, context) }),
  },
  closeMonth: {
    from: RUNNING_ASSIGNMENT_STATUSES,
    permitted: isOffice,
    whoMay: '只有领导小组办公室可以月末结账',
    apply: (state, _c, { at }) =>
      state.onUnfinished === 'carry_over'
        ? {
            changes: { status: 'carried_over', closedAt: at, outcome: 'carried_over' },
            note: '月末未完成，结转下月清单',
            effects: [tell(state, 'unit', `carried:${at}`, `“${state.title}”月末未完成，已结转下月`, '请在下月继续办理。')],
          }
        : {
            changes: { status: 'failed', closedAt: at, outcome: 'failed' },
            note: '月末未完成，按未完成关闭',
            effects: [tell(state, 'unit', `failed:${at}`, `“${state.title}”月末未完成，已按未完成关闭`, '将计入考评。')],
          },
  },
};

/** The state of a newly published assignment. */
export function publishAssignment(
  spec: AssignmentSpec,
  actor: Actor,
  at: string,
  policy: TaskPolicy = TASK_POLICY,
  options: { readonly deadlineDayReminders?: boolean } = {},
): AssignmentState {
  const entry: AssignmentTimelineEntry = { seq: 1, at, action: 'publish', actor: actorRef(actor), fromStatus: null, toStatus: 'assigned' };
  return {
    ...spec,
    quantity: spec.quantity ? { ...spec.quantity, baselineAt: at, current: spec.quantity.baseline, reportedAt: null } : null,
    status: 'assigned',
    policy,
    publishedAt: at,
    publishedBy: actorRef(actor),
    signedAt: null,
    parts: [],
    lagging: false,
    missedMilestone: null,
    submission: null,
    countersign: null,
    returns: 0,
    escalation: { level: 0, since: null, accountability: false, handled: null },
    notices: [],
    schedule: { signInBy: null, blueAt: null, level1At: null, level2At: null },
    fired: [],
    ...(options.deadlineDayReminders ? { deadlineDayReminders: true } : {}),
    doneAt: null,
    outcome: null,
    closedAt: null,
    version: 1,
    timeline: [entry],
  };
}

export interface AssignmentDecided {
  readonly state: AssignmentState;
  readonly effects: readonly Effect[];
}

/** Decides whether `actor` may apply `command` now and, if so, what the assignment becomes. */
export function decideAssignment(state: AssignmentState, command: AssignmentCommand, actor: Actor, at: string): Decision<AssignmentDecided> {
  return decideStep(RULES, state, command, actor, at, (s, action) => `当前状态为“${ASSIGNMENT_STATUS_LABELS[s.status]}”，不能${ACTION_VERBS[action]}`);
}

/** The steps `actor` may take now (the UI shows only these). Part completion is offered to whoever may complete a part. */
export function allowedAssignmentActions(state: AssignmentState, actor: Actor): AssignmentAction[] {
  return allowedSteps(RULES, state, actor, (action, rule) =>
    action === 'completePart'
      ? openParts(state).some((part) => rule.permitted(actor, state, { type: 'completePart', partId: part.id, summary: '' }))
      : rule.permitted(actor, state),
  );
}

const ACTION_VERBS: Record<AssignmentAction, string> = {
  sign: '签收',
  split: '分解到人',
  completePart: '完成子任务',
  reportValue: '报送完成进度',
  submit: '报送办结',
  countersign: '审签',
  returnSubmission: '退回',
  signOff: '验收',
  closeMonth: '月末结账',
  handleEscalation: '处理督办升级',
  urge: '催办',
};
