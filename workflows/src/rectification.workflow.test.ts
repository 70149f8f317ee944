import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECTIFICATION_WORKFLOW, actUpdate, stateQuery } from '@duban/contracts';
import { shanghaiDate, type Actor, type RectificationCommand } from '@duban/domain';
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
      '新交办整改问题：“饮水安全问题 wf-happy”',
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

  it('collects co-unit parts, goes through two-level review with a return, and reopens as a new run after closing', async () => {
    const health: Actor = { userId: 'u-health', name: '卫健委刘科长', unitId: 'health', roles: ['unit'] };
    const township: Actor = { userId: 'u-town', name: '甲镇陈干事', unitId: 'town-a', roles: ['unit_leader'] };
    const inDays = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000));
    const handle = await harness.start('wf-two-level', { coUnitIds: ['health'], verifierUnitId: 'town-a' });
    await act(handle, water, { type: 'sign' });
    await act(handle, water, { type: 'submitPlan', measures: '接通管网', targetDate: '2029-12-01', responsiblePerson: '张三' });
    await act(handle, office, { type: 'approvePlan' });
    expect(await refusal(act(handle, water, { type: 'submitCompletion', summary: '已完成' }))).toMatchObject({ code: 'invalid_input', message: '配合单位尚未报送承担部分：health' });
    await act(handle, health, { type: 'reportPart', summary: '已核实参保情况' });
    expect((await act(handle, water, { type: 'submitCompletion', summary: '已完成' })).status).toBe('pending_verification');
    expect(await refusal(act(handle, office, { type: 'signOff' }))).toMatchObject({ code: 'invalid_state' });
    expect((await act(handle, township, { type: 'returnCompletion', reason: '现场仍有一户未通水' })).status).toBe('rectifying');
    await act(handle, water, { type: 'submitCompletion', summary: '全部通水' });
    expect((await act(handle, township, { type: 'verify', note: '乡镇初验通过' })).status).toBe('pending_acceptance');
    const closed = await act(handle, office, { type: 'signOff' });
    expect(closed).toMatchObject({ status: 'closed', returns: 1 });
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    // The verifier unit was told each time the item came to it for verification (初验).
    const toVerifier = harness.recorded.notifications.filter((n) => n.subject.id === 'wf-two-level' && n.unitId === 'town-a');
    expect(toVerifier.map((n) => [n.title, n.audience])).toEqual([
      ['“饮水安全问题 wf-two-level”已报送整改完成，待初验', ['handlers', 'unit_leaders']],
      ['“饮水安全问题 wf-two-level”已报送整改完成，待初验', ['handlers', 'unit_leaders']],
    ]);
    await recordHistory(handle, 'rectification-verifier-told');

    // Reopening starts a new run from the closed state, the way the API does after a failed look-back.
    const reopened = await harness.client.workflow.executeUpdateWithStart(actUpdate, {
      args: [{ actor: office, command: { type: 'reopen', reason: '回头看发现反弹', newDueDate: inDays(20) } }],
      startWorkflowOperation: new WithStartWorkflowOperation(RECTIFICATION_WORKFLOW, {
        workflowId: 'rect:wf-two-level',
        taskQueue: 'rect-lifecycle',
        args: [{ item: closed, registeredBy: office, carried: closed }],
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      }),
    });
    expect(reopened).toMatchObject({ status: 'rectifying', closedAt: null, escalation: { level: 0 } });
    expect(reopened.notices.map((n) => n.colour)).toEqual(['red']);
    expect(reopened.timeline.map((t) => t.action).slice(-2)).toEqual(['signOff', 'reopen']);
    const current = await harness.client.workflow.getHandle('rect:wf-two-level').query(stateQuery);
    expect(current.schedule.level1At).not.toBeNull();
  });
});
