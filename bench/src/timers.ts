import type { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { RECTIFICATION_WORKFLOW, workflowIds, type RectificationWorkflowInput } from '@duban/contracts';
import { cpuMsPerEvent, cpuTimes, type CpuPerEvent, type ProcessIds } from './cpu.js';
import { benchItem } from './fanout.js';
import { officeActor } from './org.js';
import { untilAllPresent } from './presence.js';
import { distribution, inPool, sleep, type Distribution } from './stats.js';
import type { BenchTarget } from './target.js';
import { withTrivialWorker } from './trivial-worker.js';
import { readStickyCache, stickyCacheBetween, type StickyCacheCounts } from './worker-cache.js';

export interface TimerLatenessResult {
  readonly n: number;
  /** First and last deadline; all fall inside one window (a minute in the full run). */
  readonly dueFrom: string;
  readonly dueTo: string;
  readonly registrationSeconds: number;
  /** Items whose registration finished only after their deadline (their lateness is then meaningless). */
  readonly registeredAfterDue: number;
  /** Seconds from the first start until every item was in the read model (its first steps done), and whether
   * that came before the first deadline: if not, the lateness includes the start backlog, not only the timers. */
  readonly settledSeconds: number | null;
  readonly settledBeforeDue: boolean;
  readonly redNotices: number;
  /** Red notice `issuedAt` minus the deadline, in ms. */
  readonly lateMs: Distribution;
  /** The worker's workflow cache from the end of settling to the last red notice: a miss replays the item's
   * whole history before its timer can fire. Null when the worker exports no metrics. */
  readonly stickyCache: StickyCacheCounts | null;
  /** CPU time per red notice of each process, from the first deadline until every item showed its red notice in
   * the read model (polled every `pollMs`, so up to one idle poll interval is included). */
  readonly cpuMsPerFiring?: CpuPerEvent;
  /** The same number of deadlines in a window of their own just before, on trivial workflows (raw Temporal). */
  readonly raw?: RawTimerLatenessResult;
}

export interface RawTimerLatenessResult {
  readonly n: number;
  readonly dueFrom: string;
  readonly dueTo: string;
  readonly startSeconds: number;
  /** Workflows that woke and completed before the bench gave up waiting. */
  readonly fired: number;
  /** Workflow clock at waking minus the deadline, in ms. */
  readonly lateMs: Distribution;
  /** CPU time per woken workflow: the server's, and this process's (it runs the trivial worker). */
  readonly cpuMsPerFiring?: CpuPerEvent;
}

/** The `i`-th of `n` deadlines spread evenly over `windowMs` from `dueFrom`. */
const deadline = (dueFrom: Date, windowMs: number, n: number) => (i: number) => new Date(dueFrom.getTime() + Math.floor((i * windowMs) / n));

/**
 * The baseline of the timer lateness: what the Temporal server and a worker on this machine do with nothing else to
 * do. Starts `n` trivial workflows, each sleeping until its deadline (spread as in `benchTimerLateness`), on a
 * worker in this process whose cache holds as many workflows as ours does; the lateness is each one's workflow
 * clock at waking minus its deadline.
 */
export async function rawTimerLateness(
  temporal: Client,
  temporalAddress: string,
  options: { n: number; dueFrom: Date; windowMs: number; concurrency: number; maxCachedWorkflows: number; serverPids?: ProcessIds; waitAfterMs?: number; pollMs?: number },
): Promise<RawTimerLatenessResult> {
  const { n, dueFrom, windowMs, concurrency } = options;
  const pollMs = options.pollMs ?? 5000;
  const dueOf = deadline(dueFrom, windowMs, n);
  return withTrivialWorker(
    temporalAddress,
    async (taskQueue) => {
      const started = performance.now();
      const ids = await inPool(n, concurrency, async (i) => {
        const workflowId = `bench-raw-timer-${randomUUID()}`;
        await temporal.workflow.start('trivialTimerWorkflow', { workflowId, taskQueue, args: [dueOf(i).getTime()] });
        return workflowId;
      });
      const startSeconds = Math.round((performance.now() - started) / 10) / 100;
      // One count per poll, only after the window: the baseline's own polling must not load the server it measures.
      const running = async () => (await temporal.workflow.count(`TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"`)).count;
      const giveUpAt = dueFrom.getTime() + windowMs + (options.waitAfterMs ?? 180_000);
      await sleep(Math.max(0, dueFrom.getTime() - Date.now()));
      const cpuBefore = cpuTimes(options.serverPids ?? {});
      await sleep(Math.max(0, dueFrom.getTime() + windowMs - Date.now()));
      let stillRunning = await running();
      while (stillRunning > 0 && Date.now() < giveUpAt) {
        await sleep(pollMs);
        stillRunning = await running();
      }
      const cpuAfter = cpuTimes(options.serverPids ?? {});
      const late = await inPool(n, concurrency, async (i) => {
        const handle = temporal.workflow.getHandle(ids[i]!);
        // Only after giving up: a result of a workflow still asleep would wait for it.
        if (stillRunning > 0 && (await handle.describe()).status.name !== 'COMPLETED') return null;
        return ((await handle.result()) as number) - dueOf(i).getTime();
      });
      const fired = late.filter((ms): ms is number => ms !== null);
      const cpuMsPerFiring = cpuMsPerEvent(cpuBefore, cpuAfter, fired.length);
      return { n, dueFrom: dueOf(0).toISOString(), dueTo: dueOf(n - 1).toISOString(), startSeconds, fired: fired.length, lateMs: distribution(fired), cpuMsPerFiring };
    },
    { maxCachedWorkflows: options.maxCachedWorkflows },
  );
}

/**
 * Starts `n` items whose deadlines are spread evenly over `windowMs` starting at `dueFrom` (the real clock),
 * then waits for every red notice (the overdue timer) and measures how late each was issued.
 */
export async function benchTimerLateness(
  target: BenchTarget,
  options: { n: number; leadUnits: readonly string[]; dueFrom: Date; windowMs: number; concurrency: number; waitAfterMs?: number; pollMs?: number },
): Promise<TimerLatenessResult> {
  const { n, leadUnits, dueFrom, windowMs, concurrency } = options;
  const pollMs = options.pollMs ?? 5000;
  const dueOf = deadline(dueFrom, windowMs, n);
  const started = performance.now();
  const registered = await inPool(n, concurrency, async (i) => {
    const item = benchItem(leadUnits[i % leadUnits.length]!, dueOf(i).toISOString(), randomUUID());
    const input: RectificationWorkflowInput = { item, registeredBy: officeActor };
    await target.temporal.workflow.start(RECTIFICATION_WORKFLOW, { workflowId: workflowIds.rectification(item.id), taskQueue: target.taskQueue, args: [input] });
    return { id: item.id, due: dueOf(i).getTime(), startedAt: Date.now() };
  });
  const registrationSeconds = Math.round((performance.now() - started) / 10) / 100;
  const ids = registered.map((r) => r.id);
  const settled = await untilAllPresent(target.database, 'rectifications', ids, { pollMs, until: dueFrom.getTime() });
  const settledAt = settled ? performance.now() : null;
  const cacheBefore = await readStickyCache(target.workerMetricsUrl);
  const pids: ProcessIds = { worker: target.workerPid, api: target.apiPid, ...target.serverPids };
  await sleep(Math.max(0, dueFrom.getTime() - Date.now()));
  const cpuBefore = cpuTimes(pids);

  // Waiting for every item to show its red notice in the read model (the last step of a firing), by `_id`.
  const giveUpAt = dueFrom.getTime() + windowMs + (options.waitAfterMs ?? 180_000);
  await sleep(Math.max(0, dueFrom.getTime() + windowMs - Date.now()));
  await untilAllPresent(target.database, 'rectifications', ids, { pollMs, until: giveUpAt, filter: { 'notices.colour': 'red' } });

  const cpuAfter = cpuTimes(pids);
  const cacheAfter = await readStickyCache(target.workerMetricsUrl);

  const notices = target.database.collection<{ _id: string; itemId: string; colour: string; issuedAt: Date }>('notices');
  const dueById = new Map(registered.map((r) => [r.id, r.due]));
  const late: number[] = [];
  for (let i = 0; i < ids.length; i += 1000) {
    for (const notice of await notices.find({ itemId: { $in: ids.slice(i, i + 1000) }, colour: 'red' }).toArray()) {
      late.push(notice.issuedAt.getTime() - dueById.get(notice.itemId)!);
    }
  }
  return {
    n,
    dueFrom: dueOf(0).toISOString(),
    dueTo: dueOf(n - 1).toISOString(),
    registrationSeconds,
    registeredAfterDue: registered.filter((r) => r.startedAt > r.due).length,
    settledSeconds: settledAt === null ? null : Math.round((settledAt - started) / 10) / 100,
    settledBeforeDue: settledAt !== null,
    redNotices: late.length,
    lateMs: distribution(late),
    stickyCache: stickyCacheBetween(cacheBefore, cacheAfter),
    cpuMsPerFiring: cpuMsPerEvent(cpuBefore, cpuAfter, late.length),
  };
}
