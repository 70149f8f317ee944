import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { createHash } from 'node:crypto';
import type { Connection } from 'mongoose';
import { CAMPAIGN_WORKFLOW, campaignWorkflowId, monthlyTaskListScheduleId, type CampaignWorkflowInput, type MonthlyListIssueResult } from '@duban/contracts';
import { campaignUnitIds, defineCampaign, templateMonthsProblem, type Actor, type CampaignRequest, type TaskTemplate } from '@duban/domain';
import { CampaignRepository, TaskTemplateRepository, UnitRepository } from '@duban/persistence';

export interface DemoTemplates {
  readonly templates: readonly (TaskTemplate & { readonly source?: string })[];
}

/** Stores the demo's recurring obligations under their fixed ids; ones already there are left as the office keeps them. */
export async function loadDemoTemplates(database: Connection, file: DemoTemplates, at: string): Promise<{ created: number; kept: number }> {
  const units = new UnitRepository(database);
  const office = (await units.listByKind('office'))[0];
  if (!office) throw new Error('没有领导小组办公室单位：请先用示例县组织架构启动（npm start 默认载入 tools/demo/org/example-county.yaml）');
  const named = [...new Set(file.templates.flatMap((t) => (t.target.kind === 'units' ? t.target.unitIds : [])))];
  const known = new Set((await units.findMany(named)).map((u) => u._id));
  const missing = named.filter((id) => !known.has(id));
  if (missing.length > 0) throw new Error(`示例常态化任务引用的单位不存在：${missing.join('、')}`);
  const repository = new TaskTemplateRepository(database);
  let created = 0;
  for (const { id, source: _source, ...template } of file.templates) {
    const problem = templateMonthsProblem(template.months);
    if (problem) throw new Error(`${id}: ${problem}`);
    const inserted = await repository.insert({ _id: id, ...template, createdBy: { userId: 'system:demo', name: '示例数据', unitId: office._id }, createdAt: at, updatedAt: at });
    if (inserted) created++;
  }
  return { created, kept: file.templates.length - created };
}

/**
 * Issues this month's list the way the 1st of the month does: triggers the worker's monthly Schedule and waits for
 * the run it starts. Safe to repeat: the run adds nothing twice and leaves a list already out as it is.
 */
export async function issueThisMonth(temporal: Client, taskQueue: string): Promise<MonthlyListIssueResult> {
  const handle = temporal.schedule.getHandle(monthlyTaskListScheduleId(taskQueue));
  const lastRun = async () => (await handle.describe()).info.recentActions.at(-1)?.action.workflow;
  const before = (await lastRun())?.workflowId;
  await handle.trigger();
  for (let i = 0; i < 600; i++) {
    const run = await lastRun();
    // recentActions keeps only the last few: a new run shows as a new last one.
    if (run && run.workflowId !== before) return temporal.workflow.getHandle(run.workflowId, run.firstExecutionRunId).result();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('定时任务未执行：请确认 worker 正在运行（npm start）');
}

/**
 * Defines and starts the demo campaigns (seed 003, seed 000) as the office would; their ids derive from their names,
 * so a second load finds them and starts nothing again.
 */
export async function loadDemoCampaigns(database: Connection, temporal: Client, taskQueue: string, requests: readonly CampaignRequest[], at: string): Promise<{ started: number; kept: number }> {
  const units = new UnitRepository(database);
  const office = (await units.listByKind('office'))[0];
  if (!office) throw new Error('没有领导小组办公室单位：请先用示例县组织架构启动');
  const campaigns = new CampaignRepository(database);
  const startedBy: Actor = { userId: 'system:demo', name: '示例数据', unitId: office._id, roles: ['office'] };
  let started = 0;
  for (const request of requests) {
    const defined = defineCampaign(request);
    if (!defined.ok) throw new Error(`${request.name}: ${defined.field}: ${defined.message}`);
    const wanted = campaignUnitIds(defined.value);
    const known = new Set((await units.findMany(wanted)).map((u) => u._id));
    const missing = wanted.filter((id) => !known.has(id));
    if (missing.length > 0) throw new Error(`示例专项行动引用的单位不存在：${missing.join('、')}`);
    const id = `CP-${createHash('sha256').update(request.name).digest('hex').slice(0, 8)}`;
    if (await campaigns.findById(id)) continue;
    await campaigns.insert({ _id: id, ...defined.value, issuingUnitId: office._id, status: 'running', phaseIndex: 0, phaseLog: [], spreads: [], createdAt: at, createdBy: { userId: startedBy.userId, name: startedBy.name, unitId: office._id } });
    const input: CampaignWorkflowInput = { campaignId: id, startedBy };
    try {
      await temporal.workflow.start(CAMPAIGN_WORKFLOW, { workflowId: campaignWorkflowId(id), taskQueue, args: [input] });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    started++;
  }
  return { started, kept: requests.length - started };
}
