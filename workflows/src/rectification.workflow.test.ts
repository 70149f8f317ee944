import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actUpdate, stateQuery } from '@duban/contracts';
import type { RectificationCommand } from '@duban/domain';
import { office, startHarness, water, type Harness } from './testing/harness.js';
import { recordHistory } from './testing/histories.js';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ taskQueue: 'rect-lifecycle' });
});

afterAll(async () => {
  await harness?.close();
});

const act = (handle: Awaited<ReturnType<Harness['start']>>, actor: typeof office, command: RectificationCommand) =>
  handle.executeUpdate(actUpdate, { args: [{ actor, command }] });

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  return ((error as WorkflowUpdateFailedError).cause as ApplicationFailure).details?.[0] as { code: string; message: string };
};

describe('rectification workflow', () => {
  it('runs register → sign → plan → approve → completion → sign-off, projecting every version once and in order', async () => {
    const handle = await harness.start('wf-happy', { dueAt: '2030-01-01T15:59:59.999Z' });
    await act(handle, water, { type: 'sign' });
    await act(handle, water, { type: 'submitPlan', measures: '接通管网', targetDate: '2029-12-01', responsiblePerson: '张三' });
    await act(handle, office, { type: 'approvePlan' });
    await act(handle, water, { type: 'submitCompletion', summary: '已接通供水' });
    const closed = await act(handle, office, { type: 'signOff' });
    expect(closed.status).toBe('closed');
    const result = await handle.result();
    await recordHistory(handle, 'rectification-full-lifecycle');
    expect(result.timeline.map((t) => t.action)).toEqual(['register', 'sign', 'submitPlan', 'approvePlan', 'submitCompletion', 'signOff']);
    const versions = harness.recorded.projections.filter((s) => s.id === 'wf-happy').map((s) => s.version);
    expect(versions).toEqual([1, 2, 3, 4, 5, 6]);
    expect(harness.recorded.notifications.filter((n) => n.subject.id === 'wf-happy').map((n) => n.title)).toEqual([
      '“饮水安全问题 wf-happy”已报送整改方案',
      '“饮水安全问题 wf-happy”整改方案已审核通过',
      '“饮水安全问题 wf-happy”已报送整改完成',
      '“饮水安全问题 wf-happy”已验收销号',
    ]);
  });

  it('rejects an illegal step in the validator, leaving the state and the history untouched', async () => {
    const handle = await harness.start('wf-illegal');
    expect(await refusal(act(handle, office, { type: 'signOff' }))).toMatchObject({ code: 'invalid_state' });
    expect(await refusal(act(handle, office, { type: 'sign' }))).toMatchObject({ code: 'not_permitted', message: '只有牵头单位可以签收' });
    expect(await handle.query(stateQuery)).toMatchObject({ status: 'assigned', version: 1 });
    const history = await handle.fetchHistory();
    const acceptedActs = history.events?.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'act');
    expect(acceptedActs).toEqual([]);
  });

  it('accepts one of two simultaneous sign-ins and refuses the other', async () => {
    const handle = await harness.start('wf-race');
    const sign = () => act(handle, water, { type: 'sign' }).then((s) => s.status, (e: WorkflowUpdateFailedError) => ((e.cause as ApplicationFailure).details?.[0] as { code: string }).code);
    expect((await Promise.all([sign(), sign()])).sort()).toEqual(['invalid_state', 'signed']);
    expect((await handle.query(stateQuery)).timeline.filter((t) => t.action === 'sign')).toHaveLength(1);
  });

  it('ends a merged duplicate', async () => {
    const handle = await harness.start('wf-merged');
    await act(handle, office, { type: 'merge', intoItemId: 'wf-happy' });
    expect(await handle.result()).toMatchObject({ status: 'merged', mergedInto: 'wf-happy' });
    await recordHistory(handle, 'rectification-merged');
  });
});
