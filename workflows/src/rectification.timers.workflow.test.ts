import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { RECTIFICATION_WORKFLOW, actUpdate, stateQuery } from '@duban/contracts';
import { light, type Actor, type RectificationCommand, type RectificationState } from '@duban/domain';
import { automaticSteps, firedAt, leader, office, startHarness, water, type Harness } from './testing/harness.js';
import { recordHistory } from './testing/histories.js';

// The test server's clock starts on Friday 2024-09-27, 10:00 in Shanghai: the week before the 2024
// National Day holiday (10-01 … 10-07 off; Sunday 09-29 and Saturday 10-12 are make-up working days),
// straight from the chinese-days package. Each test gets its own server, so each starts on that Friday.
let harness: Harness;

beforeEach(async () => {
  harness = await startHarness({ taskQueue: 'rect-timers', startAt: '2024-09-27 02:00:00' });
});

afterEach(async () => {
  await harness?.close();
});

type Handle = Awaited<ReturnType<Harness['start']>>;
const act = (handle: Handle, actor: Actor, command: RectificationCommand) => handle.executeUpdate(actUpdate, { args: [{ actor, command }] });
const state = (handle: Handle) => handle.query(stateQuery);
const dueOn = (date: string) => new Date(Date.parse(`${date}T00:00:00+08:00`) + 86_400_000 - 1).toISOString();

/** Expects the process's own steps to be exactly `expected`, each fired at its instant. */
function expectSteps(current: RectificationState, expected: [string, string][]) {
  const steps = automaticSteps(current);
  expect(steps.map(([action]) => action)).toEqual(expected.map(([action]) => action));
  steps.forEach(([action, at], i) => expect(firedAt(at, expected[i]![1]), `${action} fired at ${at}, expected ${expected[i]![1]}`).toBe(true));
}

describe('timers on working days across the 2024 National Day holiday', () => {
  it('chases an item nobody signs: reminder → blue → red → level 1 → level 2, each on its working-day boundary', async () => {
    const handle = await harness.start('nd-unsigned', { dueAt: dueOn('2024-10-09') });
    await harness.env.sleep('40 days');
    const current = await state(handle);
    expectSteps(current, [
      ['signInDueToday', '2024-09-29T01:00:00.000Z'], // 09:00 on the day sign-in falls due
      ['signInReminder', '2024-09-29T15:59:59.999Z'], // 1 working day after Friday: the make-up Sunday
      ['blueNotice', '2024-09-29T16:00:00.000Z'], // 3 working days left (09-30, 10-08, 10-09): from the start of 09-30
      ['overdue', '2024-10-09T16:00:00.000Z'], // the first instant after the due day
      ['escalate1', '2024-10-12T15:59:59.999Z'], // 3 working days on: 10-10, 10-11, the make-up Saturday 10-12
      ['escalate2', '2024-10-22T15:59:59.999Z'], // 10 working days on
    ]);
    expect(current.escalation).toMatchObject({ level: 2, accountability: true });
    await recordHistory(handle, 'rectification-unsigned-escalated');
    expect(current.notices.map((n) => [n.colour, n.reason])).toEqual([
      ['blue', '距整改时限不足3个工作日'],
      ['red', '已超过整改时限仍未整改到位'],
    ]);
    // Assignment, the deadline-day and the sign-in reminders reach the unit; the red notice the unit, its leader and the office; level 2 the leader.
    const sent = harness.recorded.notifications.filter((n) => n.subject.id === 'nd-unsigned');
    expect(sent.map((n) => [n.level, n.audience.join('+')])).toEqual([
      ['info', 'handlers+unit_leaders'],
      ['info', 'handlers+unit_leaders'],
      ['info', 'handlers+unit_leaders'],
      ['blue', 'handlers+unit_leaders'],
      ['red', 'handlers+unit_leaders+office'],
      ['red', 'office+unit_leaders'],
      ['red', 'leaders+office+unit_leaders'],
    ]);
    expect(light(current, new Date(current.timeline.at(-1)!.at))).toBe('red');
  });

  it('turns blue with three working days left when the due day is a Sunday', async () => {
    const handle = await harness.start('nd-due-sunday', { dueAt: dueOn('2024-10-20') });
    await harness.env.sleep('40 days');
    expectSteps(await state(handle), [
      ['signInDueToday', '2024-09-29T01:00:00.000Z'],
      ['signInReminder', '2024-09-29T15:59:59.999Z'],
      ['blueNotice', '2024-10-15T16:00:00.000Z'], // 3 working days left (10-16, 10-17, 10-18): from the start of Wednesday
      ['overdue', '2024-10-20T16:00:00.000Z'],
      ['escalate1', '2024-10-23T15:59:59.999Z'], // 3 working days on: 10-21, 10-22, 10-23
      ['escalate2', '2024-11-01T15:59:59.999Z'], // 10 working days on
    ]);
    // Recorded after the blue-reckoning and assignment-notice patches: replay covers both new paths.
    await recordHistory(handle, 'rectification-blue-rest-day-assignment-notices');
  });

  it('moves every later timer when an extension is approved', async () => {
    const handle = await harness.start('nd-extended', { dueAt: dueOn('2024-10-09') });
    await act(handle, water, { type: 'sign' });
    await act(handle, water, { type: 'requestExtension', reason: '国庆期间无法施工', newDueDate: '2024-10-31' });
    await act(handle, office, { type: 'decideExtension', approve: true, note: '同意' });
    await harness.env.sleep('50 days');
    expectSteps(await state(handle), [
      ['planDueToday', '2024-10-10T01:00:00.000Z'],
      ['planReminder', '2024-10-10T15:59:59.999Z'], // 5 working days after signing on Friday 09-27: 09-29, 09-30, 10-08, 10-09, 10-10
      ['blueNotice', '2024-10-28T16:00:00.000Z'], // new due 10-31: from the start of 10-29
      ['overdue', '2024-10-31T16:00:00.000Z'],
      ['escalate1', '2024-11-05T15:59:59.999Z'], // 11-01, 11-04, 11-05
      ['escalate2', '2024-11-14T15:59:59.999Z'],
    ]);
    await recordHistory(handle, 'rectification-extended');
  });

  it('turns yellow with a yellow notice on the second return, and green again cannot come back before a fresh report', async () => {
    const handle = await harness.start('nd-returned', { dueAt: dueOn('2024-12-31') });
    await act(handle, water, { type: 'sign' });
    await act(handle, water, { type: 'submitPlan', measures: '改造管网', targetDate: '2024-12-20', responsiblePerson: '张三' });
    await act(handle, office, { type: 'returnPlan', reason: '措施不具体' });
    const once = await state(handle);
    expect(light(once, new Date(once.timeline.at(-1)!.at))).toBe('green');
    await act(handle, water, { type: 'submitPlan', measures: '改造管网，新建蓄水池', targetDate: '2024-12-20', responsiblePerson: '张三' });
    await act(handle, office, { type: 'approvePlan' });
    await act(handle, water, { type: 'submitCompletion', summary: '已完工' });
    const twice = await act(handle, office, { type: 'returnCompletion', reason: '未提供水质检测报告' });
    expect(twice.returns).toBe(2);
    expect(light(twice, new Date(twice.timeline.at(-1)!.at))).toBe('yellow');
    expect(twice.notices.map((n) => n.colour)).toEqual(['yellow']);
    await recordHistory(handle, 'rectification-returned-twice');
  });

  it('reminds the unit on the morning sign-in and the plan fall due, and not for a step it has taken', async () => {
    const slow = await harness.start('nd-due-today', { dueAt: dueOn('2024-12-31') });
    const prompt = await harness.start('nd-signed-at-once', { dueAt: dueOn('2024-12-31') });
    await act(prompt, water, { type: 'sign' });
    await act(prompt, water, { type: 'submitPlan', measures: '改造管网', targetDate: '2024-12-20', responsiblePerson: '张三' });
    await harness.env.sleep('2 days'); // Sunday 09-29 10:00, a make-up working day: sign-in falls due today
    expectSteps(await state(slow), [['signInDueToday', '2024-09-29T01:00:00.000Z']]);
    await act(slow, water, { type: 'sign' }); // the plan is due 5 working days on: 09-30, 10-08, 10-09, 10-10, 10-11
    await harness.env.sleep('13 days'); // to Saturday 10-12 10:00
    expectSteps(await state(slow), [
      ['signInDueToday', '2024-09-29T01:00:00.000Z'],
      ['planDueToday', '2024-10-11T01:00:00.000Z'],
      ['planReminder', '2024-10-11T15:59:59.999Z'],
    ]);
    const told = harness.recorded.notifications.filter((n) => n.subject.id === 'nd-due-today' && n.title.includes('今天'));
    expect(told.map((n) => [n.title, n.body, n.audience])).toEqual([
      ['“饮水安全问题 nd-due-today”今天签收到期', '该问题已交办，签收时限为今天（2024-09-29），请及时签收。', ['handlers', 'unit_leaders']],
      ['“饮水安全问题 nd-due-today”今天须报送整改方案', '报送整改方案的时限为今天（2024-10-11），请及时报送整改措施、整改时限和整改责任人。', ['handlers', 'unit_leaders']],
    ]);
    expectSteps(await state(prompt), []);
    await recordHistory(slow, 'rectification-deadline-day-reminders');
  });

  it('stops overdue escalation while deferred but keeps the review reminder', async () => {
    const handle = await harness.start('nd-deferred', { dueAt: dueOn('2024-10-09') });
    await act(handle, water, { type: 'sign' });
    await act(handle, office, { type: 'defer', reason: '需待省级饮水工程项目立项', reviewDate: '2024-10-20' });
    await harness.env.sleep('40 days');
    const current = await state(handle);
    expectSteps(current, [['deferralReview', '2024-10-19T16:00:00.000Z']]);
    await recordHistory(handle, 'rectification-deferred');
    expect(current.escalation.level).toBe(0);
    expect(current.notices).toEqual([]);
    expect(light(current, new Date())).toBeNull();
  });

  it('sends a level-1 item to the office queue and lets the leader settle level 2 with a new deadline', async () => {
    const handle = await harness.start('nd-handled', { dueAt: dueOn('2024-10-09') });
    await act(handle, water, { type: 'sign' });
    await harness.env.sleep('16 days'); // past level 1 (10-12), before level 2 (10-22)
    expect((await state(handle)).escalation).toMatchObject({ level: 1, handled: null });
    await act(handle, office, { type: 'handleEscalation', action: 'interview', note: '约谈水利局负责人' });
    await harness.env.sleep('12 days'); // past level 2
    expect((await state(handle)).escalation).toMatchObject({ level: 2, accountability: true, handled: null });
    const extended = await act(handle, leader, { type: 'handleEscalation', action: 'extend', note: '给予最后期限', newDueDate: '2024-11-29' });
    expect(extended.escalation).toMatchObject({ level: 0, accountability: true });
    expect(light(extended, new Date(extended.timeline.at(-1)!.at))).toBe('green');
    await recordHistory(handle, 'rectification-escalation-handled');
  });
});

describe('a long-lived item', () => {
  it('goes through 24 monthly progress cycles, continuing as new on the way, and still closes', async () => {
    const handle = await harness.start('long-lived', { dueAt: dueOn('2026-12-31') }, { continueAsNewAfterEvents: 120 });
    const firstRun = (await handle.describe()).runId;
    await act(handle, water, { type: 'sign' });
    await act(handle, water, { type: 'submitPlan', measures: '分期改造全县供水管网', targetDate: '2026-12-15', responsiblePerson: '张三' });
    await act(handle, office, { type: 'approvePlan' });

    for (let month = 1; month <= 24; month++) {
      await harness.env.sleep('27 days'); // within a calendar month, even from late January
      const before = await state(handle);
      expect(before.missedProgress, `month ${month}`).toBe(false);
      await act(handle, water, { type: 'reportProgress', summary: `第${month}个月：完成管网改造 ${month * 4}%` });
    }

    const current = await state(handle);
    expect(current.timeline.filter((e) => e.action === 'reportProgress')).toHaveLength(24);
    expect(current.notices).toEqual([]);
    // The first run handed over to a new one; the current run's history stays short.
    expect((await harness.client.workflow.getHandle('rect:long-lived', firstRun).describe()).status.name).toBe('CONTINUED_AS_NEW');
    expect((await handle.describe()).runId).not.toBe(firstRun);
    expect((await handle.fetchHistory()).events!.length).toBeLessThan(200);

    // A month without a report turns it yellow; the next report clears it.
    await harness.env.sleep('35 days');
    expect((await state(handle)).missedProgress).toBe(true);
    await act(handle, water, { type: 'reportProgress', summary: '补报进展' });
    await act(handle, water, { type: 'submitCompletion', summary: '全部完工' });
    const closed = await act(handle, office, { type: 'signOff' });
    expect(closed).toMatchObject({ status: 'closed', missedProgress: false });
    expect(closed.notices.map((n) => n.colour)).toEqual(['yellow']);
    await recordHistory(handle, 'rectification-long-lived-after-continue-as-new');
  });
});

describe('a reopened item (failed look-back, 回头看)', () => {
  it('escalates again from zero on its new deadline, in a new run, up to the leader', async () => {
    const handle = await harness.start('nd-reopened', { dueAt: dueOn('2024-10-31') });
    await act(handle, water, { type: 'sign' });
    await act(handle, water, { type: 'submitPlan', measures: '接通管网', targetDate: '2024-10-20', responsiblePerson: '张三' });
    await act(handle, office, { type: 'approvePlan' });
    await act(handle, water, { type: 'submitCompletion', summary: '已通水' });
    const closed = await act(handle, office, { type: 'signOff' });
    expect(closed.status).toBe('closed');

    // The look-back fails the same afternoon: reopened with a deadline right after the holiday, as the API does it.
    const reopened = await harness.client.workflow.executeUpdateWithStart(actUpdate, {
      args: [{ actor: office, command: { type: 'reopen', reason: '回头看发现仍有一户未通水', newDueDate: '2024-10-09' } }],
      startWorkflowOperation: new WithStartWorkflowOperation(RECTIFICATION_WORKFLOW, {
        workflowId: 'rect:nd-reopened',
        taskQueue: 'rect-timers',
        args: [{ item: closed, registeredBy: office, carried: closed }],
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      }),
    });
    expect(reopened).toMatchObject({ status: 'rectifying', escalation: { level: 0 } });
    await harness.env.sleep('30 days');
    const current = await harness.client.workflow.getHandle('rect:nd-reopened').query(stateQuery);
    const afterReopen = current.timeline.slice(current.timeline.findIndex((e) => e.action === 'reopen') + 1).filter((e) => e.actor === null);
    expect(afterReopen.map((e) => e.action)).toEqual(['blueNotice', 'overdue', 'escalate1', 'escalate2']);
    expect(firedAt(afterReopen[2]!.at, '2024-10-12T15:59:59.999Z')).toBe(true);
    expect(current.notices.map((n) => n.colour)).toEqual(['red', 'blue', 'red']);
    expect(current.escalation).toMatchObject({ level: 2, accountability: true });
    expect(light(current, new Date(current.timeline.at(-1)!.at))).toBe('red');
  });
});
