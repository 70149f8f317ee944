import { deadlineConsequences, deadlineDayMorning, deadlineTimers, type DeadlineTimerKind, type DeadlineWording, type TimerEvent } from '../supervision/deadline.js';
import type { Effect } from '../supervision/effects.js';
import { timerStep } from '../supervision/rule-table.js';
import { shanghaiDate, startOfShanghaiDay } from '../time.js';
import type { RectificationState, TimerKind } from './state.js';
import { RUNNING_STATUSES } from './vocabulary.js';

export type RectificationTimer = TimerEvent<TimerKind>;

const RECTIFICATION_WORDING: DeadlineWording = {
  blue: (days) => `距整改时限不足${days}个工作日`,
  red: '已超过整改时限仍未整改到位',
};

/** Every timer the item is waiting for now, earliest first. */
export function pendingTimers(state: RectificationState): RectificationTimer[] {
  const { schedule: s, status } = state;
  const running = RUNNING_STATUSES.includes(status);
  const events: RectificationTimer[] = [];
  const add = (kind: TimerKind, key: string, at: string | null) => {
    if (at && !state.fired.includes(key)) events.push({ kind, key, at });
  };
  if (status === 'assigned') add('signInReminder', `signIn@${state.registeredAt}`, s.signInBy);
  if (status === 'signed') add('planReminder', `plan@${state.planRequestedAt}`, s.planBy);
  if (state.deadlineDayReminders) {
    if (status === 'assigned') add('signInDueToday', `signInToday@${state.registeredAt}`, deadlineDayMorning(s.signInBy, state.registeredAt));
    if (status === 'signed') add('planDueToday', `planToday@${state.planRequestedAt}`, deadlineDayMorning(s.planBy, state.planRequestedAt));
  }
  if (status === 'rectifying') add('progressMissed', `progress@${s.nextProgressDue}`, s.nextProgressDue);
  if (running) events.push(...deadlineTimers(state, s));
  if (status === 'deferred' && state.deferral) add('deferralReview', `deferral@${state.deferral.filedAt}`, startOfShanghaiDay(state.deferral.reviewDate));
  return events.sort((a, b) => a.at.localeCompare(b.at) || a.kind.localeCompare(b.kind));
}

export const nextTimer = (state: RectificationState): RectificationTimer | null => pendingTimers(state)[0] ?? null;

/** What happens when a timer fires at `at`: the new state and the effects to carry out. */
export function fire(state: RectificationState, event: RectificationTimer, at: string): { state: RectificationState; effects: Effect[] } {
  const { changes, effects } = consequences(state, event, at);
  return { state: timerStep(state, event, at, changes), effects };
}

function consequences(state: RectificationState, event: RectificationTimer, at: string): { changes: Partial<RectificationState>; effects: Effect[] } {
  const remind = (title: string, body: string): Effect => ({
    kind: 'notify',
    key: event.key,
    unitId: state.leadUnitId,
    audience: ['handlers', 'unit_leaders'],
    level: 'info',
    title: `“${state.title}”${title}`,
    body,
  });
  const notice = (colour: 'yellow', reason: string): Effect => ({ kind: 'notice', key: event.key, colour, reason });
  const ladder = (kind: DeadlineTimerKind) => {
    const { escalation, effects } = deadlineConsequences(state, { ...event, kind }, at, RECTIFICATION_WORDING);
    return { changes: escalation ? { escalation } : {}, effects };
  };

  const dueDay = (deadline: string | null) => (deadline ? shanghaiDate(deadline) : '');
  switch (event.kind) {
    case 'signInDueToday':
      return { changes: {}, effects: [remind('今天签收到期', `该问题已交办，签收时限为今天（${dueDay(state.schedule.signInBy)}），请及时签收。`)] };
    case 'planDueToday':
      return {
        changes: {},
        effects: [remind('今天须报送整改方案', `报送整改方案的时限为今天（${dueDay(state.schedule.planBy)}），请及时报送整改措施、整改时限和整改责任人。`)],
      };
    case 'signInReminder':
      return { changes: {}, effects: [remind('尚未签收', '该问题已交办，请尽快签收。')] };
    case 'planReminder':
      return { changes: {}, effects: [remind('尚未报送整改方案', '请尽快报送整改方案，明确整改措施、整改时限和整改责任人。')] };
    case 'blueNotice':
      return ladder('blueNotice');
    case 'progressMissed':
      return { changes: { missedProgress: true }, effects: [notice('yellow', '未按期报送整改进展')] };
    case 'overdue':
    case 'escalate1':
    case 'escalate2':
      return ladder(event.kind);
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

