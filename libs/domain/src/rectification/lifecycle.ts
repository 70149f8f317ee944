import { actsForUnit, hasRole, type Actor } from '../actor.js';
import { accept, refuse, violation, type Decision } from '../errors.js';
import {
  actorRef,
  type RectificationAction,
  type RectificationCommand,
  type RectificationState,
  type RegisterRectification,
  type TimelineEntry,
} from './state.js';
import { STATUS_LABELS, type Status } from './vocabulary.js';

type CommandOf<A extends RectificationAction> = Extract<RectificationCommand, { type: A }>;

interface Rule<A extends RectificationAction> {
  /** Statuses the step may start from. */
  readonly from: readonly Status[];
  readonly permitted: (actor: Actor, state: RectificationState) => boolean;
  readonly whoMayMessage: string;
  readonly check?: (command: CommandOf<A>) => string | null;
  readonly apply: (state: RectificationState, command: CommandOf<A>, actor: Actor, at: string) => Partial<RectificationState> & { status: Status };
  readonly note?: (command: CommandOf<A>) => string | undefined;
}

const isLeadUnit = (actor: Actor, state: RectificationState) => actsForUnit(actor, state.leadUnitId);
const isOffice = (actor: Actor) => hasRole(actor, 'office');
const requireText = (label: string, value: string) => (value.trim().length === 0 ? `${label}不能为空` : null);

const RULES: { readonly [A in RectificationAction]: Rule<A> } = {
  sign: {
    from: ['assigned'],
    permitted: isLeadUnit,
    whoMayMessage: '只有牵头单位可以签收',
    apply: () => ({ status: 'signed' }),
  },
  submitCompletion: {
    from: ['signed'],
    permitted: isLeadUnit,
    whoMayMessage: '只有牵头单位可以报送整改完成情况',
    check: (c) => requireText('整改完成情况', c.summary),
    apply: (_s, c, actor, at) => ({
      status: 'completion_submitted',
      completion: { summary: c.summary.trim(), submittedAt: at, submittedBy: actorRef(actor) },
    }),
    note: (c) => c.summary.trim(),
  },
  returnCompletion: {
    from: ['completion_submitted'],
    permitted: isOffice,
    whoMayMessage: '只有领导小组办公室可以退回',
    check: (c) => requireText('退回理由', c.reason),
    apply: () => ({ status: 'signed', completion: null }),
    note: (c) => c.reason.trim(),
  },
  signOff: {
    from: ['completion_submitted'],
    permitted: isOffice,
    whoMayMessage: '只有领导小组办公室可以验收销号',
    apply: (_s, _c, _a, at) => ({ status: 'closed', closedAt: at }),
    note: (c) => c.note?.trim() || undefined,
  },
};

/** The state of a newly registered item, with its first timeline entry. */
export function register(input: RegisterRectification, actor: Actor, at: string): RectificationState {
  const entry: TimelineEntry = { seq: 1, at, action: 'register', actor: actorRef(actor), fromStatus: null, toStatus: 'assigned' };
  return {
    ...input,
    status: 'assigned',
    registeredAt: at,
    registeredBy: actorRef(actor),
    completion: null,
    closedAt: null,
    version: 1,
    timeline: [entry],
  };
}

/** Decides whether `actor` may apply `command` now and, if so, what the item becomes. */
export function decide(state: RectificationState, command: RectificationCommand, actor: Actor, at: string): Decision<RectificationState> {
  const rule = RULES[command.type] as Rule<typeof command.type>;
  if (!rule.from.includes(state.status)) {
    return refuse(
      violation('invalid_state', `当前状态为“${STATUS_LABELS[state.status]}”，不能${actionVerb(command.type)}`, {
        status: state.status,
        action: command.type,
      }),
    );
  }
  if (!rule.permitted(actor, state)) {
    return refuse(violation('not_permitted', rule.whoMayMessage, { action: command.type }));
  }
  const problem = rule.check?.(command as never);
  if (problem) return refuse(violation('invalid_input', problem, { action: command.type }));

  const changes = rule.apply(state, command as never, actor, at);
  const note = rule.note?.(command as never);
  const entry: TimelineEntry = {
    seq: state.timeline.length + 1,
    at,
    action: command.type,
    actor: actorRef(actor),
    fromStatus: state.status,
    toStatus: changes.status,
    ...(note ? { note } : {}),
  };
  return accept({ ...state, ...changes, version: state.version + 1, timeline: [...state.timeline, entry] });
}

/** The steps `actor` may take now: the API returns them so the UI shows only those. */
export function allowedActions(state: RectificationState, actor: Actor): RectificationAction[] {
  return (Object.keys(RULES) as RectificationAction[]).filter((action) => {
    const rule = RULES[action] as Rule<RectificationAction>;
    return rule.from.includes(state.status) && rule.permitted(actor, state);
  });
}

function actionVerb(action: RectificationAction): string {
  return { sign: '签收', submitCompletion: '报送整改完成', returnCompletion: '退回', signOff: '验收销号' }[action];
}
