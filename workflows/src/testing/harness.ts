import { Client, type WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { calendarFromOverrides, shiftWorkingDaysWith } from '@duban/calendar';
import {
  RECTIFICATION_WORKFLOW,
  registeredUpdate,
  type NoticeRecordInput,
  type NotificationRequest,
  type RectificationWorkflowInput,
} from '@duban/contracts';
import type { Actor, AssignmentState, RectificationState, RegisterRectification } from '@duban/domain';
import './provided.js';
import type { rectificationWorkflow } from '../rectification.workflow.js';

export const office: Actor = { userId: 'u-office', name: '办公室王主任', unitId: 'office', roles: ['office'] };
export const water: Actor = { userId: 'u-water', name: '水利局张科长', unitId: 'water', roles: ['unit'] };
export const leader: Actor = { userId: 'u-leader', name: '李组长', unitId: 'county', roles: ['leader'] };

/** What the workflow asked its activities to do, in order: recording functions stand in for the activities. */
export interface Recorded {
  readonly projections: RectificationState[];
  readonly assignments: AssignmentState[];
  readonly notices: NoticeRecordInput[];
  readonly notifications: NotificationRequest[];
}

export interface Harness {
  readonly env: TestWorkflowEnvironment;
  /** A client that does not skip time while it waits: time moves only with `env.sleep`. */
  readonly client: Client;
  readonly recorded: Recorded;
  start(id: string, item?: Partial<RegisterRectification>, options?: Partial<RectificationWorkflowInput>): Promise<WorkflowHandle<typeof rectificationWorkflow>>;
  close(): Promise<void>;
}

/**
 * A time-skipping test server (optionally with its clock starting at `startAt`, UTC) and a worker
 * running the real workflow bundle. The calendar activity is the real one, on the real holiday data
 * of the chinese-days package, with `calendarOverrides` as an admin would enter them — only the
 * database read is left out.
 */
export async function startHarness(options: {
  taskQueue: string;
  startAt?: string;
  calendarOverrides?: { _id: string; working: boolean; name: string }[];
  /** More activities (or replacements), given the client the test uses, e.g. the task-list fan-out. */
  activities?: (client: Client) => Record<string, (...args: never[]) => Promise<unknown>>;
}): Promise<Harness> {
  if (options.startAt) process.env.DUBAN_TEST_SERVER_START = options.startAt;
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('testServerLauncher') } },
  });
  delete process.env.DUBAN_TEST_SERVER_START;

  const recorded: Recorded = { projections: [], assignments: [], notices: [], notifications: [] };
  const client = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
  const overrides = options.calendarOverrides ?? [];
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: options.taskQueue,
    workflowBundle: { code: readFileSync(inject('workflowBundlePath'), 'utf8') },
    activities: {
      projectRectification: async (state: RectificationState) => {
        recorded.projections.push(state);
      },
      recordNotice: async (notice: NoticeRecordInput) => {
        recorded.notices.push(notice);
        return `督办〔${notice.issuedAt.slice(0, 4)}〕${notice.colour}第${recorded.notices.length}号`;
      },
      notify: async (request: NotificationRequest) => {
        recorded.notifications.push(request);
        return { inApp: 1, deliveries: [] };
      },
      projectAssignment: async (state: AssignmentState) => {
        recorded.assignments.push(state);
      },
      shiftWorkingDays: (queries: { date: string; offset: number }[]) =>
        shiftWorkingDaysWith(async (from, to) => calendarFromOverrides(overrides, from, to), queries),
      ...options.activities?.(client),
    },
  });
  const running = worker.run();

  return {
    env,
    client,
    recorded,
    async start(id, item = {}, input = {}) {
      const registration: RegisterRectification = {
        id,
        title: `饮水安全问题 ${id}`,
        description: '两户季节性缺水',
        source: 'provincial_assessment',
        category: 'drinking_water',
        severity: 'general',
        leadUnitId: 'water',
        coUnitIds: [],
        dueAt: '2030-01-01T15:59:59.999Z',
        ...item,
      };
      const handle = await client.workflow.start<typeof rectificationWorkflow>(RECTIFICATION_WORKFLOW, {
        workflowId: `rect:${id}`,
        taskQueue: options.taskQueue,
        args: [{ item: registration, registeredBy: office, ...input }],
      });
      await handle.executeUpdate(registeredUpdate);
      return handle;
    },
    async close() {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}

/** The process's own steps (no actor) with the instant each was taken. */
export const automaticSteps = (state: RectificationState) => state.timeline.filter((e) => e.actor === null).map((e) => [e.action, e.at] as const);

/** True when `actual` lies at `expected` or at most a few seconds after it (the worker picks up a fired timer a moment later). */
export const firedAt = (actual: string, expected: string) => {
  const lag = Date.parse(actual) - Date.parse(expected);
  return lag >= 0 && lag < 5_000;
};
