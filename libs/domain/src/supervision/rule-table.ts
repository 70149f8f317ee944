import type { Actor } from '../actor.js';
import { accept, refuse, violation, type Decision } from '../errors.js';
import { shanghaiDate } from '../time.js';
import type { Effect } from './effects.js';
import { actorRef, type ActorRef, type EvidenceRef } from './records.js';

/**
 * The rule-table machinery every supervised kind shares: a table of steps (who may take each, from which
 * states, what it checks and changes), turned into a decision and a timeline entry (痕迹管理) the same way.
 */

export interface StepContext {
  readonly actor: Actor;
  /** The instant of the step, ISO. */
  readonly at: string;
  /** The Shanghai date of the step. */
  readonly today: string;
}

export interface StepOutcome<S, Status> {
  readonly changes: Partial<S> & { readonly status: Status };
  readonly note?: string;
  readonly effects?: readonly Effect[];
}

export interface StepRule<S, C, Status> {
  /** Statuses the step may start from, or a test of the whole state. */
  readonly from: readonly Status[] | ((state: S) => boolean);
  /** Whether the actor may take the step; `command` is absent when asking in general (allowed actions). */
  readonly permitted: (actor: Actor, state: S, command?: C) => boolean;
  readonly whoMay: string;
  /** A reason (zh-CN) to refuse the command's content, or null. */
  readonly check?: (state: S, command: C, context: StepContext) => string | null;
  readonly apply: (state: S, command: C, context: StepContext) => StepOutcome<S, Status>;
}

/** One step in an item's trace: who, what, when, the status before and after. */
export interface TimelineStep<Status, Action> {
  readonly seq: number;
  readonly at: string;
  readonly action: Action;
  /** The user who acted; absent for steps the process took by itself (reminders, notices, escalation). */
  readonly actor: ActorRef | null;
  readonly fromStatus: Status | null;
  readonly toStatus: Status;
  readonly note?: string;
  readonly evidence?: readonly EvidenceRef[];
}

export interface Stepped<Status> {
  readonly status: Status;
  readonly version: number;
  readonly timeline: readonly TimelineStep<Status, string>[];
}

export type RuleTable<S, C extends { readonly type: string }, Status> = { readonly [A in C['type']]: StepRule<S, Extract<C, { type: A }>, Status> };

export const ruleAllowsFrom = <S extends Stepped<Status>, Status>(rule: Pick<StepRule<S, never, Status>, 'from'>, state: S): boolean =>
  typeof rule.from === 'function' ? rule.from(state) : rule.from.includes(state.status);

/**
 * Decides whether `actor` may take `command` now: the state first (so the message says what is wrong with the item),
 * then the actor, then the content; if allowed, the new state with its timeline entry and the effects to carry out.
 */
export function decideStep<S extends Stepped<Status>, C extends { readonly type: string }, Status>(
  table: RuleTable<S, C, Status>,
  state: S,
  command: C,
  actor: Actor,
  at: string,
  wrongState: (state: S, action: C['type']) => string,
): Decision<{ readonly state: S; readonly effects: readonly Effect[] }> {
  const rule = (table as unknown as Record<string, StepRule<S, C, Status> | undefined>)[command.type];
  if (!rule) return refuse(violation('invalid_input', '未知的操作', { action: command.type }));
  if (!ruleAllowsFrom(rule, state)) return refuse(violation('invalid_state', wrongState(state, command.type), { status: state.status, action: command.type }));
  if (!rule.permitted(actor, state, command)) return refuse(violation('not_permitted', rule.whoMay, { action: command.type }));
  const context: StepContext = { actor, at, today: shanghaiDate(at) };
  const problem = rule.check?.(state, command, context);
  if (problem) return refuse(violation('invalid_input', problem, { action: command.type }));

  const outcome = rule.apply(state, command, context);
  const evidence = 'evidence' in command ? (command.evidence as readonly EvidenceRef[] | undefined) : undefined;
  const entry: TimelineStep<Status, string> = {
    seq: state.timeline.length + 1,
    at,
    action: command.type,
    actor: actorRef(actor),
    fromStatus: state.status,
    toStatus: outcome.changes.status,
    ...(outcome.note ? { note: outcome.note } : {}),
    ...(evidence && evidence.length > 0 ? { evidence } : {}),
  };
  return accept({
    state: { ...state, ...outcome.changes, version: state.version + 1, timeline: [...state.timeline, entry] },
    effects: outcome.effects ?? [],
  });
}

/** The steps `actor` may take now (the UI shows only these); `permittedNow` refines the general permission per step. */
export function allowedSteps<S extends Stepped<Status>, C extends { readonly type: string }, Status>(
  table: RuleTable<S, C, Status>,
  state: S,
  actor: Actor,
  permittedNow: (action: C['type'], rule: StepRule<S, C, Status>) => boolean = (_action, rule) => rule.permitted(actor, state),
): C['type'][] {
  return (Object.keys(table) as C['type'][]).filter((action) => {
    const rule = (table as unknown as Record<string, StepRule<S, C, Status>>)[action]!;
    return ruleAllowsFrom(rule, state) && permittedNow(action, rule);
  });
}

/** A timer's step: its changes, the key it fired under, and a timeline entry without an actor. */
export function timerStep<S extends Stepped<Status> & { readonly fired: readonly string[] }, Status>(
  state: S,
  event: { readonly key: string; readonly kind: string },
  at: string,
  changes: Partial<S>,
): S {
  const next: S = { ...state, ...changes, fired: [...state.fired, event.key] };
  const entry: TimelineStep<Status, string> = { seq: state.timeline.length + 1, at, action: event.kind, actor: null, fromStatus: state.status, toStatus: next.status };
  return { ...next, version: state.version + 1, timeline: [...state.timeline, entry] };
}
