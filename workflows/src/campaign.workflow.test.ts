import type { Client } from '@temporalio/client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CAMPAIGN_WORKFLOW,
  actUpdate,
  advanceCampaignPhaseUpdate,
  assignmentActUpdate,
  assignmentStateQuery,
  assignmentWorkflowId,
  campaignRunQuery,
  campaignWorkflowId,
  spreadCheckUpdate,
  stateQuery,
  type CampaignTaskKind,
  type SpreadRequest,
} from '@duban/contracts';
import {
  campaignProgressReport,
  checkTaskSpecs,
  rectificationDueDate,
  reportTaskSpecs,
  spreadTaskSpecs,
  endOfShanghaiDay,
  type Actor,
  type AssignmentCommand,
  type AssignmentState,
  type CampaignDefinition,
  type RectificationState,
} from '@duban/domain';
import { startAssignmentWorkflows } from '@duban/activities';
import { office, startHarness, type Harness } from './testing/harness.js';
import { recordHistory } from './testing/histories.js';
import type { campaignWorkflow } from './campaign.workflow.js';

const QUEUE = 'campaign';
const TOWNSHIPS = ['town-a', 'town-b'];

/** Seed 003 (樟树乡 2021 大排查大巩固大提升): three dated phases; what each township checks; a plan and quarterly reports. */
const campaign: CampaignDefinition = {
  id: 'CP-003',
  name: '大排查大巩固大提升专项行动',
  issuingUnitId: 'office',
  startDate: '2021-09-18',
  phases: [
    { id: 'check', name: '全面排查摸底', kind: 'check', endDate: '2021-09-26' },
    { id: 'rectify', name: '全面整改落实', kind: 'rectify', endDate: '2021-10-23' },
    { id: 'consolidate', name: '巩固提升脱贫成果', kind: 'consolidate', endDate: '2021-12-31' },
  ],
  subActions: [{ id: 'education', name: '义务教育保障', leadUnitIds: ['town-a'], coUnitIds: [] }],
  checkItems: [
    { id: 'c1', text: '是否还有义务教育阶段学龄儿童少年失学辍学情况', target: { kind: 'unitKind', unitKind: 'township' }, subActionId: 'education' },
    { id: 'c2', text: '“雨露计划”补助是否在8月31日前发放到位', target: { kind: 'units', unitIds: ['town-a'] }, subActionId: null },
  ],
  reports: [{ id: 'quarterly', name: '季度工作报告', target: { kind: 'units', unitIds: ['town-b'] }, dueDates: ['2021-09-30', '2021-12-31'] }],
};

interface Recorded {
  readonly phases: { phaseIndex: number; by: string }[];
  readonly spreads: SpreadRequest[];
  /** The batches whose units were told, in order. */
  readonly told: CampaignTaskKind[];
}

/** The campaign's activities over memory: the same domain functions as the real ones, real assignment workflows. */
function campaignActivities(client: Client, recorded: Recorded) {
  const ofKind = () => TOWNSHIPS;
  return {
    beginCampaign: async () => campaign.phases.map((p) => ({ id: p.id, kind: p.kind, endDate: p.endDate })),
    startCampaignTasks: async ({ tasks, offset, limit, startedBy }: { tasks: CampaignTaskKind; offset: number; limit: number; startedBy: Actor }) => {
      const spread = tasks.kind === 'spread' ? recorded.spreads.find((s) => s.spreadId === tasks.spreadId)! : null;
      const specs =
        tasks.kind === 'checks' ? checkTaskSpecs(campaign, ofKind) : spread ? spreadTaskSpecs(campaign, spread.spreadId, spread.text, ofKind(), spread.dueDate) : reportTaskSpecs(campaign, ofKind);
      await startAssignmentWorkflows({ client, taskQueue: QUEUE }, specs.slice(offset, offset + limit), startedBy);
      return specs.length;
    },
    notifyCampaignUnits: async ({ tasks }: { tasks: CampaignTaskKind }) => {
      recorded.told.push(tasks);
      return TOWNSHIPS.length;
    },
    recordSpread: async (request: SpreadRequest) => {
      recorded.spreads.push(request);
    },
    recordPhase: async ({ phaseIndex, by }: { phaseIndex: number; by: string }) => {
      recorded.phases.push({ phaseIndex, by });
    },
  };
}

let harness: Harness;
afterEach(async () => {
  await harness?.close();
});

const townA: Actor = { userId: 'u-town-a', name: '甲镇经办人', unitId: 'town-a', roles: ['unit'] };
const townAHead: Actor = { userId: 'u-town-a-head', name: '甲镇镇长', unitId: 'town-a', roles: ['unit_leader'] };

async function until(done: () => boolean, what: string) {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!done()) throw new Error(`timed out waiting for ${what}`);
}

describe('a special campaign (专项行动)', () => {
  it('runs from definition to the end: phases pass at their dates, 举一反三 reaches every township, items escalate or are deferred, reports are chased', async () => {
    const recorded: Recorded = { phases: [], spreads: [], told: [] };
    harness = await startHarness({ taskQueue: QUEUE, startAt: '2021-09-18 02:00:00', activities: (client) => campaignActivities(client, recorded) });
    const handle = await harness.client.workflow.start<typeof campaignWorkflow>(CAMPAIGN_WORKFLOW, {
      taskQueue: QUEUE,
      workflowId: campaignWorkflowId(campaign.id),
      args: [{ campaignId: campaign.id, startedBy: office, batchSize: 1 }],
    });
    const latest = () => {
      const byId = new Map<string, AssignmentState>();
      for (const a of harness.recorded.assignments) if ((byId.get(a.id)?.version ?? 0) < a.version) byId.set(a.id, a);
      return [...byId.values()];
    };
    // The check phase: one check task per township (town A's lists both of its checks); town B owes two reports.
    await until(() => latest().length === 4, 'check and report tasks');
    const checkA = latest().find((a) => a.id === 'CP-003.check.town-a')!;
    expect(checkA).toMatchObject({ dueAt: endOfShanghaiDay('2021-09-26'), content: expect.stringContaining('雨露计划') });
    expect(latest().filter((a) => a.itemId.startsWith('quarterly')).map((a) => a.dueAt)).toEqual([endOfShanghaiDay('2021-09-30'), endOfShanghaiDay('2021-12-31')]);

    // Town A finds two problems; both become items due at the end of the rectification phase.
    const due = endOfShanghaiDay(rectificationDueDate(campaign));
    const found = (id: string, unit: string, checkId = 'check') =>
      harness.start(id, { leadUnitId: unit, source: 'self_inspection', category: 'education', dueAt: due, campaign: { id: campaign.id, subActionId: 'education', checkId } });
    const dropout = await found('cp-dropout', 'town-a');
    const subsidy = await found('cp-subsidy', 'town-a');
    // 举一反三: the office issues the dropout check to every township.
    const spread = await handle.executeUpdate(spreadCheckUpdate, {
      args: [{ actor: office, spreadId: 'spread-1', text: '举一反三：排查本乡镇是否有同类辍学问题', unitKind: 'township', dueDate: '2021-10-10' }],
    });
    expect(spread).toBe(2);
    await until(() => latest().filter((a) => a.itemId === 'spread-1').length === 2, '举一反三 tasks');
    // Each batch's units were told once its last task had started: reports and checks at start, then the spread.
    expect(recorded.told).toEqual([{ kind: 'reports' }, { kind: 'checks' }, { kind: 'spread', spreadId: 'spread-1' }]);
    // Town B finds the same problem in its answer: one more item. Town A finds none: it answers, and its answer is accepted.
    const spreadB = await found('cp-spread-b', 'town-b', 'spread-1');
    const answerA = (actor: Actor, command: AssignmentCommand) =>
      harness.client.workflow.getHandle(assignmentWorkflowId(QUEUE, 'CP-003.spread-1.town-a')).executeUpdate(assignmentActUpdate, { args: [{ actor, command }] });
    await answerA(townA, { type: 'sign' });
    await answerA(townA, { type: 'submit', summary: '经排查，本镇未发现同类辍学问题' });
    await answerA(townAHead, { type: 'countersign' });
    expect((await answerA(office, { type: 'signOff' })).status).toBe('done');

    await harness.env.sleep('9 days'); // 09-27: the check phase ended at its date
    expect(await handle.query(campaignRunQuery)).toMatchObject({ phaseIndex: 1, finished: false });
    expect(recorded.phases).toEqual([
      { phaseIndex: 0, by: 'start' },
      { phaseIndex: 1, by: 'date' },
    ]);

    // The office defers one item with a filed reason; town A leaves the dropout item undone; town B signs its item.
    await subsidy.executeUpdate(actUpdate, { args: [{ actor: office, command: { type: 'defer', reason: '补助资金尚未下达，待资金到位后发放', reviewDate: '2021-11-30' } }] });
    await spreadB.executeUpdate(actUpdate, { args: [{ actor: { ...townA, unitId: 'town-b', userId: 'u-town-b' }, command: { type: 'sign' } }] });
    await harness.env.sleep('32 days'); // 10-29: past the rectification deadline (10-23) and three working days more
    expect(await handle.query(campaignRunQuery)).toMatchObject({ phaseIndex: 2 });
    const dropoutState: RectificationState = await dropout.query(stateQuery);
    expect(dropoutState.escalation.level).toBe(1);
    expect(dropoutState.notices.map((n) => n.colour)).toEqual(['blue', 'red']);

    // The reports: town B never filed the September report — reminded on the due morning and after, then blue, red and escalated.
    const report = await harness.client.workflow.getHandle(assignmentWorkflowId(QUEUE, 'CP-003.quarterly-2021-09-30.town-b')).query(assignmentStateQuery);
    expect(report.timeline.filter((e) => e.actor === null).map((e) => e.action)).toEqual(['signInDueToday', 'signInReminder', 'blueNotice', 'overdue', 'escalate1', 'escalate2']);

    // Progress: numbers equal the states of the campaign's items and tasks.
    const handles = [dropout, subsidy, spreadB];
    const items: RectificationState[] = await Promise.all(handles.map((h) => h.query(stateQuery)));
    expect(items.find((i) => i.id === 'cp-subsidy')!.deferral).toMatchObject({ reason: '补助资金尚未下达，待资金到位后发放', reviewDate: '2021-11-30' });
    const progressReport = (states: RectificationState[], now: number) => campaignProgressReport(campaign, recorded.spreads.map((s) => s.spreadId), states, latest(), new Date(now));
    const progress = progressReport(items, await harness.env.currentTimeMs());
    expect(progress.items).toMatchObject({ total: 3, done: 0, deferred: 1, open: 2, red: 2 });
    expect(progress.tasks).toMatchObject({ total: 6, done: 1, open: 5 });
    expect(progress.rectificationPhaseDone).toBe(false);
    expect(progress.byPhase.map((p) => [p.phaseId, p.total])).toEqual([
      ['check', 2],
      ['rectify', 6],
      ['consolidate', 1],
    ]);
    expect(progress.overdue.map((o) => o.id)).toContain('cp-dropout');

    // The office ends the consolidation phase early: the campaign is over.
    await handle.executeUpdate(advanceCampaignPhaseUpdate, { args: [{ actor: office }] });
    expect(await handle.result()).toMatchObject({ finished: true, phaseIndex: 3 });
    expect(recorded.phases.slice(2)).toEqual([
      { phaseIndex: 2, by: 'date' },
      { phaseIndex: 3, by: 'office' },
    ]);
    await recordHistory(handle, 'campaign-phases-spread-advanced');

    // The summary (what /summary reports) of the finished campaign: its numbers are the items' and tasks' own states.
    const final: RectificationState[] = await Promise.all(handles.map((h) => h.query(stateQuery)));
    const tasksAtEnd = latest();
    const summary = progressReport(final, await harness.env.currentTimeMs());
    const itemsIn = (...statuses: string[]) => final.filter((i) => statuses.includes(i.status)).length;
    expect(summary.items).toMatchObject({ total: final.length, done: itemsIn('closed', 'merged'), deferred: itemsIn('deferred'), open: final.length - itemsIn('closed', 'merged', 'deferred') });
    const byStatus: Record<string, number> = {};
    for (const i of final) byStatus[i.status] = (byStatus[i.status] ?? 0) + 1;
    expect(summary.items.byStatus).toEqual(byStatus);
    expect(summary.tasks).toMatchObject({ total: tasksAtEnd.length, done: tasksAtEnd.filter((t) => t.status === 'done').length });
    expect(summary.byUnit.reduce((n, u) => n + u.total, 0)).toBe(final.length + tasksAtEnd.length);
    expect(summary.rectificationPhaseDone).toBe(final.every((i) => ['closed', 'merged', 'deferred'].includes(i.status)));
    // 举一反三 reached both townships: town B found the problem (its item), town A answered "not found".
    expect(summary.spreads).toEqual([{ spreadId: 'spread-1', found: ['town-b'], notFound: ['town-a'], unanswered: [] }]);
    expect(final.filter((i) => i.campaign?.checkId === 'spread-1').map((i) => i.leadUnitId)).toEqual(['town-b']);
  });

  it('tells the units of each batch of tasks once its tasks have started', async () => {
    const recorded: Recorded = { phases: [], spreads: [], told: [] };
    harness = await startHarness({ taskQueue: QUEUE, startAt: '2021-09-18 02:00:00', activities: (client) => campaignActivities(client, recorded) });
    const handle = await harness.client.workflow.start<typeof campaignWorkflow>(CAMPAIGN_WORKFLOW, {
      taskQueue: QUEUE,
      workflowId: campaignWorkflowId(`${campaign.id}-told`),
      args: [{ campaignId: campaign.id, startedBy: office, batchSize: 1 }],
    });
    await until(() => recorded.told.length === 2, 'the units of reports and checks told');
    expect(recorded.told).toEqual([{ kind: 'reports' }, { kind: 'checks' }]);
    for (let phase = 1; phase <= campaign.phases.length; phase++) {
      await handle.executeUpdate(advanceCampaignPhaseUpdate, { args: [{ actor: office }] });
      await until(() => recorded.phases.length === phase + 1, `phase ${phase}`);
    }
    expect(await handle.result()).toMatchObject({ finished: true });
    expect(recorded.told).toHaveLength(2);
    await recordHistory(handle, 'campaign-units-told');
  });
});
