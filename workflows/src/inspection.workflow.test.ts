import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { calendarFromOverrides, shiftWorkingDaysWith } from '@duban/calendar';
import {
  INSPECTION_PUBLISH_WORKFLOW,
  RECTIFICATION_WORKFLOW,
  inspectionPublishWorkflowId,
  registeredUpdate,
  type InspectionPublishInput,
  type NoticeRecordInput,
} from '@duban/contracts';
import type { Actor, RectificationState, RegisterRectification } from '@duban/domain';
import './testing/provided.js';
import type { inspectionPublishWorkflow } from './inspection.workflow.js';
import { recordHistory } from './testing/histories.js';
import type { rectificationWorkflow } from './rectification.workflow.js';

const TASK_QUEUE = 'inspection-test';
const inspector: Actor = { userId: 'u-inspector', name: '督导组周组长', unitId: 'office', roles: ['inspector'] };

let env: TestWorkflowEnvironment;
let worker: Worker;
let workerRun: Promise<void>;
const projections: RectificationState[] = [];
const published: { inspectionId: string; itemIds: readonly string[] }[] = [];

const item = (id: string, leadUnitId: string): RegisterRectification => ({
  id,
  title: `暗访发现 ${id}`,
  description: '集中供水点水压不足',
  source: 'anonymous_visit',
  category: 'drinking_water',
  severity: 'general',
  leadUnitId,
  coUnitIds: [],
  dueAt: '2030-01-01T15:59:59.999Z',
  verifierUnitId: null,
});

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: inject('testServerLauncher') } } });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowBundle: { code: readFileSync(inject('workflowBundlePath'), 'utf8') },
    activities: {
      projectRectification: async (state: RectificationState) => void projections.push(state),
      recordNotice: async (notice: NoticeRecordInput) => `督办〔${notice.issuedAt.slice(0, 4)}〕第1号`,
      notify: async () => ({ inApp: 1, deliveries: [] }),
      shiftWorkingDays: (queries: { date: string; offset: number }[]) => shiftWorkingDaysWith(async (from, to) => calendarFromOverrides([], from, to), queries),
      markInspectionPublished: async (input: { inspectionId: string; itemIds: readonly string[] }) => void published.push(input),
    },
  });
  workerRun = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await workerRun;
  await env?.teardown();
});

describe('inspection publication', () => {
  it('starts one abandoned rectification child per finding, reuses one already running, and marks the inspection published once', async () => {
    const ids = ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b'];
    // An earlier, interrupted publication started the first item already.
    const first = await env.client.workflow.start<typeof rectificationWorkflow>(RECTIFICATION_WORKFLOW, {
      workflowId: `rect:${ids[0]}`,
      taskQueue: TASK_QUEUE,
      args: [{ item: { ...item(ids[0]!, 'village-a1'), title: '已启动' }, registeredBy: inspector }],
    });
    await first.executeUpdate(registeredUpdate);

    const input: InspectionPublishInput = { inspectionId: 'insp-1', items: [item(ids[0]!, 'village-a1'), item(ids[1]!, 'water')], publishedBy: inspector };
    const publication = await env.client.workflow.start<typeof inspectionPublishWorkflow>(INSPECTION_PUBLISH_WORKFLOW, {
      workflowId: inspectionPublishWorkflowId('insp-1'),
      taskQueue: TASK_QUEUE,
      args: [input],
    });
    const result = await publication.result();
    await recordHistory(publication, 'inspection-publish-reusing-started-item');
    expect(result).toEqual(ids);
    expect(published).toEqual([{ inspectionId: 'insp-1', itemIds: ids, publishedAt: expect.any(String) }]);

    // The children outlive the publication, and the first is still the one started before.
    const second = env.client.workflow.getHandle(`rect:${ids[1]}`);
    expect((await second.describe()).status.name).toBe('RUNNING');
    expect((await first.describe()).status.name).toBe('RUNNING');
    expect((await first.query<RectificationState>('state')).title).toBe('已启动');
    const registrations = projections.filter((p) => p.version === 1).map((p) => [p.id, p.source, p.registeredBy.name]);
    expect(registrations).toEqual([
      [ids[0], 'anonymous_visit', '督导组周组长'],
      [ids[1], 'anonymous_visit', '督导组周组长'],
    ]);

    // Published again (a retry): nothing new starts.
    const again = await env.client.workflow.execute<typeof inspectionPublishWorkflow>(INSPECTION_PUBLISH_WORKFLOW, {
      workflowId: `${inspectionPublishWorkflowId('insp-1')}:retry`,
      taskQueue: TASK_QUEUE,
      args: [input],
    });
    expect(again).toEqual(ids);
    expect(projections.filter((p) => p.version === 1)).toHaveLength(2);
  });
});
