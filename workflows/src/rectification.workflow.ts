import {
  ApplicationFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  FINAL_STATUSES,
  NOTICE_AUDIENCE,
  NOTICE_LABELS,
  buildSchedule,
  decide,
  fire,
  nextTimer,
  register,
  scheduleShifts,
  shiftKey,
  type Effect,
  type RectificationState,
  type RuleViolation,
} from '@duban/domain';
import {
  RULE_VIOLATION_FAILURE,
  WEBHOOK_DELIVERY_WORKFLOW,
  actUpdate,
  registeredUpdate,
  stateQuery,
  webhookDeliveryWorkflowId,
  type CalendarActivities,
  type NotificationActivities,
  type NotificationRequest,
  type RectificationActivities,
  type RectificationWorkflowInput,
} from '@duban/contracts';

const activities = proxyActivities<RectificationActivities & CalendarActivities & NotificationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS = 5_000;

/**
 * One rectification item (整改问题), from registration to sign-off. The workflow owns the item's state:
 * users change it through the `act` update, timers through `fire`; both run one at a time.
 */
export async function rectificationWorkflow(input: RectificationWorkflowInput): Promise<RectificationState> {
  const workflowId = workflowInfo().workflowId;
  let state = input.carried ?? register(input.item, input.registeredBy, nowIso(), input.policy ? { policy: input.policy } : {});
  const answers: Record<string, string> = { ...input.calendarAnswers };
  let projectedVersion = 0;
  const exclusive = serializer();

  /** Makes `next` the state: fixes its schedule, carries out its effects, writes the read model. */
  async function apply(next: RectificationState, effects: readonly Effect[]): Promise<void> {
    state = next;
    await refreshSchedule();
    for (const effect of effects) await carryOut(effect);
    const snapshot = state;
    await activities.projectRectification(snapshot);
    projectedVersion = Math.max(projectedVersion, snapshot.version);
  }

  async function refreshSchedule(): Promise<void> {
    const unknown = scheduleShifts(state).filter((shift) => !(shiftKey(shift) in answers));
    if (unknown.length > 0) {
      const days = await activities.shiftWorkingDays(unknown);
      unknown.forEach((shift, i) => (answers[shiftKey(shift)] = days[i]!));
    }
    state = { ...state, schedule: buildSchedule(state, answers) };
  }

  async function carryOut(effect: Effect): Promise<void> {
    if (effect.kind === 'notify') {
      await notify({ ...effect, key: `${workflowId}:${effect.key}`, subject: { kind: 'rectification', id: state.id } });
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
      subject: { kind: 'rectification', id: state.id },
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

  setHandler(stateQuery, () => state);

  setHandler(registeredUpdate, async () => {
    await condition(() => projectedVersion >= 1);
    return state;
  });

  setHandler(
    actUpdate,
    ({ actor, command }) =>
      exclusive(async () => {
        // Decided again here, not only in the validator: an earlier step may have changed the state meanwhile.
        const decision = decide(state, command, actor, nowIso());
        if (!decision.ok) throw refuse(decision.violation);
        await apply(decision.value.state, decision.value.effects);
        return state;
      }),
    {
      validator: ({ actor, command }) => {
        const decision = decide(state, command, actor, nowIso());
        if (!decision.ok) throw refuse(decision.violation);
      },
    },
  );

  const limit = input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS;
  const historyFull = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= limit;

  await exclusive(() => apply(state, []));

  while (!FINAL_STATUSES.includes(state.status) && !historyFull()) {
    const timer = nextTimer(state);
    const seen = state.version;
    const wait = timer ? Date.parse(timer.at) - Date.now() : undefined;
    if (wait === undefined || wait > 0) {
      const changed = () => state.version !== seen || historyFull();
      if (wait === undefined) {
        await condition(changed);
        continue;
      }
      if (await condition(changed, wait)) continue;
    }
    await exclusive(async () => {
      // Fire only what is still due: a step taken meanwhile may have moved or cancelled the timer.
      const due = nextTimer(state);
      if (due && Date.parse(due.at) <= Date.now()) {
        const fired = fire(state, due, nowIso());
        await apply(fired.state, fired.effects);
      }
    });
  }

  await condition(allHandlersFinished);
  if (FINAL_STATUSES.includes(state.status)) return state;
  return continueAsNew<typeof rectificationWorkflow>({ ...input, carried: state, calendarAnswers: relevantAnswers(state, answers) });
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

/** Only the answers the current schedule still uses travel to the next run. */
function relevantAnswers(state: RectificationState, answers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(scheduleShifts(state).map((shift) => [shiftKey(shift), answers[shiftKey(shift)]!]));
}

function nowIso(): string {
  return new Date().toISOString();
}
