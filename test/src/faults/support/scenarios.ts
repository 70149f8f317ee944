import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { ASSIGNMENT_WORKFLOW, RECTIFICATION_WORKFLOW, actUpdate, workflowIds, type RectificationWorkflowInput } from '@duban/contracts';
import { shanghaiDate, type Actor, type RectificationState } from '@duban/domain';
import { PASSWORD } from '../../support/org-fixture.js';
import { eventually, sleep, type FaultSystem } from './fault-system.js';
import { inParallel, registerMany, type Workload } from './workloads.js';

// The fault scenarios, each a function of a running FaultSystem: `npm run faults` runs each in a system of its own
// at full size (the *.faults.test.ts files), `npm test` runs them one after another in one system at small sizes
// (short.faults.test.ts). Each looks only at the items it created.

/** kill -9 of the worker in the middle of `workload`, then a new worker: every item once, no notice or notification twice. */
export async function workerCrash(system: FaultSystem, size: number, workload: Workload = registerMany): Promise<void> {
  const label = `工作进程崩溃-${randomUUID().slice(0, 6)}`;
  let restarted: Promise<void> | undefined;
  const ids = await workload.run(system, size, {
    label,
    onProgress: (done) => {
      if (done === Math.max(1, Math.floor(size / 3)) && !restarted) {
        restarted = (async () => {
          await system.killWorker();
          await sleep(500);
          await system.startWorker();
        })();
      }
    },
  });
  await restarted;
  expect(restarted).toBeDefined();

  expect(new Set(ids).size).toBe(size);
  const records = await recordsOf(system, ids);
  expect(records).toHaveLength(size);
  expect(records.every((r) => r.status === 'assigned')).toBe(true);
  await eventually('Temporal lists every item once', async () => {
    const { count } = await system.temporal.workflow.count(`WorkflowType = '${RECTIFICATION_WORKFLOW}' AND WorkflowId IN (${ids.map((id) => `'${workflowIds.rectification(id)}'`).join(',')})`);
    return count === size;
  });
  await assertNoticesOnce(system, ids, 'blue');
  await assertNotifiedOnce(system, ids);
}

/**
 * kill -9 of the worker while a monthly list of `items` items × 5 units publishes (the fan-out of assignment workflows,
 * each issuing a blue notice at once: due tomorrow), then a new worker: every assignment in the read model exactly
 * once, one workflow each, no notice or notification twice.
 */
export async function listPublishCrash(system: FaultSystem, items: number): Promise<void> {
  const office = await system.api.login('office', PASSWORD);
  const tomorrow = shanghaiDate(new Date(Date.now() + 86_400_000));
  const month = tomorrow.slice(0, 7);
  const listId = `TL-${month}`;
  const units = ['water', 'health', 'town-a', 'village-a1', 'village-a2'];
  const total = items * units.length;
  const draft = await office.post('/api/task-lists', {
    month,
    items: Array.from({ length: items }, (_, i) => ({ title: `故障演练任务 ${i + 1}`, targetUnitIds: units, dueKind: 'date', dueDate: tomorrow })),
  });
  expect(draft.status).toBe(201);
  expect((await office.post(`/api/task-lists/${listId}/publish`, {})).status).toBe(202);
  const assignments = system.database.collection('assignments');
  // Only this list's assignments live in the scenario's database; a filtered count would make FerretDB v1 parse every
  // assignment four times a second while the fan-out runs.
  const count = () => assignments.estimatedDocumentCount();
  await eventually('the fan-out under way', async () => (await count()) >= Math.max(1, Math.floor(total / 10)));
  await system.killWorker();
  await sleep(500);
  await system.startWorker();
  await eventually('every assignment in the read model', async () => (await count()) === total, 1_800_000);

  const ids = (await assignments.find({ listId }, { projection: { _id: 1 } }).toArray()).map((d) => String(d._id));
  expect(ids).toHaveLength(total);
  expect(new Set(ids).size).toBe(total);
  await eventually('Temporal lists every assignment once', async () => (await system.temporal.workflow.count(`WorkflowType = '${ASSIGNMENT_WORKFLOW}'`)).count === total);
  await assertNoticesOnce(system, ids, 'blue');
  await assertNotifiedOnce(system, ids, 'assignment');
}

/** `crashes` activity executions crash after their writes (the worker was started with them injected): no duplicate effect. */
export async function activityCrashes(system: FaultSystem, size: number, crashes: number): Promise<void> {
  const label = `活动崩溃-${randomUUID().slice(0, 6)}`;
  const ids = await registerMany.run(system, size, { label, width: 16 });
  expect(new Set(ids).size).toBe(size);
  expect(await recordsOf(system, ids)).toHaveLength(size);
  await assertNoticesOnce(system, ids, 'blue');
  await assertNotifiedOnce(system, ids);

  // Every injected crash happened, each logged as a JSON line naming the workflow whose activity failed.
  const crashLines = system
    .workerLog()
    .split('\n')
    .filter((line) => line.includes('injected crash'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(crashLines).toHaveLength(crashes);
  expect(crashLines.every((line) => typeof line.workflowId === 'string' && (line.workflowId as string).startsWith('rect:'))).toBe(true);
}

/** Scrapes the worker: Temporal's task latency and activity failures (local ones included), and open items by light. */
export async function workerMetrics(system: FaultSystem, expected: { minActivityFailures: number }): Promise<void> {
  const text = await system.workerMetrics();
  expect(text).toContain('temporal_workflow_task_execution_latency');
  const failed = [...text.matchAll(/^temporal_(?:local_)?activity_execution_failed\{[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  expect(failed).toBeGreaterThanOrEqual(expected.minActivityFailures);
  const blue = await system.database.collection('rectifications').countDocuments({ status: 'assigned', blueFrom: { $lte: new Date() }, due: { $gte: new Date() } });
  expect(text).toMatch(new RegExp(`^duban_open_items\\{light="blue",service="duban-worker"\\} ${blue}$`, 'm'));
  expect(text).toMatch(/^duban_open_items\{light="green",service="duban-worker"\} \d+$/m);
}

/**
 * kill -9 of the Temporal dev server while timers are pending; restarted on the same SQLite file after they fell
 * due: every timer fires, none twice. Each item's deadline is `deadlineInMs` away — long enough for every item to be
 * registered and waiting first (asserted: no red notice before the kill); its overdue timer turns it red.
 */
export async function temporalCrash(system: FaultSystem, size: number, deadlineInMs = 8_000): Promise<void> {
  const dueAt = new Date(Date.now() + deadlineInMs).toISOString();
  const ids = Array.from({ length: size }, () => randomUUID());
  await startItems(system, ids.map((id, n) => input(id, `定时器演练-${n}`, dueAt)));
  // Registered and waiting: each has its blue notice (due within days) and its overdue timer pending.
  await eventually('every item waiting with its blue notice', async () => (await noticesOf(system, ids, 'blue')).length === size);
  expect(await noticesOf(system, ids, 'red')).toHaveLength(0);

  await system.killTemporal();
  await sleep(Math.max(0, Date.parse(dueAt) - Date.now()) + 1_000); // the timers fall due while the server is down
  await system.startTemporal();

  await eventually('every overdue timer fired', async () => (await noticesOf(system, ids, 'red')).length === size);
  await assertNoticesOnce(system, ids, 'red');
  for (const id of ids) {
    const state = await system.temporal.workflow.getHandle(workflowIds.rectification(id)).query<RectificationState>('state');
    expect(state.timeline.filter((entry) => entry.action === 'overdue')).toHaveLength(1);
    expect(state.notices.filter((notice) => notice.colour === 'red')).toHaveLength(1);
  }
  await eventually('the read model shows every item red', async () => {
    const records = await recordsOf(system, ids);
    return records.every((r) => (r.notices as { colour: string }[]).filter((n) => n.colour === 'red').length === 1);
  });
}

/**
 * The database stops (kill -9 of FerretDB) while projections are written: a step on `size` items and `size` new items
 * go on in Temporal, their activities fail and are retried; once it is back the read model converges.
 */
export async function databaseOutage(system: FaultSystem, size: number): Promise<void> {
  const registered = await registerMany.run(system, size, { label: `停库演练-${randomUUID().slice(0, 6)}` });
  const waterUser = await system.database.collection('users').findOne({ username: 'water' });
  const water: Actor = { userId: String(waterUser!._id), name: String(waterUser!.name), unitId: 'water', roles: ['unit'] };

  await system.killDatabase();
  const signs = registered.map((id) =>
    system.temporal.workflow.getHandle(workflowIds.rectification(id)).executeUpdate(actUpdate, { args: [{ actor: water, command: { type: 'sign' } }] }),
  );
  const dueAt = new Date(Date.now() + 60 * 86_400_000).toISOString();
  const started = Array.from({ length: size }, () => randomUUID());
  await startItems(system, started.map((id, n) => input(id, `停库登记-${n}`, dueAt)));
  await sleep(3_000);
  await system.startDatabase();

  expect((await Promise.all(signs)).every((state) => state.status === 'signed')).toBe(true);
  const all = [...registered, ...started];
  await eventually('the read model equals every workflow state', async () => {
    for (const id of all) {
      const state = await system.temporal.workflow.getHandle(workflowIds.rectification(id)).query<RectificationState>('state');
      const record = await system.database.collection('rectifications').findOne({ _id: id as never });
      if (!record || record.version !== state.version || record.status !== state.status) return false;
    }
    return true;
  });
  const records = await recordsOf(system, all);
  expect(records.filter((r) => r.status === 'signed')).toHaveLength(size);
  expect(records.filter((r) => r.status === 'assigned')).toHaveLength(size);
}

function input(id: string, title: string, dueAt: string): RectificationWorkflowInput {
  return {
    item: {
      id,
      title,
      description: '故障演练：直接在 Temporal 中登记的问题。',
      source: 'provincial_assessment',
      category: 'drinking_water',
      severity: 'general',
      leadUnitId: 'water',
      coUnitIds: [],
      dueAt,
      verifierUnitId: null,
    },
    registeredBy: { userId: 'seed', name: '故障演练', unitId: 'office', roles: ['office'] },
  };
}

/** Starts an item's workflow directly, as an importer would; a refusal of an overloaded dev server is retried. */
async function startItem(system: FaultSystem, item: RectificationWorkflowInput): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await system.temporal.workflow.start(RECTIFICATION_WORKFLOW, { workflowId: workflowIds.rectification(item.item.id), taskQueue: 'duban', args: [item] });
      return;
    } catch (error) {
      // The dev server's SQLite under full load has answered NamespaceNotFound for `default` for a moment.
      if (error instanceof WorkflowExecutionAlreadyStartedError) return;
      if (attempt >= 10) throw error;
      await sleep(500);
    }
  }
}

async function startItems(system: FaultSystem, items: readonly RectificationWorkflowInput[]): Promise<void> {
  await inParallel(items.length, 8, (n) => startItem(system, items[n]!));
}

/**
 * How long to wait for the effects that follow an item's projection (notices, notifications): when the last of 2,000
 * assignments is projected, about half of the fan-out's activities (notice, notifications, second projection) are
 * still queued, at the pace of 1–2 items/s measured on 2 cores. Large sets are polled every 5 s, since each poll is a
 * full scan of the collection on FerretDB v1 and would slow the work it waits for.
 */
function waitFor(ids: readonly string[]): [timeoutMs: number, intervalMs: number] {
  return [Math.max(120_000, ids.length * 600), ids.length > 500 ? 5_000 : 250];
}

function recordsOf(system: FaultSystem, ids: readonly string[]) {
  return system.database.collection('rectifications').find({ _id: { $in: ids } as never }).toArray();
}

function noticesOf(system: FaultSystem, ids: readonly string[], colour: string) {
  return system.database.collection('notices').find({ itemId: { $in: ids }, colour }).toArray();
}

/**
 * One notice of `colour` per item, each with its own formal number. Numbers may have gaps: a worker killed
 * between taking a number and storing the notice leaves that number unused (two writes, no transactions).
 */
async function assertNoticesOnce(system: FaultSystem, ids: readonly string[], colour: string): Promise<void> {
  await eventually(`every ${colour} notice issued`, async () => (await noticesOf(system, ids, colour)).length === ids.length, ...waitFor(ids));
  const notices = await noticesOf(system, ids, colour);
  expect(notices).toHaveLength(ids.length);
  expect(new Set(notices.map((n) => n.itemId)).size).toBe(ids.length);
  const allNumbers = (await system.database.collection('notices').find({}).toArray()).map((n) => n.number);
  expect(new Set(allNumbers).size).toBe(allNumbers.length);
}

/**
 * Every item notified its recipients exactly once: the same number of notifications per item, none repeated. Waits for
 * each item's blue-notice notifications, the last to come (a new item's assignment notifications come first).
 */
async function assertNotifiedOnce(system: FaultSystem, ids: readonly string[], kind: 'rectification' | 'assignment' = 'rectification'): Promise<void> {
  const ofItems = () => system.database.collection('notifications').find({ 'subject.kind': kind, 'subject.id': { $in: ids } }).toArray();
  const toldOfBlue = async () => new Set((await ofItems()).filter((n) => String(n.key).includes(':blue@')).map((n) => n.subject.id)).size;
  await eventually('every item notified of its blue notice', async () => (await toldOfBlue()) === ids.length, ...waitFor(ids));
  const perItem = new Map<string, string[]>();
  for (const n of await ofItems()) perItem.set(n.subject.id, [...(perItem.get(n.subject.id) ?? []), `${n.key}:${n.userId}`]);
  expect(perItem.size).toBe(ids.length);
  expect(new Set([...perItem.values()].map((list) => list.length)).size).toBe(1);
  for (const list of perItem.values()) expect(new Set(list).size).toBe(list.length);
}
