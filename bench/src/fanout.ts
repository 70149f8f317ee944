import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { RECTIFICATION_WORKFLOW, registeredUpdate, workflowIds, type RectificationWorkflowInput } from '@duban/contracts';
import { assignmentId, type RegisterRectification } from '@duban/domain';
import { officeActor } from './org.js';
import { untilAllPresent } from './presence.js';
import { inPool, perSecond, ratio, seconds } from './stats.js';
import type { BenchTarget } from './target.js';
import { withTrivialWorker } from './trivial-worker.js';

/** "Ours": brings `n` items into the read model through the real worker; resolves once every one is there. */
export interface FanOut {
  readonly name: string;
  readonly describe: string;
  run(target: BenchTarget, n: number, concurrency: number): Promise<void>;
}

export function benchItem(leadUnitId: string, dueAt: string, id = randomUUID()): RegisterRectification {
  return {
    id,
    title: '基准测试问题',
    description: '性能基准：脱贫户饮水安全保障问题整改。',
    source: 'provincial_assessment',
    category: 'drinking_water',
    severity: 'general',
    leadUnitId,
    coUnitIds: [],
    dueAt,
  };
}

/** Registration as the API does it: update-with-start of `rectificationWorkflow`, answered once projected. */
export function registerItems(leadUnits: readonly string[]): FanOut {
  return {
    name: 'rectification-register',
    describe: 'rectificationWorkflow by update-with-start + registeredUpdate (the register use case), answered once in the read model',
    async run(target, n, concurrency) {
      const dueAt = new Date(Date.now() + 90 * 86_400_000).toISOString();
      const ids = await inPool(n, concurrency, async (i) => {
        const item = benchItem(leadUnits[i % leadUnits.length]!, dueAt);
        const input: RectificationWorkflowInput = { item, registeredBy: officeActor };
        await target.temporal.workflow.executeUpdateWithStart(registeredUpdate, {
          startWorkflowOperation: new WithStartWorkflowOperation(RECTIFICATION_WORKFLOW, {
            workflowId: workflowIds.rectification(item.id),
            taskQueue: target.taskQueue,
            args: [input],
            workflowIdConflictPolicy: 'FAIL',
          }),
        });
        return item.id;
      });
      const inReadModel = await countInReadModel(target, ids);
      if (inReadModel !== n) throw new Error(`fan-out: ${inReadModel} of ${n} items in the read model`);
    },
  };
}

export async function countInReadModel(target: BenchTarget, ids: readonly string[]): Promise<number> {
  let found = 0;
  for (let i = 0; i < ids.length; i += 1000) {
    found += await target.database.collection('rectifications').countDocuments({ _id: { $in: ids.slice(i, i + 1000) } as never });
  }
  return found;
}

/** The baseline: `n` trivial workflows started and awaited to completion with the raw client, same concurrency. */
export async function rawStarts(temporal: Client, temporalAddress: string, n: number, concurrency: number): Promise<number> {
  return withTrivialWorker(temporalAddress, async (taskQueue) => {
    const started = performance.now();
    await inPool(n, concurrency, (i) => temporal.workflow.execute('trivialWorkflow', { workflowId: `bench-raw-${randomUUID()}`, taskQueue, args: [i] }));
    return seconds(started);
  });
}

export interface FanOutResult {
  readonly n: number;
  readonly concurrency: number;
  readonly raw: { seconds: number; perSecond: number };
  readonly ours: { name: string; describe: string; seconds: number; perSecond: number };
  readonly ratio: number;
}

export async function benchFanOut(target: BenchTarget, temporalAddress: string, options: { n: number; concurrency: number; ours: FanOut }): Promise<FanOutResult> {
  const { n, concurrency, ours } = options;
  const rawSeconds = await rawStarts(target.temporal, temporalAddress, n, concurrency);
  const started = performance.now();
  await ours.run(target, n, concurrency);
  const oursSeconds = seconds(started);
  const raw = { seconds: rawSeconds, perSecond: perSecond(n, rawSeconds) };
  const mine = { name: ours.name, describe: ours.describe, seconds: oursSeconds, perSecond: perSecond(n, oursSeconds) };
  return { n, concurrency, raw, ours: mine, ratio: ratio(mine.perSecond, raw.perSecond) };
}

/**
 * The monthly list publish: the office drafts a list (n / units items, each for every unit of a kind, e.g. the
 * 100 villages → n assignments) through the
 * API and publishes it now; done once every `assignmentWorkflow` is projected into the `assignments` read model.
 * The list id is per month (`TL-YYYY-MM`), so this runs once per database.
 */
export function publishTaskList(officeToken: () => Promise<string>, month: string, target: { kind: 'village' | 'township' | 'department'; unitIds: readonly string[] }): FanOut {
  const units = target.unitIds.length;
  return {
    name: 'task-list-publish',
    describe: `taskListWorkflow fanning out one assignmentWorkflow per item × ${target.kind} (list ${month}, published through the API), until every assignment is in the read model`,
    async run(system, n) {
      if (n % units !== 0) throw new Error(`task-list fan-out: n (${n}) must be a multiple of the ${units} ${target.kind} units`);
      const headers = { authorization: `Bearer ${await officeToken()}`, 'content-type': 'application/json' };
      const items = Array.from({ length: n / units }, (_, i) => ({ title: `基准测试重点工作${i + 1}`, content: '各村完成饮水安全排查', targetUnitKind: target.kind, dueKind: 'monthEnd' }));
      const draft = await fetch(`${system.apiUrl}/api/task-lists`, { method: 'POST', headers, body: JSON.stringify({ month, items }) });
      if (draft.status !== 201) throw new Error(`task-list draft: ${draft.status} ${await draft.text()}`);
      const { id, items: drafted } = (await draft.json()) as { id: string; items: { id: string }[] };
      const publish = await fetch(`${system.apiUrl}/api/task-lists/${id}/publish`, { method: 'POST', headers, body: JSON.stringify({ mode: 'now' }) });
      if (publish.status !== 202) throw new Error(`task-list publish: ${publish.status} ${await publish.text()}`);
      const expected = drafted.flatMap((item) => target.unitIds.map((unitId) => assignmentId(id, item.id, unitId)));
      if (expected.length !== n) throw new Error(`task-list fan-out: ${expected.length} assignments expected, not ${n}`);
      await untilAllPresent(system.database, 'assignments', expected, { pollMs: 250 });
    },
  };
}
