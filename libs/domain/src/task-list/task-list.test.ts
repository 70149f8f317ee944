import { describe, expect, it } from 'vitest';
import type { Actor } from '../actor.js';
import { shiftKey } from '../supervision/deadline.js';
import type { AssignmentSpec, AssignmentState } from './assignment.js';
import { allowedAssignmentActions, decideAssignment, publishAssignment } from './assignment-lifecycle.js';
import { assignmentLight, assignmentScheduleShifts, buildAssignmentSchedule, fireAssignment, nextAssignmentTimer, pendingAssignmentTimers } from './assignment-timers.js';
import { dueDateFor, lastWorkingDayShift, nextMonth } from './due-rule.js';
import { expectedValue, lagStartsAt, milestonesProblem, type Quantity } from './quantity.js';
import { assignmentSpecs, carryOverItem, expandTarget, freezeItem, rankUnits, summarizeOutcomes, sumResults, type TaskListItem } from './task-list.js';

const office: Actor = { userId: 'o', name: '区农办', unitId: 'office', roles: ['office'] };
const handler: Actor = { userId: 'h', name: '镇经办人', unitId: 'town-a', roles: ['unit'] };
const boss: Actor = { userId: 'b', name: '镇长', unitId: 'town-a', roles: ['unit_leader'] };
const person: Actor = { userId: 'p', name: '李四', unitId: 'town-a', roles: ['unit'] };
const stranger: Actor = { userId: 'x', name: '他镇', unitId: 'town-b', roles: ['unit'] };

const spec = (overrides: Partial<AssignmentSpec> = {}): AssignmentSpec => ({
  id: 'TL-2026-12.i1.town-a',
  listId: 'TL-2026-12',
  listTitle: '2026年12月重点工作清单',
  month: '2026-12',
  itemId: 'i1',
  title: '更新就业台账',
  content: '各村15日前更新就业台账',
  leadUnitId: 'town-a',
  coUnitIds: [],
  dueAt: '2026-12-15T15:59:59.999Z',
  onUnfinished: 'carry_over',
  carriedFrom: null,
  quantity: null,
  ...overrides,
});

const at = (date: string, time = '10:00') => new Date(`${date}T${time}:00+08:00`).toISOString();

/** Every working-day question answered as if every day were a working day (calendar arithmetic only). */
function scheduled(state: AssignmentState): AssignmentState {
  const answers = Object.fromEntries(
    assignmentScheduleShifts(state).map((s) => {
      const d = new Date(`${s.date}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() + s.offset);
      return [shiftKey(s), d.toISOString().slice(0, 10)];
    }),
  );
  return { ...state, schedule: buildAssignmentSchedule(state, answers) };
}

function step(state: AssignmentState, actor: Actor, command: Parameters<typeof decideAssignment>[1], when: string): AssignmentState {
  const decision = decideAssignment(state, command, actor, when);
  if (!decision.ok) throw new Error(decision.violation.message);
  return scheduled(decision.value.state);
}

describe('due rules', () => {
  it('resolves day N, month end and the last working day of the month', () => {
    expect(dueDateFor({ kind: 'dayOfMonth', day: 15 }, '2026-12')).toBe('2026-12-15');
    expect(dueDateFor({ kind: 'dayOfMonth', day: 31 }, '2027-02')).toBe('2027-02-28');
    expect(dueDateFor({ kind: 'monthEnd' }, '2028-02')).toBe('2028-02-29');
    expect(lastWorkingDayShift('2026-12')).toEqual({ date: '2027-01-01', offset: -1 });
    expect(dueDateFor({ kind: 'lastWorkingDay' }, '2026-12', '2026-12-31')).toBe('2026-12-31');
    expect(nextMonth('2026-12')).toBe('2027-01');
  });
});

describe('publishing', () => {
  const item: TaskListItem = {
    id: 'i1',
    title: '更新就业台账',
    content: '',
    target: { kind: 'unitKind', unitKind: 'township' },
    coUnitIds: ['hrss'],
    due: { kind: 'dayOfMonth', day: 25 },
    onUnfinished: 'fail',
    quantity: null,
    carriedFrom: null,
    templateId: null,
  };
  it('expands "every township" to one assignment per township, due at the end of the resolved day', () => {
    const units = expandTarget(item.target, (kind) => (kind === 'township' ? ['town-b', 'town-a', 'town-b'] : []));
    const specs = assignmentSpecs({ id: 'L', title: 'T', month: '2026-12', items: [freezeItem(item, '2026-12', units, '2026-12-31')] });
    expect(specs.map((s) => [s.id, s.leadUnitId, s.dueAt, s.coUnitIds])).toEqual([
      ['L.i1.town-a', 'town-a', '2026-12-25T15:59:59.999Z', ['hrss']],
      ['L.i1.town-b', 'town-b', '2026-12-25T15:59:59.999Z', ['hrss']],
    ]);
  });
});

describe('an assignment split to people', () => {
  const published = scheduled(publishAssignment(spec(), office, at('2026-12-01', '09:00')));
  const signed = step(published, handler, { type: 'sign' }, at('2026-12-01'));
  const split = step(
    signed,
    handler,
    {
      type: 'split',
      parts: [
        { title: '入户核实', assigneeUserId: 'p', assigneeName: '李四', dueDate: '2026-12-10' },
        { title: '录入系统', assigneeUserId: 'h', assigneeName: '王五', dueDate: '2026-12-14' },
      ],
    },
    at('2026-12-01'),
  );

  it('refuses a part due after the unit’s own deadline', () => {
    const decision = decideAssignment(signed, { type: 'split', parts: [{ title: 'x', assigneeUserId: 'p', assigneeName: '李四', dueDate: '2026-12-16' }] }, handler, at('2026-12-01'));
    expect(decision.ok || decision.violation).toMatchObject({ code: 'invalid_input', message: expect.stringContaining('2026-12-15') });
  });

  it('lets each person complete only their own part; the unit cannot submit until all are done', () => {
    const [first, second] = split.parts;
    expect(allowedAssignmentActions(split, person)).toContain('completePart');
    expect(allowedAssignmentActions(split, stranger)).toEqual([]);
    expect(decideAssignment(split, { type: 'completePart', partId: second!.id, summary: '完成' }, person, at('2026-12-05'))).toMatchObject({ ok: false, violation: { code: 'not_permitted' } });
    const one = step(split, person, { type: 'completePart', partId: first!.id, summary: '已核实12户' }, at('2026-12-05'));
    expect(decideAssignment(one, { type: 'submit', summary: '完成' }, handler, at('2026-12-06'))).toMatchObject({ ok: false, violation: { message: expect.stringContaining('录入系统') } });
    const both = step(one, handler, { type: 'completePart', partId: second!.id, summary: '已录入' }, at('2026-12-06'));
    const submitted = step(both, handler, { type: 'submit', summary: '全部完成' }, at('2026-12-06'));
    expect(submitted.status).toBe('pending_countersign');
    expect(allowedAssignmentActions(submitted, handler)).toEqual([]);
    const countersigned = step(submitted, boss, { type: 'countersign' }, at('2026-12-07'));
    const done = step(countersigned, office, { type: 'signOff' }, at('2026-12-16'));
    expect([done.status, done.outcome]).toEqual(['done', 'late']);
  });

  it('warns when a part passes its own deadline', () => {
    const timers = pendingAssignmentTimers(split).filter((t) => t.kind === 'partOverdue');
    expect(timers.map((t) => t.at)).toEqual(['2026-12-10T16:00:00.000Z', '2026-12-14T16:00:00.000Z']);
    const fired = fireAssignment(split, timers[0]!, timers[0]!.at);
    expect(fired.effects[0]).toMatchObject({ kind: 'notify', title: expect.stringContaining('入户核实'), body: expect.stringContaining('李四') });
  });

  it('month-end close carries an open assignment over or fails it, per item', () => {
    expect(step(split, office, { type: 'closeMonth' }, at('2026-12-31', '18:00'))).toMatchObject({ status: 'carried_over', outcome: 'carried_over' });
    const failing = { ...split, onUnfinished: 'fail' as const };
    expect(step(failing, office, { type: 'closeMonth' }, at('2026-12-31', '18:00'))).toMatchObject({ status: 'failed', outcome: 'failed' });
    const item = carryOverItem(split);
    expect(item).toMatchObject({ title: '【结转】更新就业台账', carriedFrom: split.id, target: { kind: 'units', unitIds: ['town-a'] }, due: { kind: 'monthEnd' } });
  });
});

describe('a quantified item (资金支付进度 ≥ 50% by 06-30, ≥ 75% by 09-30)', () => {
  const quantity = { metric: '资金支付进度', unit: '%', baseline: 0, target: 100, milestones: [{ date: '2027-06-30', value: 50 }, { date: '2027-09-30', value: 75 }, { date: '2027-12-31', value: 100 }] };
  const published = scheduled(publishAssignment(spec({ dueAt: '2027-12-31T15:59:59.999Z', quantity }), office, at('2027-01-01', '00:00')));
  const running = step(published, handler, { type: 'sign' }, at('2027-01-01', '00:00'));

  it('checks milestones and interpolates the expected value between them', () => {
    expect(milestonesProblem(100, 0, [{ date: '2027-09-30', value: 75 }, { date: '2027-06-30', value: 50 }])).toMatch(/先后/);
    const q = running.quantity as Quantity;
    expect(expectedValue(q, q.baselineAt)).toBe(0);
    expect(expectedValue(q, '2027-06-30T15:59:59.999Z')).toBeCloseTo(50, 6);
    expect(expectedValue(q, '2028-03-01T00:00:00Z')).toBe(100);
  });

  it('turns yellow when the value lags the schedule by more than 10 points, and a report moves the check', () => {
    const lag = nextAssignmentTimer(running)!;
    expect(lag.kind).toBe('lagging');
    const q = running.quantity as Quantity;
    expect(expectedValue(q, lag.at)).toBeGreaterThan(10);
    expect(expectedValue(q, new Date(Date.parse(lag.at) - 1000).toISOString())).toBeLessThanOrEqual(10);
    const lagging = scheduled(fireAssignment(running, lag, lag.at).state);
    expect(assignmentLight(lagging, new Date(lag.at))).toBe('yellow');
    const reported = step(lagging, handler, { type: 'reportValue', value: 30 }, lag.at);
    expect(assignmentLight(reported, new Date(lag.at))).toBe('green');
    expect(Date.parse(lagStartsAt(reported.quantity!, 10, lag.at)!)).toBeGreaterThan(Date.parse(lag.at));
  });

  it('turns red when a milestone date passes unmet, until the value reaches it', () => {
    const onTrack = step(running, handler, { type: 'reportValue', value: 45 }, at('2027-06-20'));
    const missed = pendingAssignmentTimers(onTrack).find((t) => t.kind === 'milestoneMissed')!;
    expect(missed.at).toBe('2027-06-30T16:00:00.000Z');
    const fired = fireAssignment(onTrack, missed, missed.at);
    expect(fired.effects[0]).toMatchObject({ kind: 'notice', colour: 'red', reason: expect.stringContaining('2027-06-30') });
    const red = scheduled(fired.state);
    expect(assignmentLight(red, new Date(missed.at))).toBe('red');
    const caughtUp = step(red, handler, { type: 'reportValue', value: 52 }, at('2027-07-02'));
    expect(assignmentLight(caughtUp, new Date(at('2027-07-02')))).toBe('green');
    expect(decideAssignment(caughtUp, { type: 'submit', summary: '完成' }, handler, at('2027-07-02'))).toMatchObject({ ok: false, violation: { message: expect.stringContaining('目标值') } });
  });
});

describe('escalation of an assignment', () => {
  it('is handled by the office at level 1 and moves the deadline on extension, as for rectification items', () => {
    const published = scheduled(publishAssignment(spec(), office, at('2026-12-01', '09:00')));
    expect(decideAssignment(published, { type: 'handleEscalation', action: 'urge', note: '催办' }, office, at('2026-12-02'))).toMatchObject({
      ok: false,
      violation: { code: 'invalid_state' },
    });
    const escalated: AssignmentState = { ...published, escalation: { level: 1, since: at('2026-12-18'), accountability: false, handled: null } };
    expect(allowedAssignmentActions(escalated, office)).toContain('handleEscalation');
    expect(decideAssignment(escalated, { type: 'handleEscalation', action: 'urge', note: '催办' }, handler, at('2026-12-19'))).toMatchObject({ ok: false, violation: { code: 'not_permitted' } });
    const extended = step(escalated, office, { type: 'handleEscalation', action: 'extend', note: '同意延期', newDueDate: '2026-12-24' }, at('2026-12-19'));
    expect(extended).toMatchObject({ dueAt: '2026-12-24T15:59:59.999Z', escalation: { level: 0, handled: { action: 'extend', note: '同意延期' } } });
  });
});

describe('催办 of an assignment', () => {
  it('is for the office and leaders while the assignment runs, tells the unit and leaves the status as it was', () => {
    const leader: Actor = { userId: 'k', name: '分管领导', unitId: 'county', roles: ['leader'] };
    const published = scheduled(publishAssignment(spec(), office, at('2026-12-01', '09:00')));
    expect(allowedAssignmentActions(published, office)).toContain('urge');
    expect(allowedAssignmentActions(published, handler)).not.toContain('urge');
    expect(decideAssignment(published, { type: 'urge', message: '请尽快签收' }, boss, at('2026-12-02'))).toMatchObject({ ok: false, violation: { code: 'not_permitted' } });
    const urged = decideAssignment(published, { type: 'urge', message: '请尽快签收' }, leader, at('2026-12-02'));
    if (!urged.ok) throw new Error('refused');
    expect(urged.value.state.status).toBe('assigned');
    expect(urged.value.state.timeline.at(-1)).toMatchObject({ action: 'urge', actor: { name: '分管领导' }, note: '请尽快签收' });
    expect(urged.value.effects).toMatchObject([{ kind: 'notify', unitId: 'town-a', audience: ['handlers', 'unit_leaders'], body: '分管领导催办：请尽快签收' }]);
    const done: AssignmentState = { ...published, status: 'done' };
    expect(decideAssignment(done, { type: 'urge', message: '请尽快签收' }, office, at('2026-12-02'))).toMatchObject({
      ok: false,
      violation: { code: 'invalid_state', message: '当前状态为“已办结”，不能催办' },
    });
  });
});

describe('month results', () => {
  it('counts outcomes per unit and ranks by on-time rate', () => {
    const rows = summarizeOutcomes([
      { leadUnitId: 'a', outcome: 'on_time' },
      { leadUnitId: 'a', outcome: 'late' },
      { leadUnitId: 'b', outcome: 'on_time' },
      { leadUnitId: 'b', outcome: 'carried_over' },
      { leadUnitId: 'b', outcome: 'on_time' },
    ]);
    expect(rows).toEqual([
      { unitId: 'a', total: 2, onTime: 1, late: 1, carriedOver: 0, failed: 0, onTimeRate: 0.5 },
      { unitId: 'b', total: 3, onTime: 2, late: 0, carriedOver: 1, failed: 0, onTimeRate: 2 / 3 },
    ]);
    expect(rankUnits(rows).map((r) => [r.unitId, r.rank])).toEqual([['b', 1], ['a', 2]]);
    expect(sumResults([rows, rows]).find((r) => r.unitId === 'a')).toMatchObject({ total: 4, onTime: 2, onTimeRate: 0.5 });
  });
});
