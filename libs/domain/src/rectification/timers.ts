import { startOfShanghaiDay } from '../time.js';
import { NOTICE_AUDIENCE, type Effect } from './effects.js';
import type { Escalation, RectificationState, TimelineEntry, TimerKind } from './state.js';
import { RUNNING_STATUSES } from './vocabulary.js';

/** A step the process takes by itself at an instant, unless the state moves on first. */
export interface TimerEvent {
  /** Unique per occurrence: moving a deadline changes the key, so the moved timer fires again. */
  readonly key: string;
  readonly kind: TimerKind;
  readonly at: string;
}

/** Every timer the item is waiting for now, earliest first. */
export function pendingTimers(state: RectificationState): TimerEvent[] {
  const { schedule: s, status, dueAt } = state;
  const running = RUNNING_STATUSES.includes(status);
  const events: TimerEvent[] = [];
  const add = (kind: TimerKind, key: string, at: string | null) => {
    if (at && !state.fired.includes(key)) events.push({ kind, key, at });
  };
  if (status === 'assigned') add('signInReminder', `signIn@${state.registeredAt}`, s.signInBy);
  if (status === 'signed') add('planReminder', `plan@${state.planRequestedAt}`, s.planBy);
  if (status === 'rectifying') add('progressMissed', `progress@${s.nextProgressDue}`, s.nextProgressDue);
  if (running) {
    add('blueNotice', `blue@${dueAt}`, s.blueAt);
    add('overdue', `overdue@${dueAt}`, new Date(Date.parse(dueAt) + 1).toISOString());
    if (state.escalation.level < 1) add('escalate1', `escalate1@${dueAt}`, s.level1At);
    if (state.escalation.level < 2) add('escalate2', `escalate2@${dueAt}`, s.level2At);
  }
  if (status === 'deferred' && state.deferral) add('deferralReview', `deferral@${state.deferral.filedAt}`, startOfShanghaiDay(state.deferral.reviewDate));
  return events.sort((a, b) => a.at.localeCompare(b.at) || a.kind.localeCompare(b.kind));
}

export const nextTimer = (state: RectificationState): TimerEvent | null => pendingTimers(state)[0] ?? null;

/** What happens when a timer fires at `at`: the new state and the effects to carry out. */
export function fire(state: RectificationState, event: TimerEvent, at: string): { state: RectificationState; effects: Effect[] } {
  const { changes, effects } = consequences(state, event, at);
  const next: RectificationState = { ...state, ...changes, fired: [...state.fired, event.key] };
  const entry: TimelineEntry = { seq: state.timeline.length + 1, at, action: event.kind, actor: null, fromStatus: state.status, toStatus: next.status };
  return { state: { ...next, version: state.version + 1, timeline: [...state.timeline, entry] }, effects };
}

function consequences(state: RectificationState, event: TimerEvent, at: string): { changes: Partial<RectificationState>; effects: Effect[] } {
  const remind = (title: string, body: string): Effect => ({
    kind: 'notify',
    key: event.key,
    unitId: state.leadUnitId,
    audience: ['handlers', 'unit_leaders'],
    level: 'info',
    title: `“${state.title}”${title}`,
    body,
  });
  const notice = (colour: 'blue' | 'yellow' | 'red', reason: string): Effect => ({ kind: 'notice', key: event.key, colour, reason });
  const escalate = (level: 1 | 2): Escalation => ({ level, since: at, accountability: state.escalation.accountability || level === 2, handled: null });

  switch (event.kind) {
    case 'signInReminder':
      return { changes: {}, effects: [remind('尚未签收', '该问题已交办，请尽快签收。')] };
    case 'planReminder':
      return { changes: {}, effects: [remind('尚未报送整改方案', '请尽快报送整改方案，明确整改措施、整改时限和整改责任人。')] };
    case 'blueNotice':
      return { changes: {}, effects: [notice('blue', `距整改时限不足${state.policy.blueWorkingDaysLeft}个工作日`)] };
    case 'progressMissed':
      return { changes: { missedProgress: true }, effects: [notice('yellow', '未按期报送整改进展')] };
    case 'overdue':
      return { changes: {}, effects: [notice('red', '已超过整改时限仍未整改到位')] };
    case 'escalate1':
      return {
        changes: { escalation: escalate(1) },
        effects: [
          {
            kind: 'notify',
            key: event.key,
            unitId: state.leadUnitId,
            audience: ['office', 'unit_leaders'],
            level: 'red',
            title: `“${state.title}”超期${state.policy.level1AfterWorkingDays}个工作日，升级督办`,
            body: '请领导小组办公室处理：催办、约谈或批准延期。',
          },
        ],
      };
    case 'escalate2':
      return {
        changes: { escalation: escalate(2) },
        effects: [
          {
            kind: 'notify',
            key: event.key,
            unitId: state.leadUnitId,
            audience: ['leaders', 'office', 'unit_leaders'],
            level: 'red',
            title: `“${state.title}”超期${state.policy.level2AfterWorkingDays}个工作日，升级至分管领导`,
            body: '已列为问责线索。',
          },
        ],
      };
    case 'deferralReview':
      return {
        changes: {},
        effects: [
          {
            kind: 'notify',
            key: event.key,
            unitId: state.leadUnitId,
            audience: ['office', 'handlers'],
            level: 'info',
            title: `“${state.title}”暂缓整改到期复核`,
            body: `备案原因：${state.deferral?.reason ?? ''}。请复核是否恢复整改。`,
          },
        ],
      };
  }
}

export { NOTICE_AUDIENCE };
