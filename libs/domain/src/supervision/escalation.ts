import { hasRole, type Actor } from '../actor.js';
import { endOfShanghaiDay, isCalendarDate } from '../time.js';
import type { DeadlineSupervised } from './deadline.js';
import type { Effect } from './effects.js';
import { actorRef, type Escalation, type EscalationAction } from './records.js';

/**
 * Handling an escalation (督办升级处理), the same for every supervised kind: the office settles level 1, the leader
 * (or the office) level 2, by urging (催办), an interview (约谈) or a new deadline (延期), which resets the ladder.
 */
export interface HandleEscalation {
  readonly type: 'handleEscalation';
  readonly action: EscalationAction;
  readonly note: string;
  readonly newDueDate?: string;
}

/** Escalated and waiting for someone to act on it: the escalation queue. */
export const awaitsEscalationHandling = (item: Pick<DeadlineSupervised, 'escalation'>, running: boolean): boolean =>
  running && item.escalation.level > 0 && item.escalation.handled === null;

export const mayHandleEscalation = (actor: Actor, item: Pick<DeadlineSupervised, 'escalation'>): boolean =>
  item.escalation.level === 2 ? hasRole(actor, 'leader', 'office') : hasRole(actor, 'office');

export const WHO_HANDLES_ESCALATION = '一级升级由领导小组办公室处理，二级升级由分管领导或办公室处理';

/** A reason (zh-CN) the handling cannot be taken, or null. */
export function escalationHandlingProblem(command: HandleEscalation, today: string): string | null {
  if (!command.note || command.note.trim().length === 0) return '处理意见不能为空';
  if (command.action !== 'extend') return null;
  if (!command.newDueDate || !isCalendarDate(command.newDueDate)) return '新的整改时限须为 YYYY-MM-DD 格式的日期';
  return command.newDueDate < today ? '新的整改时限不能早于今天' : null;
}

export const resetEscalation = (item: Pick<DeadlineSupervised, 'escalation'>): Escalation => ({
  level: 0,
  since: null,
  accountability: item.escalation.accountability,
  handled: null,
});

/** What handling changes (the escalation, and the deadline for `extend`), the timeline note and the word to the unit. */
export function handleEscalation(
  item: DeadlineSupervised,
  command: HandleEscalation,
  context: { readonly actor: Actor; readonly at: string },
): { changes: { escalation: Escalation; dueAt?: string }; note: string; effects: Effect[] } {
  const handled = { action: command.action, at: context.at, by: actorRef(context.actor), note: command.note.trim() };
  const label = { urge: '催办', interview: '约谈', extend: `延期至 ${command.newDueDate}` }[command.action];
  const changes =
    command.action === 'extend' && command.newDueDate
      ? { dueAt: endOfShanghaiDay(command.newDueDate), escalation: { ...resetEscalation(item), handled } }
      : { escalation: { ...item.escalation, handled } };
  return {
    changes,
    note: `${label}：${command.note.trim()}`,
    effects: [
      {
        kind: 'notify',
        key: `escalationHandled:${context.at}`,
        unitId: item.leadUnitId,
        audience: command.action === 'interview' ? ['unit_leaders'] : ['handlers', 'unit_leaders'],
        level: 'red',
        title: `“${item.title}”${label}`,
        body: command.note.trim(),
      },
    ],
  };
}
