import {
  ApplicationFailure,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
  allHandlersFinished,
} from '@temporalio/workflow';
import { decide, register, type RectificationState } from '@duban/domain';
import {
  RULE_VIOLATION_FAILURE,
  actUpdate,
  registeredUpdate,
  stateQuery,
  type RectificationActivities,
  type RectificationWorkflowInput,
} from '@duban/contracts';

const { projectRectification } = proxyActivities<RectificationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** One rectification item (整改问题), from registration to sign-off. The workflow owns its state. */
export async function rectificationWorkflow(input: RectificationWorkflowInput): Promise<RectificationState> {
  let state = input.carried ?? register(input.item, input.registeredBy, nowIso());
  let projectedVersion = 0;

  /** Writes the current state to the read model; versions make retries and reordering harmless. */
  const project = async () => {
    const snapshot = state;
    await projectRectification(snapshot);
    projectedVersion = Math.max(projectedVersion, snapshot.version);
  };

  setHandler(stateQuery, () => state);

  setHandler(
    registeredUpdate,
    async () => {
      await condition(() => projectedVersion >= 1);
      return state;
    },
  );

  setHandler(
    actUpdate,
    async ({ actor, command }) => {
      // Decided again here, not only in the validator: another update may have changed the state in between.
      const decision = decide(state, command, actor, nowIso());
      if (!decision.ok) throw ApplicationFailure.create({ type: RULE_VIOLATION_FAILURE, message: decision.violation.message, details: [decision.violation], nonRetryable: true });
      state = decision.value;
      const mine = state.version;
      await project();
      await condition(() => projectedVersion >= mine);
      return state;
    },
    {
      validator: ({ actor, command }) => {
        const decision = decide(state, command, actor, nowIso());
        if (!decision.ok) throw ApplicationFailure.create({ type: RULE_VIOLATION_FAILURE, message: decision.violation.message, details: [decision.violation], nonRetryable: true });
      },
    },
  );

  await project();

  await condition(() => state.status === 'closed' || workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  if (state.status !== 'closed') await continueAsNew<typeof rectificationWorkflow>({ ...input, carried: state });
  return state;
}

function nowIso(): string {
  return new Date().toISOString();
}
