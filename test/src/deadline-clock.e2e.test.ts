import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { calendarFromOverrides, shiftWorkingDaysWith } from '@duban/calendar';
import { RECTIFICATION_WORKFLOW, registeredUpdate, stateQuery, type NoticeRecordInput, type RectificationWorkflowInput } from '@duban/contracts';
import type { Actor } from '@duban/domain';
import './setup/provided.js';
import { quietTemporalLogs } from './setup/quiet-temporal.js';
import { until } from './support/until.js';

// Deadline timers on the dev server's real clock, with recording activities standing in for the database.

const office: Actor = { userId: 'u-office', name: '办公室王主任', unitId: 'office', roles: ['office'] };

let connection: NativeConnection;
let clientConnection: Connection;
let client: Client;
let stopWorker: (() => Promise<void>) | undefined;

beforeAll(async () => {
  quietTemporalLogs();
  connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  clientConnection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection: clientConnection });
});

afterEach(async () => {
  await stopWorker?.();
  stopWorker = undefined;
});

afterAll(async () => {
  await connection?.close();
  await clientConnection?.close();
});

/**
 * A worker whose projection takes `projectionMs` and answers the wall clock `clockAheadMs` ahead of the real one,
 * with `localActivitySlots` local activities at a time. Answers the red notices' issue instants by item.
 */
async function startWorker(options: { projectionMs: number; clockAheadMs: number; localActivitySlots: number }) {
  const taskQueue = `deadline-clock-${randomUUID().slice(0, 8)}`;
  const redIssuedAt = new Map<string, string>();
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue,
    workflowBundle: { code: readFileSync(inject('workflowBundlePath'), 'utf8') },
    maxConcurrentLocalActivityExecutions: options.localActivitySlots,
    activities: {
      projectRectification: async () => {
        await new Promise((r) => setTimeout(r, options.projectionMs));
        return { at: Date.now() + options.clockAheadMs };
      },
      recordNotice: async (notice: NoticeRecordInput) => {
        if (notice.colour === 'red') redIssuedAt.set(notice.itemId, notice.issuedAt);
        return `督办〔2026〕${notice.colour}字第1号`;
      },
      notify: async () => ({ inApp: 1, deliveries: [] }),
      shiftWorkingDays: (queries: { date: string; offset: number }[]) =>
        shiftWorkingDaysWith(async (from, to) => calendarFromOverrides([], from, to), queries),
    },
  });
  const running = worker.run();
  stopWorker = async () => {
    worker.shutdown();
    await running;
  };
  return { taskQueue, redIssuedAt };
}

/** Registers items due at `dueAt` together and answers how late each red notice was issued, in ms. */
async function redLateness(worker: Awaited<ReturnType<typeof startWorker>>, count: number, dueAt: string): Promise<number[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  const handles = await Promise.all(
    ids.map(async (id) => {
      const input: RectificationWorkflowInput = {
        item: { id, title: `时限 ${id}`, description: '—', source: 'provincial_assessment', category: 'drinking_water', severity: 'general', leadUnitId: 'water', coUnitIds: [], dueAt },
        registeredBy: office,
      };
      const handle = await client.workflow.start(RECTIFICATION_WORKFLOW, { workflowId: `rect:${id}`, taskQueue: worker.taskQueue, args: [input] });
      await handle.executeUpdate(registeredUpdate);
      return handle;
    }),
  );
  await until('every red notice', async () => ids.filter((id) => worker.redIssuedAt.has(id)).length, (n) => n === count);
  // The item's own record of the notice says the same instant.
  for (const [i, handle] of handles.entries()) {
    const red = (await handle.query(stateQuery)).notices.find((n) => n.colour === 'red');
    expect(red?.issuedAt).toBe(worker.redIssuedAt.get(ids[i]!));
  }
  return ids.map((id) => Date.parse(worker.redIssuedAt.get(id)!) - Date.parse(dueAt));
}

describe('deadline timers on the real clock', () => {
  it('raises the red notice at the due instant even when the step before it waited seconds for its local activities', async () => {
    // One local-activity slot and a slow projection: the second item's local activities wait for the first one's,
    // as they do when many items fall due together, so its workflow clock falls seconds behind the wall clock.
    const worker = await startWorker({ projectionMs: 1_500, clockAheadMs: 0, localActivitySlots: 1 });
    const late = await redLateness(worker, 2, new Date(Date.now() + 12_000).toISOString());
    for (const ms of late) expect(ms, `red notice issued ${ms} ms after the due instant`).toBeGreaterThanOrEqual(0);
    for (const ms of late) expect(ms, `red notice issued ${ms} ms after the due instant`).toBeLessThan(1_000);
  }, 60_000);

  it('never raises it early when the worker reads a clock seconds ahead of the server', async () => {
    const worker = await startWorker({ projectionMs: 0, clockAheadMs: 5_000, localActivitySlots: 100 });
    const late = await redLateness(worker, 1, new Date(Date.now() + 8_000).toISOString());
    expect(late[0], 'red notice issued before the due instant').toBeGreaterThanOrEqual(0);
    expect(late[0], `red notice issued ${late[0]} ms after the due instant`).toBeLessThan(1_000);
  }, 60_000);
});
