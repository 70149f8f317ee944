import { ScheduleOverlapPolicy, type ScheduleHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgFile } from '@duban/api';
import { scheduleActor, taskListWorkflowId, type MonthlyListIssueResult } from '@duban/contracts';
import { shanghaiMonthOf, templateItemId } from '@duban/domain';
import { AssignmentReadModel, TaskListRepository } from '@duban/persistence';
import { ensureMonthlyTaskListSchedule } from '@duban/worker';
import { startStack, type ApiClient, type Stack } from './support/stack.js';

const PASSWORD = 'Task-templates-2026';
const VILLAGES = ['v1', 'v2', 'v3', 'v4'];

const org: OrgFile = {
  units: [
    { id: 'county', name: '模板县', kind: 'county' },
    { id: 'office', name: '县巩固拓展脱贫攻坚成果工作领导小组办公室', kind: 'office', parent: 'county' },
    { id: 'agri', name: '县农业农村局', kind: 'department', parent: 'county' },
    { id: 'town-a', name: '甲镇', kind: 'township', parent: 'county' },
    { id: 'town-b', name: '乙镇', kind: 'township', parent: 'county' },
    ...VILLAGES.map((id, i) => ({ id, name: `${i + 1}村`, kind: 'village' as const, parent: i < 2 ? 'town-a' : 'town-b' })),
  ],
  users: [
    { username: 'office', name: '办公室王主任', unit: 'office', roles: ['office'], password: PASSWORD },
    { username: 'leader', name: '李组长', unit: 'county', roles: ['leader'], password: PASSWORD },
    { username: 'town-a', name: '甲镇陈干事', unit: 'town-a', roles: ['unit'], password: PASSWORD },
  ],
};

const month = shanghaiMonthOf(new Date());
const m = Number(month.slice(5, 7));
const otherMonth = (m % 12) + 1;
const listId = `TL-${month}`;
/** Last month: its 1st at 09:00 Shanghai has passed, whatever day the test runs. */
const lastMonth = m === 1 ? `${Number(month.slice(0, 4)) - 1}-12` : `${month.slice(0, 4)}-${String(m - 1).padStart(2, '0')}`;

let stack: Stack;
let office: ApiClient;
let leader: ApiClient;
let townA: ApiClient;
let schedule: ScheduleHandle | undefined;

beforeAll(async () => {
  stack = await startStack(org);
  const login = (username: string) => stack.api.login(username, PASSWORD);
  [office, leader, townA] = await Promise.all([login('office'), login('leader'), login('town-a')]);
});

afterAll(async () => {
  await schedule?.delete();
  await stack?.close();
});

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Template ids by name, as created over HTTP. */
const ids: Record<string, string> = {};

describe('recurring obligations (常态化任务) over HTTP', () => {
  it('the office keeps templates; bad ones are refused naming the field; other roles are refused', async () => {
    const create = async (name: string, body: Record<string, unknown>) => {
      const reply = await office.post('/api/task-templates', body);
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      ids[name] = reply.body.id;
      return reply.body;
    };
    const ledger = await create('ledger', { title: '村级更新就业信息台账', content: '村级每月15日前完成就业信息台账更新', targetUnitKind: 'village', cadence: 'monthly', dueKind: 'dayOfMonth', dueDay: 15 });
    expect(ledger).toMatchObject({ id: expect.stringMatching(/^tt-[0-9a-f]{8}$/), cadence: 'monthly', due: { kind: 'dayOfMonth', day: 15 }, active: true, onUnfinished: 'carry_over', dueMonths: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] });
    const check = await create('check', { title: '镇级资产管护检查', targetUnitKind: 'township', cadence: 'quarterly', months: [otherMonth, m], dueKind: 'monthEnd', onUnfinished: 'fail' });
    expect(check.dueMonths).toEqual([m, otherMonth].sort((a, b) => a - b));
    await create('supervise', { title: '区级资产管护督导', targetUnitIds: ['agri'], cadence: 'halfYearly', months: [otherMonth], dueKind: 'lastWorkingDay' });
    const halfYearly = await create('halfYearly', { title: '技能培训需求摸排', targetUnitIds: ['agri'], cadence: 'halfYearly', dueKind: 'monthEnd' });
    expect(halfYearly.dueMonths).toEqual([6, 12]);
    await create('visits', { title: '一般脱贫户双月走访', targetUnitIds: ['agri'], cadence: 'bimonthly', dueKind: 'lastWorkingDay' });
    await create('paused', { title: '已停用的常态化任务', targetUnitKind: 'village', cadence: 'monthly', dueKind: 'monthEnd', active: false });

    const bad = async (body: Record<string, unknown>) => (await office.post('/api/task-templates', body)).body.error?.details?.fields?.[0]?.field;
    const base = { title: '台账', cadence: 'monthly', dueKind: 'monthEnd' };
    expect(await bad({ ...base })).toBe('targetUnitIds');
    expect(await bad({ ...base, targetUnitKind: 'village', targetUnitIds: ['v1'] })).toBe('targetUnitIds');
    expect(await bad({ ...base, targetUnitIds: ['town-c'] })).toBe('targetUnitIds');
    expect(await bad({ ...base, targetUnitKind: 'village', months: [13] })).toBe('months');
    expect(await bad({ ...base, targetUnitKind: 'village', dueKind: 'date' })).toBe('dueKind');
    expect(await bad({ ...base, targetUnitKind: 'village', dueKind: 'dayOfMonth' })).toBe('dueDay');
    expect(await bad({ ...base, targetUnitKind: 'village', cadence: 'weekly' })).toBe('cadence');

    const edited = await office.put(`/api/task-templates/${ids.supervise}`, { title: '区级资产管护督导（半年一督导）', targetUnitIds: ['agri'], cadence: 'halfYearly', months: [otherMonth], dueKind: 'lastWorkingDay' });
    expect(edited.status).toBe(200);
    expect((await office.get(`/api/task-templates/${ids.supervise}`)).body.title).toBe('区级资产管护督导（半年一督导）');
    const doomed = await create('doomed', { title: '将被删除', targetUnitKind: 'village', cadence: 'monthly', dueKind: 'monthEnd' });
    expect((await office.request('DELETE', `/api/task-templates/${doomed.id}`)).status).toBe(204);
    expect((await office.get(`/api/task-templates/${doomed.id}`)).status).toBe(404);
    expect((await office.get('/api/task-templates/tt-00000000')).status).toBe(404);

    const dueNow = (await office.get(`/api/task-templates?month=${month}`)).body.items.map((t: { id: string }) => t.id);
    expect(dueNow).toEqual(expectedTemplates());
    expect((await office.get('/api/task-templates?month=2026-13')).status).toBe(400);
    expect((await leader.get('/api/task-templates')).status).toBe(403);
    expect((await townA.post('/api/task-templates', { ...base, targetUnitKind: 'village' })).status).toBe(403);
  });
});

/** The templates due this month, in creation order. */
function expectedTemplates(): string[] {
  return [ids.ledger!, ids.check!, ...(m === 6 || m === 12 ? [ids.halfYearly!] : []), ...(m % 2 === 0 ? [ids.visits!] : [])];
}

const expectedAssignments = () =>
  VILLAGES.length + 2 + (m === 6 || m === 12 ? 1 : 0) + (m % 2 === 0 ? 1 : 0);

describe('the monthly schedule', () => {
  it('is created (and updated when it exists) for the 1st of every month at 09:00 Shanghai time', async () => {
    schedule = await ensureMonthlyTaskListSchedule(stack.temporal, stack.taskQueue);
    await ensureMonthlyTaskListSchedule(stack.temporal, stack.taskQueue);
    const description = await schedule.describe();
    expect(description.spec.timezone).toBe('Asia/Shanghai');
    expect(description.action).toMatchObject({ workflowType: 'monthlyListIssueWorkflow', taskQueue: stack.taskQueue });
    const next = description.info.nextActionTimes;
    expect(next.length).toBeGreaterThan(1);
    for (const at of next) expect(new Date(at.getTime() + 8 * 3600_000).toISOString()).toMatch(/^\d{4}-\d{2}-01T09:00:00\.000Z$/);
    expect(next[0]!.getTime()).toBeGreaterThan(Date.now());
  });

  async function triggerAndWait(runs: number): Promise<MonthlyListIssueResult> {
    await schedule!.trigger();
    const description = await until('the schedule to take its action', () => schedule!.describe(), (d) => d.info.recentActions.length >= runs);
    const action = description.info.recentActions.at(-1)!.action;
    return stack.temporal.workflow.getHandle(action.workflow.workflowId, action.workflow.firstExecutionRunId).result();
  }

  it('issues the month: the due templates become the list, which is published with their assignments', async () => {
    const result = await triggerAndWait(1);
    expect(result).toMatchObject({ month, listId, publication: 'this-run', added: expectedTemplates().length });

    const lists = new TaskListRepository(stack.database);
    const list = await until('the list to be published', () => lists.findById(listId), (l) => l?.status === 'published');
    const expectedItems = expectedTemplates().map((id) => templateItemId(id, month));
    expect(list!.items.map((i) => i.id)).toEqual(expectedItems);
    expect(list!.published!.items.map((i) => i.templateId)).toEqual(expectedTemplates());
    expect(list!.published!.by).toMatchObject({ unitId: 'office' });
    expect(list!.issuingUnitId).toBe('office');

    const assignments = new AssignmentReadModel(stack.database);
    const started = await until('the assignments', () => assignments.ofList(listId), (rows) => rows.length >= expectedAssignments());
    expect(started).toHaveLength(expectedAssignments());
    expect(started.filter((a) => a.title === '镇级资产管护检查').map((a) => a.leadUnitId).sort()).toEqual(['town-a', 'town-b']);
    const view = await office.get(`/api/task-lists/${listId}`);
    expect(view.body.status).toBe('published');
  });

  it('triggered again in the same month, adds nothing twice and starts nothing twice', async () => {
    const before = await stack.countWorkflows();
    const result = await triggerAndWait(2);
    expect(result).toMatchObject({ month, listId, status: 'published', added: 0, publication: 'earlier' });
    const list = (await new TaskListRepository(stack.database).findById(listId))!;
    expect(list.items.map((i) => i.id)).toEqual(expectedTemplates().map((id) => templateItemId(id, month)));
    expect(list.published!.items).toHaveLength(expectedTemplates().length);
    expect(await new AssignmentReadModel(stack.database).ofList(listId)).toHaveLength(expectedAssignments());
    // The second run of the schedule's workflow is the one new execution.
    expect(await stack.countWorkflows()).toBe(before + 1);
  });

  it("fires for a 1st it was due on (a backfill): that month's list is issued and published with its due templates", async () => {
    const firstAt9 = new Date(`${lastMonth}-01T09:00:00+08:00`);
    await schedule!.backfill([{ start: new Date(firstAt9.getTime() - 60_000), end: new Date(firstAt9.getTime() + 60_000), overlap: ScheduleOverlapPolicy.ALLOW_ALL }]);
    const description = await until('the backfilled action', () => schedule!.describe(), (d) => d.info.recentActions.some((a) => a.scheduledAt.getTime() === firstAt9.getTime()));
    const action = description.info.recentActions.find((a) => a.scheduledAt.getTime() === firstAt9.getTime())!.action;
    // The run happens now, but issues the month the Schedule fired for.
    const result: MonthlyListIssueResult = await stack.temporal.workflow.getHandle(action.workflow.workflowId, action.workflow.firstExecutionRunId).result();
    const due = (await office.get(`/api/task-templates?month=${lastMonth}`)).body.items.map((t: { id: string }) => t.id);
    expect(due.length).toBeGreaterThan(0);
    expect(result).toMatchObject({ month: lastMonth, listId: `TL-${lastMonth}`, publication: 'this-run', added: due.length });

    const lists = new TaskListRepository(stack.database);
    const list = await until('last month published', () => lists.findById(`TL-${lastMonth}`), (l) => l?.published != null);
    expect(list!.items.map((i) => i.id)).toEqual(due.map((id: string) => templateItemId(id, lastMonth)));
    expect(list!.published!.items.map((i) => i.templateId)).toEqual(due);
    expect(list!.published!.by).toMatchObject({ userId: scheduleActor('office').userId, unitId: 'office' });
    const assignments = new AssignmentReadModel(stack.database);
    const started = await until("last month's assignments", () => assignments.ofList(`TL-${lastMonth}`), (rows) => rows.length >= list!.published!.total);
    expect(list!.published!.total).toBeGreaterThan(0);
    expect(started).toHaveLength(list!.published!.total);
    expect(started.map((a) => a.month)).toEqual(started.map(() => lastMonth));
    // Its last working day has passed too: the list's process closes the month at once (what is open is carried over
    // into this month's list or closed as failed, per item).
    const closing = stack.temporal.workflow.getHandle(taskListWorkflowId(stack.taskQueue, `TL-${lastMonth}`));
    expect(await closing.result()).toMatchObject({ phase: 'closed', total: list!.published!.total });
    expect((await lists.findById(`TL-${lastMonth}`))!.status).toBe('closed');
    // Closed straight after publishing: every assignment was still found and closed, none left running.
    const afterClose = await assignments.ofList(`TL-${lastMonth}`);
    expect(afterClose.filter((a) => !['carried_over', 'failed', 'done'].includes(a.status))).toEqual([]);
  });
});
