import { randomUUID } from 'node:crypto';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { RECTIFICATION_WORKFLOW, actUpdate, registeredUpdate, workflowIds, type RectificationWorkflowInput } from '@duban/contracts';
import type { Actor, RectificationCommand } from '@duban/domain';
import { benchItem } from './fanout.js';
import { officeActor, unitActor } from './org.js';
import { mib } from './stats.js';
import { rssOf } from './process-memory.js';
import type { BenchTarget } from './target.js';

export interface WorkerFootprint {
  readonly openWorkflows: number;
  readonly workerRssMiB: number;
}

/** The worker process's RSS now, beside the number of open workflows on its task queue. */
export async function workerFootprint(target: BenchTarget): Promise<WorkerFootprint> {
  const { count } = await target.temporal.workflow.count(`TaskQueue = '${target.taskQueue}' AND ExecutionStatus = 'Running'`);
  return { openWorkflows: count, workerRssMiB: mib(rssOf(target.workerPid)) };
}

export interface ReplayResult {
  readonly months: number;
  readonly events: number;
  readonly replayMs: { first: number; median: number };
  /** Baseline: a history of the same workflow type with registration only. */
  readonly baseline: { events: number; replayMs: number };
}

/**
 * Drives one item through a two-year life on the real worker — signed, planned, `months` monthly progress
 * reports, completion, sign-off — in one run (continue-as-new off), then replays its history against the bundle.
 */
export async function benchReplay(target: BenchTarget, workflowBundle: NonNullable<WorkerOptions['workflowBundle']>, options: { months: number; repeats: number; leadUnitId: string }): Promise<ReplayResult> {
  const { months, repeats, leadUnitId } = options;
  const lead = unitActor(leadUnitId);
  const start = async () => {
    const item = benchItem(leadUnitId, new Date(Date.now() + 730 * 86_400_000).toISOString(), randomUUID());
    const input: RectificationWorkflowInput = { item, registeredBy: officeActor, continueAsNewAfterEvents: 1_000_000 };
    return target.temporal.workflow.start(RECTIFICATION_WORKFLOW, { workflowId: workflowIds.rectification(item.id), taskQueue: target.taskQueue, args: [input] });
  };
  const longLived = await start();
  const act = (actor: Actor, command: RectificationCommand) => longLived.executeUpdate(actUpdate, { args: [{ actor, command }] });
  await act(lead, { type: 'sign' });
  const targetDate = new Date(Date.now() + 700 * 86_400_000).toISOString().slice(0, 10);
  await act(lead, { type: 'submitPlan', measures: '分期改造全县供水管网', targetDate, responsiblePerson: '张三' });
  await act(officeActor, { type: 'approvePlan' });
  for (let month = 1; month <= months; month++) await act(lead, { type: 'reportProgress', summary: `第${month}个月：完成管网改造 ${Math.round((month * 100) / months)}%` });
  await act(lead, { type: 'submitCompletion', summary: '全部完工' });
  await act(officeActor, { type: 'signOff' });
  await longLived.result();
  const history = await longLived.fetchHistory();

  // Terminated once registered: a history cut inside its first workflow task would replay that task live, and the
  // replaying worker has no activities to run (it logged "Local activity … not registered" and measured that).
  const short = await start();
  await short.executeUpdate(registeredUpdate);
  await short.terminate('replay baseline');
  const shortHistory = await short.fetchHistory();

  const timed = async (h: typeof history) => {
    const t0 = performance.now();
    await Worker.runReplayHistory({ workflowBundle }, h);
    return Math.round((performance.now() - t0) * 10) / 10;
  };
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) times.push(await timed(history));
  const sorted = [...times].sort((a, b) => a - b);
  return {
    months,
    events: history.events?.length ?? 0,
    replayMs: { first: times[0]!, median: sorted[Math.floor(sorted.length / 2)]! },
    baseline: { events: shortHistory.events?.length ?? 0, replayMs: await timed(shortHistory) },
  };
}
