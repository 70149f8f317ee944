import {
  deadlineConsequences,
  deadlineDayMorning,
  deadlineLight,
  deadlineShifts,
  deadlineTimers,
  neededShifts,
  resolveSchedule,
  type BlueReckoning,
  type DayShift,
  type DeadlineTimerKind,
  type TimerEvent,
} from '../supervision/deadline.js';
import type { Effect } from '../supervision/effects.js';
import { timerStep } from '../supervision/rule-table.js';
import { endOfShanghaiDay, shanghaiDate } from '../time.js';
import type { AssignmentSchedule, AssignmentState, AssignmentTimerKind } from './assignment.js';
import { lagStartsAt, nextUnmetMilestone } from './quantity.js';
import { RUNNING_ASSIGNMENT_STATUSES } from './vocabulary.js';

export type AssignmentTimer = TimerEvent<AssignmentTimerKind>;

const running = (state: AssignmentState) => RUNNING_ASSIGNMENT_STATUSES.includes(state.status);

function needs(state: AssignmentState, blue?: BlueReckoning): Record<keyof AssignmentSchedule, DayShift | null> {
  const ladder = deadlineShifts(state.policy, shanghaiDate(state.dueAt), blue);
  return {
    signInBy: state.status === 'assigned' ? { date: shanghaiDate(state.publishedAt), offset: state.policy.signInWorkingDays } : null,
    ...ladder,
  };
}

/** The calendar questions the assignment's schedule needs answered now. */
export function assignmentScheduleShifts(state: AssignmentState, blue?: BlueReckoning): DayShift[] {
  return neededShifts(needs(state, blue));
}

/** Builds the schedule from the calendar's answers (keyed by `shiftKey`). */
export function buildAssignmentSchedule(state: AssignmentState, answers: Readonly<Record<string, string>>, blue?: BlueReckoning): AssignmentSchedule {
  return resolveSchedule(needs(state, blue), answers, ['blueAt']);
}

/** Every timer the assignment waits for now, earliest first. */
export function pendingAssignmentTimers(state: AssignmentState): AssignmentTimer[] {
  if (!running(state)) return [];
  const events: AssignmentTimer[] = [];
  const add = (kind: AssignmentTimerKind, key: string, at: string | null) => {
    if (at && !state.fired.includes(key)) events.push({ kind, key, at });
  };
  if (state.status === 'assigned') add('signInReminder', `signIn@${state.publishedAt}`, state.schedule.signInBy);
  if (state.status === 'assigned' && state.deadlineDayReminders) {
    add('signInDueToday', `signInToday@${state.publishedAt}`, deadlineDayMorning(state.schedule.signInBy, state.publishedAt));
  }
  events.push(...deadlineTimers(state, state.schedule));
  if (state.status === 'in_progress') {
    for (const part of state.parts) if (!part.done) add('partOverdue', `part:${part.id}@${part.dueAt}`, new Date(Date.parse(part.dueAt) + 1).toISOString());
  }
  const q = state.quantity;
  if (q && state.status === 'in_progress') {
    const unmet = nextUnmetMilestone(q);
    if (unmet) add('milestoneMissed', `milestone:${unmet.date}`, new Date(Date.parse(endOfShanghaiDay(unmet.date)) + 1).toISOString());
    if (!state.lagging) add('lagging', `lag@${q.reportedAt ?? q.baselineAt}`, lagStartsAt(q, state.policy.lagThresholdPercent, q.reportedAt ?? q.baselineAt));
  }
  return events.sort((a, b) => a.at.localeCompare(b.at) || a.kind.localeCompare(b.kind));
}

export const nextAssignmentTimer = (state: AssignmentState): AssignmentTimer | null => pendingAssignmentTimers(state)[0] ?? null;

/** What happens when a timer fires at `at`. */
export function fireAssignment(state: AssignmentState, event: AssignmentTimer, at: string): { state: AssignmentState; effects: Effect[] } {
  const { changes, effects } = consequences(state, event, at);
  return { state: timerStep(state, event, at, changes), effects };
}

function consequences(state: AssignmentState, event: AssignmentTimer, at: string): { changes: Partial<AssignmentState>; effects: Effect[] } {
  const remind = (title: string, body: string): Effect => ({
    kind: 'notify',
    key: event.key,
    unitId: state.leadUnitId,
    audience: ['handlers', 'unit_leaders'],
    level: 'info',
    title: `“${state.title}”${title}`,
    body,
  });
  switch (event.kind) {
    case 'signInDueToday':
      return {
        changes: {},
        effects: [remind('今天签收到期', `该任务已下发，签收时限为今天（${state.schedule.signInBy ? shanghaiDate(state.schedule.signInBy) : ''}），请及时签收并分解到人。`)],
      };
    case 'signInReminder':
      return { changes: {}, effects: [remind('尚未签收', '该任务已下发，请尽快签收并分解到人。')] };
    case 'partOverdue': {
      const part = state.parts.find((p) => event.key.startsWith(`part:${p.id}@`));
      return { changes: {}, effects: [remind(`子任务“${part?.title ?? ''}”已超期`, `责任人：${part?.assigneeName ?? ''}，完成时限：${part?.dueDate ?? ''}。`)] };
    }
    case 'lagging':
      return {
        changes: { lagging: true },
        effects: [{ kind: 'notice', key: event.key, colour: 'yellow', reason: `${state.quantity?.metric ?? '完成进度'}滞后于序时进度` }],
      };
    case 'milestoneMissed': {
      const milestone = event.key.slice('milestone:'.length);
      const target = state.quantity?.milestones.find((m) => m.date === milestone);
      return {
        changes: { missedMilestone: milestone },
        effects: [
          {
            kind: 'notice',
            key: event.key,
            colour: 'red',
            reason: `${state.quantity?.metric ?? ''}未达到${milestone}的节点目标${target ? `（${target.value}${state.quantity?.unit ?? ''}）` : ''}`,
          },
        ],
      };
    }
    case 'blueNotice':
    case 'overdue':
    case 'escalate1':
    case 'escalate2': {
      const { escalation, effects } = deadlineConsequences(state, { ...event, kind: event.kind as DeadlineTimerKind }, at);
      return { changes: escalation ? { escalation } : {}, effects };
    }
  }
}

/** The assignment's light: red when overdue or a milestone passed unmet; yellow when lagging or returned too often. */
export function assignmentLight(
  state: Pick<AssignmentState, 'status' | 'dueAt' | 'missedMilestone' | 'lagging' | 'returns' | 'policy' | 'schedule'>,
  now: Date,
): 'green' | 'blue' | 'yellow' | 'red' | null {
  if (!RUNNING_ASSIGNMENT_STATUSES.includes(state.status)) return null;
  if (state.missedMilestone) return 'red';
  return deadlineLight(state.dueAt, state.schedule.blueAt, isAssignmentLagging(state), now);
}

export const isAssignmentLagging = (state: Pick<AssignmentState, 'lagging' | 'returns' | 'policy'>): boolean =>
  state.lagging || state.returns >= state.policy.yellowAfterReturns;
