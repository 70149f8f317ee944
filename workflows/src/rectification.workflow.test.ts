import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actUpdate, RECTIFICATION_WORKFLOW, registeredUpdate, stateQuery, type RectificationWorkflowInput } from '@duban/contracts';
import type { Actor, RectificationState } from '@duban/domain';
import '../../test/src/setup/provided.js';
import type { rectificationWorkflow } from './rectification.workflow.js';
import { inject } from 'vitest';

const office: Actor = { userId: 'u-office', name: '办公室王主任', unitId: 'office', roles: ['office'] };
const water: Actor = { userId: 'u-water', name: '水利局张科长', unitId: 'water', roles: ['unit'] };

let env: TestWorkflowEnvironment;
let worker: Worker;
let workerRun: Promise<void>;
/** What the workflow asked the read model to store, in order: a recording activity, the Temporal way. */
const projected: RectificationState[] = [];

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('testServerLauncher') } },
  });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'rect-test',
    workflowBundle: { code: readFileSync(inject('workflowBundlePath'), 'utf8') },
    activities: {
      projectRectification: async (state: RectificationState) => {
        projected.push(state);
      },
    },
  });
  workerRun = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await workerRun;
  await env?.teardown();
});

const input = (id: string): RectificationWorkflowInput => ({
  item: {
    id,
    title: '饮水安全问题',
    description: '两户季节性缺水',
    source: 'provincial_assessment',
    category: 'drinking_water',
    severity: 'general',
    leadUnitId: 'water',
    coUnitIds: [],
    dueAt: '2030-01-01T15:59:59.999Z',
  },
  registeredBy: office,
});

async function start(id: string) {
  const handle = await env.client.workflow.start<typeof rectificationWorkflow>(RECTIFICATION_WORKFLOW, { workflowId: `rect:${id}`, taskQueue: 'rect-test', args: [input(id)] });
  await handle.executeUpdate(registeredUpdate);
  return handle;
}

describe('rectification workflow', () => {
  it('runs register → sign → completion → sign-off, projecting every version once in order, and completes', async () => {
    const handle = await start('wf-happy');
    await handle.executeUpdate(actUpdate, { args: [{ actor: water, command: { type: 'sign' } }] });
    await handle.executeUpdate(actUpdate, { args: [{ actor: water, command: { type: 'submitCompletion', summary: '已接通供水' } }] });
    const closed = await handle.executeUpdate(actUpdate, { args: [{ actor: office, command: { type: 'signOff' } }] });
    expect(closed.status).toBe('closed');
    const result = await handle.result();
    expect(result.timeline.map((t) => t.action)).toEqual(['register', 'sign', 'submitCompletion', 'signOff']);
    const mine = projected.filter((s) => s.id === 'wf-happy');
    expect(mine.map((s) => [s.version, s.status])).toEqual([
      [1, 'assigned'],
      [2, 'signed'],
      [3, 'completion_submitted'],
      [4, 'closed'],
    ]);
  });

  it('rejects an illegal step in the validator, leaving the state and history untouched', async () => {
    const handle = await start('wf-illegal');
    const refusal = await handle
      .executeUpdate(actUpdate, { args: [{ actor: office, command: { type: 'signOff' } }] })
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (refusal as WorkflowUpdateFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('RuleViolation');
    expect(cause.details?.[0]).toMatchObject({ code: 'invalid_state' });
    const state = await handle.query(stateQuery);
    expect(state).toMatchObject({ status: 'assigned', version: 1 });
    // A rejected update leaves no trace in the history: only accepted steps are recorded.
    const history = await handle.fetchHistory();
    const acceptedActs = history.events?.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'act');
    expect(acceptedActs).toEqual([]);
  });

  it('accepts one of two simultaneous sign-ins and refuses the other', async () => {
    const handle = await start('wf-race');
    const sign = () => handle.executeUpdate(actUpdate, { args: [{ actor: water, command: { type: 'sign' } }] }).then(
      (s) => s.status,
      (e: WorkflowUpdateFailedError) => ((e.cause as ApplicationFailure).details?.[0] as { code: string }).code,
    );
    const outcomes = await Promise.all([sign(), sign()]);
    expect(outcomes.sort()).toEqual(['invalid_state', 'signed']);
    expect((await handle.query(stateQuery)).timeline.filter((t) => t.action === 'sign')).toHaveLength(1);
  });

  it('keeps waiting through long silences: a year passes on the test server and the item is still open', async () => {
    const handle = await start('wf-long');
    await env.sleep('365d');
    expect((await handle.query(stateQuery)).status).toBe('assigned');
    const signed = await handle.executeUpdate(actUpdate, { args: [{ actor: water, command: { type: 'sign' } }] });
    expect(signed.status).toBe('signed');
  });
});
