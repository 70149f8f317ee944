import { hasRole, type Actor } from '../actor.js';
import type { Effect } from './effects.js';

/**
 * One-click 催办: the office or a leader presses the unit on any open item or task with a short message. It changes
 * no deadline and no status; the unit's handlers and leader are told, the timeline keeps who, when and what, and the
 * urgings are counted from the timeline.
 */
export interface Urge {
  readonly type: 'urge';
  readonly message: string;
}

export const URGE_MESSAGE_MAX_LENGTH = 200;

export const mayUrge = (actor: Actor): boolean => hasRole(actor, 'office', 'leader');

export const WHO_URGES = '只有领导小组办公室或领导可以催办';

/** A reason (zh-CN) the message cannot be sent, or null. */
export function urgeMessageProblem(message: unknown): string | null {
  if (typeof message !== 'string' || message.trim().length === 0) return '催办内容不能为空';
  if (message.trim().length > URGE_MESSAGE_MAX_LENGTH) return `催办内容不能超过${URGE_MESSAGE_MAX_LENGTH}个字`;
  return null;
}

/** The timeline note and the word to the unit's handlers and leader. */
export function urge(
  item: { readonly title: string; readonly leadUnitId: string },
  command: Urge,
  context: { readonly actor: Actor; readonly at: string },
): { note: string; effects: Effect[] } {
  const message = command.message.trim();
  return {
    note: message,
    effects: [
      {
        kind: 'notify',
        key: `urge:${context.at}`,
        unitId: item.leadUnitId,
        audience: ['handlers', 'unit_leaders'],
        level: 'yellow',
        title: `催办：“${item.title}”`,
        body: `${context.actor.name}催办：${message}`,
      },
    ],
  };
}

/** How many times the item has been urged: its timeline keeps every urging. */
export const urgeCount = (timeline: readonly { readonly action: string }[]): number => timeline.filter((entry) => entry.action === 'urge').length;
