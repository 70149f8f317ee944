import {
  ApplicationFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  startChild,
  workflowInfo,
  type ActivityInterfaceFor,
  type LocalActivityInterfaceFor,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, type QueryDefinition, type UpdateDefinition } from '@temporalio/common';
import { NOTICE_AUDIENCE, NOTICE_LABELS, shiftKey, type Actor, type BlueReckoning, type DayShift, type Decision, type Effect, type Notice, type RuleViolation, type TimerEvent } from '@duban/domain';
import {
  RULE_VIOLATION_FAILURE,
  WEBHOOK_DELIVERY_WORKFLOW,
  webhookDeliveryWorkflowId,
  type CalendarActivities,
  type NotificationActivities,
  type NotificationRequest,
  type Projected,
  type RectificationActivities,
} from '@duban/contracts';

/** Timeouts and retries of every activity a supervised item runs, local or not. */
const SUPERVISION_ACTIVITY_OPTIONS = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
} as const;

/**
 * Items started after this change run their short activities (calendar, notice, notification, projection) as
 * local activities: a step costs one workflow task instead of one per activity, which is what bounds how fast a
 * monthly list fans out and how late 5,000 deadlines in one minute raise their notices (npm run bench). Items
 * whose history predates it replay the remote branch.
 */
export const LOCAL_ACTIVITIES_PATCH = 'supervision-local-activities';

/**
 * Items started after this change count the blue light back from the end of the due day (a due day that is a rest
 * day leaves the policy's working days, not one fewer). It asks the calendar another question, so items whose history
 * predates it keep the old reckoning: their recorded answers, carried over on continue-as-new too, are keyed by it.
 */
export const BLUE_RECKONING_PATCH = 'supervision-blue-working-days-left';

/**
 * Items that reach the loop after this change let a step in flight finish before reading their next timer. A step
 * sets the state and then asks the calendar for its new deadlines; the loop, woken by the new version, used to read
 * the timer from the schedule of before — after signing, no plan timer — and slept to a later one (the plan
 * reminder was lost unless another step woke it). Histories that predate it replay the old order.
 */
export const SETTLED_SCHEDULE_PATCH = 'supervision-settled-schedule';

/** Where a supervised item's activities run: in its workflow task (local) or as activity tasks (remote). */
export type ActivityPlacement = 'local' | 'remote';

/** A kind's activities by placement, with the same timeouts and retries either way. */
export function supervisionActivities<A>(): Record<ActivityPlacement, ActivityInterfaceFor<A> | LocalActivityInterfaceFor<A>> {
  return { local: proxyLocalActivities<A>(SUPERVISION_ACTIVITY_OPTIONS), remote: proxyActivities<A>(SUPERVISION_ACTIVITY_OPTIONS) };
}

const shared = supervisionActivities<Pick<RectificationActivities, 'recordNotice'> & CalendarActivities & NotificationActivities>();

/** What every supervised item's state carries for the shared machinery. */
export interface SupervisedState {
  readonly id: string;
  readonly title: string;
  readonly leadUnitId: string;
  readonly version: number;
  readonly notices: readonly Notice[];
}

/**
 * A kind of supervised item (rectification item, task assignment): its pure rules and its projection.
 * The process around them — steps one at a time, the working-day schedule, timers, notices,
 * notifications and webhook deliveries, continue-as-new — is the same for every kind.
 */
export interface SupervisedKind<S extends SupervisedState, C> {
  readonly subject: 'rectification' | 'assignment';
  decide(state: S, command: C, actor: Actor, at: string): Decision<{ readonly state: S; readonly effects: readonly Effect[] }>;
  nextTimer(state: S): TimerEvent | null;
  fire(state: S, event: TimerEvent, at: string): { state: S; effects: readonly Effect[] };
  scheduleShifts(state: S, blue: BlueReckoning): DayShift[];
  withSchedule(state: S, answers: Readonly<Record<string, string>>, blue: BlueReckoning): S;
  isFinal(state: S): boolean;
  /** Writes the read model; answers the wall clock after it (nothing in histories recorded before that answer). */
  project(state: S, placement: ActivityPlacement): Promise<Projected | undefined>;
  readonly act: UpdateDefinition<S, [{ readonly actor: Actor; readonly command: C }]>;
  readonly query: QueryDefinition<S>;
  /** Completes once the first state is in the read model (update-with-start). */
  readonly registered?: UpdateDefinition<S, []>;
}

export interface SupervisedRun<S> {
  /** The state when the run stopped: final, or to be carried into a new run. */
  readonly state: S;
  readonly final: boolean;
  /** Calendar answers the current schedule still uses, to carry over. */
  readonly calendarAnswers: Record<string, string>;
}

const DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS = 5_000;

/** Runs one item until it is final or its history is long enough to continue as new. */
export async function superviseItem<S extends SupervisedState, C>(
  kind: SupervisedKind<S, C>,
  initial: S,
  options: {
    readonly calendarAnswers?: Readonly<Record<string, string>>;
    readonly continueAsNewAfterEvents?: number;
    /** Carried out with the first projection: e.g. telling the units a new item is theirs. */
    readonly initialEffects?: readonly Effect[];
  },
): Promise<SupervisedRun<S>> {
  const workflowId = workflowInfo().workflowId;
  const placement: ActivityPlacement = patched(LOCAL_ACTIVITIES_PATCH) ? 'local' : 'remote';
  const activities = shared[placement];
  const blue: BlueReckoning = patched(BLUE_RECKONING_PATCH) ? 'workingDaysLeft' : 'dueDayShift';
  let state = initial;
  const answers: Record<string, string> = { ...options.calendarAnswers };
  let projectedVersion = 0;
  const exclusive = serializer();
  const wallClock = wallClockReading();

  /** Makes `next` the state: fixes its schedule, carries out its effects, writes the read model. */
  async function apply(next: S, effects: readonly Effect[]): Promise<void> {
    state = next;
    await refreshSchedule();
    for (const effect of effects) await carryOut(effect);
    const snapshot = state;
    wallClock.read(await kind.project(snapshot, placement));
    projectedVersion = Math.max(projectedVersion, snapshot.version);
  }

  async function refreshSchedule(): Promise<void> {
    const unknown = kind.scheduleShifts(state, blue).filter((shift) => !(shiftKey(shift) in answers));
    if (unknown.length > 0) {
      const days = await activities.shiftWorkingDays(unknown);
      unknown.forEach((shift, i) => (answers[shiftKey(shift)] = days[i]!));
    }
    state = kind.withSchedule(state, answers, blue);
  }

  async function carryOut(effect: Effect): Promise<void> {
    const subject = { kind: kind.subject, id: state.id };
    if (effect.kind === 'notify') {
      if (effect.since !== undefined && !patched(effect.since)) return;
      await notify({ ...effect, key: `${workflowId}:${effect.key}`, subject });
      return;
    }
    const issuedAt = nowIso();
    const number = await activities.recordNotice({
      key: `${workflowId}:${effect.key}`,
      itemId: state.id,
      itemTitle: state.title,
      unitId: state.leadUnitId,
      colour: effect.colour,
      reason: effect.reason,
      issuedAt,
    });
    state = { ...state, notices: [...state.notices, { key: effect.key, colour: effect.colour, reason: effect.reason, issuedAt, number }] };
    await notify({
      key: `${workflowId}:${effect.key}`,
      unitId: state.leadUnitId,
      audience: NOTICE_AUDIENCE[effect.colour],
      level: effect.colour,
      title: `${NOTICE_LABELS[effect.colour]} ${number}：${state.title}`,
      body: effect.reason,
      subject,
    });
  }

  /** In-app notifications now; webhook deliveries as their own workflows, so a failing channel never holds this item up. */
  async function notify(request: NotificationRequest): Promise<void> {
    const { deliveries } = await activities.notify(request);
    for (const { deliveryId } of deliveries) {
      try {
        await startChild(WEBHOOK_DELIVERY_WORKFLOW, {
          workflowId: webhookDeliveryWorkflowId(deliveryId),
          args: [{ deliveryId }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    }
  }

  const refuse = (violation: RuleViolation) =>
    ApplicationFailure.create({ type: RULE_VIOLATION_FAILURE, message: violation.message, details: [violation], nonRetryable: true });

  setHandler(kind.query, () => state);

  if (kind.registered) {
    setHandler(kind.registered, async () => {
      await condition(() => projectedVersion >= 1);
      return state;
    });
  }

  setHandler(
    kind.act,
    ({ actor, command }) =>
      exclusive(async () => {
        // Decided again here, not only in the validator: an earlier step may have changed the state meanwhile.
        const decision = kind.decide(state, command, actor, nowIso());
        if (!decision.ok) throw refuse(decision.violation);
        await apply(decision.value.state, decision.value.effects);
        return state;
      }),
    {
      validator: ({ actor, command }) => {
        const decision = kind.decide(state, command, actor, nowIso());
        if (!decision.ok) throw refuse(decision.violation);
      },
    },
  );

  const limit = options.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS;
  const historyFull = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= limit;

  await exclusive(() => apply(state, options.initialEffects ?? []));

  while (!kind.isFinal(state) && !historyFull()) {
    if (patched(SETTLED_SCHEDULE_PATCH)) await exclusive(async () => undefined);
    if (kind.isFinal(state)) break;
    const timer = kind.nextTimer(state);
    const seen = state.version;
    const wait = timer ? Date.parse(timer.at) - Date.now() : undefined;
    if (wait === undefined || wait > 0) {
      const changed = () => state.version !== seen || historyFull();
      if (wait === undefined) {
        await condition(changed);
        continue;
      }
      // Woken early (a reading ahead of the server's clock), the check below finds nothing due and the loop waits again.
      if (await condition(changed, Math.max(1, wait - wallClock.lead()))) continue;
    }
    await exclusive(async () => {
      // Fire only what is still due: a step taken meanwhile may have moved or cancelled the timer.
      const due = kind.nextTimer(state);
      if (due && Date.parse(due.at) <= Date.now()) {
        const fired = kind.fire(state, due, nowIso());
        await apply(fired.state, fired.effects);
      }
    });
  }

  await condition(allHandlersFinished);
  const final = kind.isFinal(state);
  const calendarAnswers = Object.fromEntries(kind.scheduleShifts(state, blue).map((shift) => [shiftKey(shift), answers[shiftKey(shift)]!]));
  return { state, final, calendarAnswers };
}

/**
 * How far the wall clock is ahead of the workflow clock, from the last projection's answer.
 *
 * Within a workflow task the workflow clock moves on only by the time local activities run, not by the time they
 * wait for a free slot or for the worker's thread, and a timer starts when the task completes. So after a step whose
 * local activities waited, a duration reckoned from the workflow clock ends late by that wait: at 1,500 deadlines a
 * minute every overdue timer was set to end ~0.44 s after its instant (npm run bench, histories read back). The
 * projection, a step's last local activity, answers the wall clock; the next timer is shortened by the lead. A
 * reading counts once. A worker clock ahead of the server's can only wake an item early, and the loop then finds
 * nothing due and waits again, so no step is ever taken before its instant.
 */
function wallClockReading() {
  let reading: number | undefined;
  return {
    read(projected: Projected | undefined): void {
      reading = projected?.at;
    },
    lead(): number {
      const lead = reading === undefined ? 0 : Math.max(0, reading - Date.now());
      reading = undefined;
      return lead;
    },
  };
}

/** Runs the given steps one after another, never interleaved at their awaits. */
function serializer() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(step: () => Promise<T>): Promise<T> => {
    const run = tail.then(step);
    tail = run.catch(() => undefined);
    return run;
  };
}

export function nowIso(): string {
  return new Date().toISOString();
}
