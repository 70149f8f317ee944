import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgFile } from '@duban/api';
import { ASSIGNMENT_WORKFLOW, TASK_LIST_WORKFLOW, assignmentWorkflowId, taskListWorkflowId, type TaskListWorkflowInput } from '@duban/contracts';
import { createTaskListActivities } from '@duban/activities';
import { nextMonth, publishAssignment, shanghaiDate, type Actor } from '@duban/domain';
import { AssignmentReadModel, TaskListRepository } from '@duban/persistence';
import { startStack, type ApiClient, type Stack } from './support/stack.js';
import { until } from './support/until.js';
import { downloadSheet } from './support/xlsx.js';

const PASSWORD = 'Task-lists-2026';
const VILLAGES = Array.from({ length: 30 }, (_, i) => `village-${String(i + 1).padStart(2, '0')}`);

const org: OrgFile = {
  units: [
    { id: 'county', name: '清单县', kind: 'county' },
    { id: 'office', name: '县巩固拓展脱贫攻坚成果工作领导小组办公室', kind: 'office', parent: 'county' },
    { id: 'town-a', name: '甲镇', kind: 'township', parent: 'county' },
    { id: 'town-b', name: '乙镇', kind: 'township', parent: 'county' },
    ...VILLAGES.map((id, i) => ({ id, name: `${i + 1}村`, kind: 'village' as const, parent: i % 2 ? 'town-b' : 'town-a' })),
  ],
  users: [
    { username: 'office', name: '办公室王主任', unit: 'office', roles: ['office'], password: PASSWORD },
    { username: 'leader', name: '李组长', unit: 'county', roles: ['leader'], password: PASSWORD },
    { username: 'town-a', name: '甲镇陈干事', unit: 'town-a', roles: ['unit'], password: PASSWORD },
    { username: 'town-a-zhang', name: '甲镇张三', unit: 'town-a', roles: ['unit'], password: PASSWORD },
    { username: 'town-a-head', name: '甲镇吴镇长', unit: 'town-a', roles: ['unit_leader'], password: PASSWORD },
    { username: 'town-b', name: '乙镇刘干事', unit: 'town-b', roles: ['unit'], password: PASSWORD },
  ],
};

let stack: Stack;
let office: ApiClient;
let leader: ApiClient;
let townA: ApiClient;
let zhang: ApiClient;
let townAHead: ApiClient;
let townB: ApiClient;

const month = shanghaiDate(new Date()).slice(0, 7);
const listId = `TL-${month}`;
const inDays = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000));

beforeAll(async () => {
  stack = await startStack(org);
  const login = (username: string) => stack.api.login(username, PASSWORD);
  [office, leader, townA, zhang, townAHead, townB] = await Promise.all([login('office'), login('leader'), login('town-a'), login('town-a-zhang'), login('town-a-head'), login('town-b')]);
});

afterAll(async () => {
  await stack?.close();
});

describe('a monthly key-task list over HTTP', () => {
  it('refuses a draft with a bad row as a whole, naming the row and field', async () => {
    const unknownUnit = await office.post('/api/task-lists', {
      month,
      items: [
        { title: '更新就业台账', targetUnitKind: 'township', dueKind: 'dayOfMonth', dueDay: 15 },
        { title: '资产管护', targetUnitIds: ['town-c'], dueKind: 'monthEnd' },
      ],
    });
    expect(unknownUnit.status).toBe(400);
    expect(unknownUnit.body.error.details.fields).toEqual([{ field: 'items[1].targetUnitIds', problems: [expect.stringContaining('town-c')] }]);
    const missingDate = await office.post('/api/task-lists', { month, items: [{ title: '台账', targetUnitKind: 'township', dueKind: 'date' }] });
    expect(missingDate.body.error.details.fields[0].field).toBe('items[0].dueDate');
    const badMilestones = await office.post('/api/task-lists', {
      month,
      items: [{ title: '资金支付', targetUnitIds: ['town-a'], dueKind: 'monthEnd', quantity: { metric: '支付进度', unit: '%', target: 100, milestones: [{ date: `${month}-20`, value: 120 }] } }],
    });
    expect(badMilestones.body.error.details.fields[0].field).toBe('items[0].quantity');
    expect((await office.get(`/api/task-lists/${listId}`)).status).toBe(404);
    expect((await townA.post('/api/task-lists', { month, items: [] })).status).toBe(403);
  });

  it('publishes, a township splits and completes its assignment, the office signs off and closes the month with carry-over', async () => {
    const draft = await office.post('/api/task-lists', {
      month,
      items: [
        { title: '更新就业帮扶台账', content: '各乡镇核实并更新本月就业台账', targetUnitKind: 'township', dueKind: 'date', dueDate: inDays(3), onUnfinished: 'carry_over' },
        { title: '村级月度研判复核', targetUnitIds: ['town-b'], dueKind: 'monthEnd', onUnfinished: 'fail' },
      ],
    });
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({ id: listId, status: 'draft', statusLabel: '草稿', items: [{ targetLabel: '各乡（镇）' }, { dueLabel: '当月月底前' }] });

    expect((await office.post(`/api/task-lists/${listId}/publish`, {})).status).toBe(202);
    expect((await office.post(`/api/task-lists/${listId}/publish`, {})).status).toBe(409);
    const all = await until('three assignments', () => office.get(`/api/assignments?listId=${listId}`), (r) => r.body.items.length === 3);
    expect(all.body.items.map((a: { leadUnitId: string; title: string }) => [a.leadUnitId, a.title]).sort()).toEqual([
      ['town-a', '更新就业帮扶台账'],
      ['town-b', '更新就业帮扶台账'],
      ['town-b', '村级月度研判复核'],
    ]);
    const mine = `${listId}.i1.town-a`;

    // Each unit sees its own; another township gets the 404 of an id that does not exist.
    expect((await townB.get(`/api/assignments/${mine}`)).status).toBe(404);
    expect((await townB.get(`/api/assignments?listId=${listId}`)).body.items).toHaveLength(2);
    expect((await leader.get(`/api/assignments/${mine}`)).status).toBe(200);

    const signed = await townA.post(`/api/assignments/${mine}/sign`);
    expect(signed.body).toMatchObject({ status: 'in_progress', allowedActions: expect.arrayContaining(['split', 'submit']) });
    const people = (await stack.database.collection('users').find({ unitId: 'town-a' }).toArray()) as unknown as { _id: string; username: string }[];
    const userId = (username: string) => people.find((p) => p.username === username)!._id;
    const tooLate = await townA.post(`/api/assignments/${mine}/split`, { parts: [{ title: '入户核实', assigneeUserId: userId('town-a-zhang'), dueDate: inDays(30) }] });
    expect(tooLate.status).toBe(400);
    const outsider = await townA.post(`/api/assignments/${mine}/split`, { parts: [{ title: '入户核实', assigneeUserId: 'someone-else', dueDate: inDays(1) }] });
    expect(outsider.body.error.details.fields[0].field).toBe('parts[0].assigneeUserId');
    const split = await townA.post(`/api/assignments/${mine}/split`, {
      parts: [
        { title: '入户核实就业信息', assigneeUserId: userId('town-a-zhang'), dueDate: inDays(1) },
        { title: '录入系统', assigneeUserId: userId('town-a'), dueDate: inDays(2) },
      ],
    });
    expect(split.status).toBe(200);
    expect(split.body.parts.map((p: { assigneeName: string }) => p.assigneeName)).toEqual(['甲镇张三', '甲镇陈干事']);

    // The person sees their part in their own inbox (分解到人).
    const zhangsInbox = await zhang.get('/api/assignments?mine=true');
    expect(zhangsInbox.body.items.map((a: { id: string }) => a.id)).toEqual([mine]);
    const [zhangsPart, ownPart] = split.body.parts as { id: string }[];
    expect((await zhang.post(`/api/assignments/${mine}/parts/${ownPart!.id}/complete`, { summary: '替别人完成' })).status).toBe(403);
    expect((await zhang.post(`/api/assignments/${mine}/parts/${zhangsPart!.id}/complete`, { summary: '已核实 36 户' })).status).toBe(200);
    const early = await townA.post(`/api/assignments/${mine}/submit`, { summary: '已完成' });
    expect(early.status).toBe(400);
    expect(early.body.error.message).toContain('录入系统');
    await townA.post(`/api/assignments/${mine}/parts/${ownPart!.id}/complete`, { summary: '已录入' });
    expect((await townA.post(`/api/assignments/${mine}/submit`, { summary: '台账已更新' })).body.status).toBe('pending_countersign');
    expect((await townA.post(`/api/assignments/${mine}/countersign`, {})).status).toBe(403);
    expect((await townAHead.post(`/api/assignments/${mine}/countersign`, { note: '同意' })).body.status).toBe('pending_acceptance');
    const done = await office.post(`/api/assignments/${mine}/sign-off`, {});
    expect(done.body).toMatchObject({ status: 'done', outcome: 'on_time', statusLabel: '已办结' });
    expect(done.body.timeline.map((e: { actionLabel: string }) => e.actionLabel)).toEqual([
      '清单下发交办',
      '签收',
      '分解到人',
      '完成子任务',
      '完成子任务',
      '报送办结',
      '单位领导审签',
      '验收办结',
    ]);

    // The office closes the month early: town B's open items are carried over or closed as failed, per item.
    expect((await office.post(`/api/task-lists/${listId}/close`)).status).toBe(202);
    await until('the month closed', () => office.get(`/api/task-lists/${listId}`), (r) => r.body.status === 'closed');
    expect((await office.post(`/api/task-lists/${listId}/close`)).status).toBe(409);
    const results = await office.get(`/api/task-lists/${listId}/results`);
    expect(results.body).toEqual({
      closed: true,
      rows: [
        { unitId: 'town-a', unitName: '甲镇', rank: 1, total: 1, onTime: 1, late: 0, carriedOver: 0, failed: 0, onTimeRate: 1 },
        { unitId: 'town-b', unitName: '乙镇', rank: 2, total: 2, onTime: 0, late: 0, carriedOver: 1, failed: 1, onTimeRate: 0 },
      ],
    });
    // The numbers equal the assignments' own states.
    const states = await new AssignmentReadModel(stack.database).ofList(listId);
    expect(states.map((s) => [s.leadUnitId, s.outcome]).sort()).toEqual([
      ['town-a', 'on_time'],
      ['town-b', 'carried_over'],
      ['town-b', 'failed'],
    ]);
    const ledger = await downloadSheet(office, stack.baseUrl, `/api/task-lists/${listId}/ledger`);
    expect(ledger.rows[0]).toContain('分解到人');
    expect(ledger.rows.slice(1).map((r) => [r[3], r[1], r[8], r[12]])).toEqual([
      ['甲镇', '更新就业帮扶台账', '已办结', '按期完成'],
      ['乙镇', '更新就业帮扶台账', '未完成已结转下月', '结转'],
      ['乙镇', '村级月度研判复核', '未完成已关闭', '未完成'],
    ]);
    expect(String(ledger.rows[1]![6])).toContain('入户核实就业信息（甲镇张三');
    expect((await downloadSheet(townA, stack.baseUrl, `/api/task-lists/${listId}/ledger`)).status).toBe(403);
    const next = await office.get(`/api/task-lists/TL-${nextMonth(month)}`);
    expect(next.body).toMatchObject({
      status: 'draft',
      items: [{ title: '【结转】更新就业帮扶台账', carriedFrom: `${listId}.i1.town-b`, target: { kind: 'units', unitIds: ['town-b'] }, dueLabel: '当月月底前' }],
    });
    // The office edits next month's draft: the carried item keeps its id and origin, a new one gets a new id.
    const carried = next.body.items[0];
    const edited = await office.put(`/api/task-lists/TL-${nextMonth(month)}`, {
      items: [
        { id: carried.id, title: carried.title, targetUnitIds: ['town-b'], dueKind: 'monthEnd' },
        { title: '召开月度研判会', targetUnitKind: 'township', dueKind: 'lastWorkingDay' },
      ],
    });
    expect(edited.body.items.map((i: { id: string; carriedFrom: string | null }) => [i.id, i.carriedFrom])).toEqual([
      [carried.id, `${listId}.i1.town-b`],
      ['i1', null],
    ]);
    expect((await office.put(`/api/task-lists/TL-${nextMonth(month)}`, { items: [{ id: 'i9', title: 'x', targetUnitKind: 'township', dueKind: 'monthEnd' }] })).body.error.details.fields[0].field).toBe('items[0].id');
  });

  it('schedules publication for the 1st of the list\'s month at 09:00 Shanghai by default, and refuses a bad instant naming publishAt', async () => {
    const later = `${Number(month.slice(0, 4)) + 10}-07`;
    const id = `TL-${later}`;
    expect((await office.post('/api/task-lists', { month: later, items: [{ title: '走访监测户', targetUnitKind: 'township', dueKind: 'monthEnd' }] })).status).toBe(201);
    const publish = (body: Record<string, unknown>) => office.post(`/api/task-lists/${id}/publish`, body);
    for (const publishAt of ['2040-13-01T09:00:00+08:00', '2040-02-30T09:00:00+08:00', 'next monday 9am', `${Number(month.slice(0, 4)) - 1}-01-01T09:00:00+08:00`]) {
      const refused = await publish({ mode: 'scheduled', publishAt });
      expect(refused.status, publishAt).toBe(400);
      expect(refused.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['publishAt']);
    }
    // Nothing was written by the refusals: the list is still a draft and no process runs for it.
    expect((await office.get(`/api/task-lists/${id}`)).body).toMatchObject({ status: 'draft', publishAt: null });
    const handle = stack.temporal.workflow.getHandle(taskListWorkflowId(stack.taskQueue, id));
    await expect(handle.describe()).rejects.toThrow();

    const scheduled = await publish({ mode: 'scheduled' });
    expect(scheduled.status).toBe(202);
    expect(scheduled.body).toMatchObject({ status: 'scheduled', publishAt: `${later}-01T01:00:00.000Z` });
    expect((await new TaskListRepository(stack.database).findById(id))!.publishAt).toBe(`${later}-01T01:00:00.000Z`);
    // The list's process waits for that instant: nothing frozen, no assignment started.
    expect(await handle.query('progress')).toMatchObject({ phase: 'scheduled', total: 0, started: 0 });
    expect((await publish({ mode: 'scheduled' })).status).toBe(409);
  });

  it('fans out in batches across continue-as-new: every assignment exactly once', async () => {
    const fanOutList = 'TL-2031-03';
    const office: Actor = { userId: 'u-office', name: '办公室王主任', unitId: 'office', roles: ['office'] };
    await new TaskListRepository(stack.database).insert({
      _id: fanOutList,
      month: '2031-03',
      title: '2031年3月重点工作清单',
      issuingUnitId: 'office',
      status: 'scheduled',
      items: ['走访监测户', '更新资产台账', '召开月度研判会', '核实就业信息'].map((title, i) => ({
        id: `i${i + 1}`,
        title,
        content: '',
        target: { kind: 'unitKind', unitKind: 'village' },
        coUnitIds: [],
        due: { kind: 'dayOfMonth', day: 15 + i },
        onUnfinished: 'carry_over',
        quantity: null,
        carriedFrom: null,
        templateId: null,
      })),
      publishAt: null,
      published: null,
      closed: null,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    });
    const input: TaskListWorkflowInput = { listId: fanOutList, publishedBy: office, batchSize: 7, continueAsNewAfterEvents: 25 };
    const handle = await stack.temporal.workflow.start(TASK_LIST_WORKFLOW, { taskQueue: stack.taskQueue, workflowId: taskListWorkflowId(stack.taskQueue, fanOutList), args: [input] });
    const assignments = new AssignmentReadModel(stack.database);
    await until('120 assignments', () => assignments.countOfList(fanOutList), (n) => n >= 120);
    const progress = await until('fan-out done', () => handle.query('progress') as Promise<{ phase: string; started: number }>, (p) => p.phase === 'published');
    expect(progress.started).toBe(120);
    const ids = (await assignments.ofList(fanOutList)).map((a) => a._id);
    expect(new Set(ids).size).toBe(120);
    expect(ids).toHaveLength(120);
    // 18 batches do not fit in 25 events: the list continued as new on the way.
    const runs = await stack.temporal.workflow.count(`WorkflowId = '${taskListWorkflowId(stack.taskQueue, fanOutList)}'`);
    expect(runs.count).toBeGreaterThan(1);
  });
});

describe('escalation of an overdue assignment', () => {
  it('queues it for the leader at level 2 and lets the leader give a new deadline', async () => {
    const publishedBy: Actor = { userId: 'u-office', name: '办公室王主任', unitId: 'office', roles: ['office'] };
    const spec = {
      id: 'TL-2026-01.i9.town-b',
      listId: 'TL-2026-01',
      listTitle: '2026年1月重点工作清单',
      month: '2026-01',
      itemId: 'i9',
      title: '补录监测户信息',
      content: '',
      leadUnitId: 'town-b',
      coUnitIds: [],
      dueAt: '2026-01-09T15:59:59.999Z',
      onUnfinished: 'carry_over' as const,
      carriedFrom: null,
      quantity: null,
    };
    // Published long ago and never signed: every rung of the ladder is already due.
    await stack.temporal.workflow.start(ASSIGNMENT_WORKFLOW, { taskQueue: stack.taskQueue, workflowId: assignmentWorkflowId(stack.taskQueue, spec.id), args: [{ spec, publishedBy }] });
    const queue = await until('level 2', () => leader.get('/api/assignments/escalations?level=2'), (r) => r.body.items?.length === 1);
    expect(queue.body.items[0]).toMatchObject({ id: spec.id, light: 'red', escalation: { level: 2, accountability: true, handled: null }, allowedActions: ['handleEscalation', 'urge'] });
    expect((await townB.get('/api/assignments/escalations?level=2')).status).toBe(403);
    expect((await townB.post(`/api/assignments/${spec.id}/escalation`, { action: 'urge', note: '自己处理' })).status).toBe(403);
    const extended = await leader.post(`/api/assignments/${spec.id}/escalation`, { action: 'extend', note: '给予最后期限', newDueDate: inDays(7) });
    expect(extended.body).toMatchObject({ escalation: { level: 0, accountability: true }, dueDate: inDays(7) });
    expect(extended.body.notices.map((n: { colour: string }) => n.colour)).toEqual(['blue', 'red']);
    expect((await leader.get('/api/assignments/escalations?level=2')).body.items).toEqual([]);
  });
});

describe('the quarter', () => {
  it('closes with its review when its last month closes: three months per unit (季度盘点)', async () => {
    const lists = new TaskListRepository(stack.database);
    const row = (unitId: string, onTime: number, failed: number) => ({ unitId, total: onTime + failed, onTime, late: 0, carriedOver: 0, failed, onTimeRate: onTime / (onTime + failed) });
    const seed = (month: string, closed: ReturnType<typeof row>[] | null) => ({
      _id: `TL-${month}`,
      month,
      title: `${month} 清单`,
      issuingUnitId: 'office',
      status: closed ? ('closed' as const) : ('published' as const),
      items: [],
      publishAt: null,
      published: { at: `${month}-01T01:00:00.000Z`, by: { userId: 'u', name: '办公室', unitId: 'office' }, items: [], total: 0, closeAt: `${month}-28T15:59:59.999Z` },
      closed: closed && { at: `${month}-28T16:00:00.000Z`, results: closed },
      createdAt: `${month}-01T00:00:00.000Z`,
      updatedAt: `${month}-01T00:00:00.000Z`,
    });
    await lists.insert(seed('2025-10', [row('town-a', 2, 0), row('town-b', 1, 1)]));
    await lists.insert(seed('2025-11', [row('town-a', 1, 1)]));
    await lists.insert(seed('2025-12', null));
    // December's own assignments, as their processes leave them at the close.
    const publishedBy: Actor = { userId: 'u-office', name: '办公室王主任', unitId: 'office', roles: ['office'] };
    const readModel = new AssignmentReadModel(stack.database);
    for (const [unit, outcome] of [['town-a', 'on_time'], ['town-b', 'failed']] as const) {
      const state = publishAssignment(
        { id: `TL-2025-12.i1.${unit}`, listId: 'TL-2025-12', listTitle: '', month: '2025-12', itemId: 'i1', title: '走访', content: '', leadUnitId: unit, coUnitIds: [], dueAt: '2025-12-15T15:59:59.999Z', onUnfinished: 'fail', carriedFrom: null, quantity: null },
        publishedBy,
        '2025-12-01T01:00:00.000Z',
      );
      await readModel.project({ ...state, status: outcome === 'on_time' ? 'done' : 'failed', outcome, version: 2 }, [unit, 'county']);
    }
    const activities = createTaskListActivities({ connection: stack.database, client: stack.temporal, taskQueue: stack.taskQueue });
    await activities.finishMonthClose({ listId: 'TL-2025-12', at: '2025-12-31T16:00:00.000Z' });
    const december = await lists.findById('TL-2025-12');
    expect(december?.quarterReview).toMatchObject({
      quarter: '2025-Q4',
      months: [
        { month: '2025-10', closed: true },
        { month: '2025-11', closed: true },
        { month: '2025-12', closed: true },
      ],
      results: [
        { unitId: 'town-a', total: 5, onTime: 4, failed: 1 },
        { unitId: 'town-b', total: 3, onTime: 1, failed: 2 },
      ],
    });
  });
});
