import type { Actor } from '../actor.js';
import type { Category, Severity, Source, Status } from './vocabulary.js';

export interface ActorRef {
  readonly userId: string;
  readonly name: string;
  readonly unitId: string;
}

export const actorRef = (actor: Actor): ActorRef => ({ userId: actor.userId, name: actor.name, unitId: actor.unitId });

/** One step in the item's trace (痕迹管理): who, what, when, before and after. */
export interface TimelineEntry {
  readonly seq: number;
  readonly at: string;
  readonly action: RectificationAction | 'register';
  readonly actor: ActorRef;
  readonly fromStatus: Status | null;
  readonly toStatus: Status;
  readonly note?: string;
}

export interface Completion {
  readonly summary: string;
  readonly submittedAt: string;
  readonly submittedBy: ActorRef;
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
}

export interface RectificationState extends RegisterRectification {
  readonly status: Status;
  readonly registeredAt: string;
  readonly registeredBy: ActorRef;
  readonly completion: Completion | null;
  readonly closedAt: string | null;
  /** Increases by one with every change; projections keep the highest they have seen. */
  readonly version: number;
  readonly timeline: readonly TimelineEntry[];
}

export type RectificationCommand =
  | { readonly type: 'sign' }
  | { readonly type: 'submitCompletion'; readonly summary: string }
  | { readonly type: 'returnCompletion'; readonly reason: string }
  | { readonly type: 'signOff'; readonly note?: string };

export type RectificationAction = RectificationCommand['type'];

export const RECTIFICATION_ACTIONS: readonly RectificationAction[] = ['sign', 'submitCompletion', 'returnCompletion', 'signOff'];

export const ACTION_LABELS: Record<RectificationAction | 'register', string> = {
  register: '立项交办',
  sign: '签收',
  submitCompletion: '报送整改完成',
  returnCompletion: '退回重新整改',
  signOff: '验收销号',
};
