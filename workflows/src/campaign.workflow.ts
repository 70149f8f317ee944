import { ApplicationFailure, allHandlersFinished, condition, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import { endOfShanghaiDay } from '@duban/domain';
import {
  RULE_VIOLATION_FAILURE,
  advanceCampaignPhaseUpdate,
  campaignRunQuery,
  spreadCheckUpdate,
  type CampaignActivities,
  type CampaignRun,
  type CampaignTaskKind,
  type CampaignWorkflowInput,
} from '@duban/contracts';

const campaigns = proxyActivities<CampaignActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const DEFAULT_BATCH = 200;

/**
 * Campaigns started after this change tell the units of each batch of tasks once its last task has started; campaigns
 * whose history predates it replay without that activity.
 */
const CAMPAIGN_UNITS_TOLD_PATCH = 'campaign-units-told';

/**
 * A special campaign (专项行动) through its dated phases. Its tasks — check tasks per unit in the check phase,
 * reporting obligations, 举一反三 checks — are assignments (the task-list machinery: sign-in, lights, notices,
 * escalation), started in batches like a list's; its findings are rectification items. A phase ends at the end of
 * its date, or earlier when the office advances it.
 */
export async function campaignWorkflow(input: CampaignWorkflowInput): Promise<CampaignRun> {
  const batch = input.batchSize ?? DEFAULT_BATCH;
  let run: CampaignRun = { phaseIndex: 0, finished: false, advanceRequestedBy: null };

  const refuse = (message: string) =>
    ApplicationFailure.create({ type: RULE_VIOLATION_FAILURE, message, details: [{ code: 'invalid_state', message }], nonRetryable: true });

  async function startAll(tasks: CampaignTaskKind): Promise<number> {
    let total = Infinity;
    for (let offset = 0; offset < total; offset += batch) {
      total = await campaigns.startCampaignTasks({ campaignId: input.campaignId, tasks, offset, limit: batch, startedBy: input.startedBy });
    }
    if (patched(CAMPAIGN_UNITS_TOLD_PATCH)) await campaigns.notifyCampaignUnits({ campaignId: input.campaignId, tasks });
    return total;
  }

  setHandler(campaignRunQuery, () => run);
  setHandler(
    advanceCampaignPhaseUpdate,
    ({ actor }) => {
      run = { ...run, advanceRequestedBy: run.advanceRequestedBy ?? actor };
      return run;
    },
    {
      validator: (_request) => {
        if (run.finished) throw refuse('专项行动已结束');
        if (run.advanceRequestedBy) throw refuse('已经推进到下一阶段');
      },
    },
  );
  setHandler(
    spreadCheckUpdate,
    async (request) => {
      await campaigns.recordSpread({ ...request, campaignId: input.campaignId, at: new Date().toISOString() });
      return startAll({ kind: 'spread', spreadId: request.spreadId });
    },
    {
      validator: (_request) => {
        if (run.finished) throw refuse('专项行动已结束');
      },
    },
  );

  const phases = await campaigns.beginCampaign({ campaignId: input.campaignId, at: new Date().toISOString() });
  await startAll({ kind: 'reports' });

  let by: 'start' | 'date' | 'office' = 'start';
  for (let index = 0; index < phases.length; index++) {
    const phase = phases[index]!;
    run = { ...run, phaseIndex: index, advanceRequestedBy: null };
    await campaigns.recordPhase({ campaignId: input.campaignId, phaseIndex: index, at: new Date().toISOString(), by });
    if (phase.kind === 'check') await startAll({ kind: 'checks' });
    const untilEnd = Date.parse(endOfShanghaiDay(phase.endDate)) + 1 - Date.now();
    const advanced = untilEnd > 0 ? await condition(() => run.advanceRequestedBy !== null, untilEnd) : false;
    by = advanced ? 'office' : 'date';
  }
  run = { ...run, phaseIndex: phases.length, finished: true, advanceRequestedBy: null };
  await campaigns.recordPhase({ campaignId: input.campaignId, phaseIndex: phases.length, at: new Date().toISOString(), by });
  await condition(allHandlersFinished);
  return run;
}
