import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgFile } from '@duban/api';
import { percent, quarterOfMonth, rankUnits, shanghaiDate, sumResults, summarizeOutcomes, type AssignmentOutcome, type UnitMonthResult } from '@duban/domain';
import { TaskListRepository, type TaskListRecord } from '@duban/persistence';
import { downloadDocx, type DocxContent } from './support/docx.js';
import { startStack, type ApiClient, type Stack } from './support/stack.js';

const PASSWORD = 'Circulars-2026';
const org: OrgFile = {
  units: [
    { id: 'county', name: '通报县', kind: 'county' },
    { id: 'office', name: '县巩固拓展脱贫攻坚成果工作领导小组办公室', kind: 'office', parent: 'county' },
    { id: 'town-a', name: '甲镇', kind: 'township', parent: 'county' },
    { id: 'town-b', name: '乙镇', kind: 'township', parent: 'county' },
    { id: 'town-c', name: '丙镇', kind: 'township', parent: 'county' },
  ],
  users: [
    { username: 'office', name: '办公室王主任', unit: 'office', roles: ['office'], password: PASSWORD },
    { username: 'leader', name: '李组长', unit: 'county', roles: ['leader'], password: PASSWORD },
    { username: 'town-a', name: '甲镇陈干事', unit: 'town-a', roles: ['unit'], password: PASSWORD },
    { username: 'town-a-head', name: '甲镇吴镇长', unit: 'town-a', roles: ['unit_leader'], password: PASSWORD },
  ],
};
const NAMES = new Map(org.units.map((u) => [u.id, u.name]));

let stack: Stack;
let office: ApiClient;
let leader: ApiClient;
let townA: ApiClient;
let townAHead: ApiClient;

const today = shanghaiDate(new Date());
const month = today.slice(0, 7);
const listId = `TL-${month}`;
const firstOfMonth = `${month}-01`;
/** Due on the 1st: past due on any later day of the month (on the 1st itself nothing is overdue yet). */
const pastDue = today > firstOfMonth;
const inDays = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000));

beforeAll(async () => {
  stack = await startStack(org);
  const login = (username: string) => stack.api.login(username, PASSWORD);
  [office, leader, townA, townAHead] = await Promise.all([login('office'), login('leader'), login('town-a'), login('town-a-head')]);
});

afterAll(async () => {
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

interface RawAssignment {
  _id: string;
  leadUnitId: string;
  title: string;
  status: string;
  dueAt: string;
  doneAt: string | null;
  outcome: AssignmentOutcome | null;
}

/** The list's assignments straight from the read model's collection. */
const rawAssignments = async () => (await stack.database.collection('assignments').find({ listId }).toArray()) as unknown as RawAssignment[];

/** Per unit, counted here from the raw documents: [unit name, total, on time, late, carried over, failed, open]. */
function countByUnit(assignments: readonly RawAssignment[]): (string | number)[][] {
  const units = [...new Set(assignments.map((a) => a.leadUnitId))].sort();
  return units.map((unitId) => {
    const mine = assignments.filter((a) => a.leadUnitId === unitId);
    const n = (outcome: AssignmentOutcome | null) => mine.filter((a) => a.outcome === outcome).length;
    return [NAMES.get(unitId)!, mine.length, n('on_time'), n('late'), n('carried_over'), n('failed'), n(null)];
  });
}

/** The statistics table of a circular without its 序号 and rate columns and without the 合计 row, as numbers. */
const statisticsOf = (doc: DocxContent) =>
  doc.tables[0]!.slice(1, -1).map((row) => [row[1]!, ...row.slice(2, 8).map(Number)]);

async function step(who: ApiClient, id: string, action: string, body: unknown = {}) {
  const reply = await who.post(`/api/assignments/${id}/${action}`, body);
  expect(reply.status, `${action} ${id}: ${JSON.stringify(reply.body)}`).toBe(200);
  return reply.body;
}

async function complete(id: string) {
  await step(townA, id, 'sign');
  await step(townA, id, 'submit', { summary: '已完成' });
  await step(townAHead, id, 'countersign', { note: '同意' });
  return step(office, id, 'sign-off', {});
}

describe('monthly dispatch (月调度) of a list', () => {
  it('reports a running month live, then the closed month as a DOCX whose numbers equal the assignments', async () => {
    const draft = await office.post('/api/task-lists', {
      month,
      items: [
        { title: '更新就业帮扶台账', targetUnitKind: 'township', dueKind: 'date', dueDate: inDays(3), onUnfinished: 'carry_over' },
        { title: '补报资产管护台账', targetUnitIds: ['town-a', 'town-b'], dueKind: 'date', dueDate: firstOfMonth, onUnfinished: 'fail' },
      ],
    });
    expect(draft.status).toBe(201);
    expect((await office.get(`/api/task-lists/${listId}/dispatch`)).status).toBe(409); // a draft has nothing to dispatch
    expect((await office.post(`/api/task-lists/${listId}/publish`, {})).status).toBe(202);
    await until('five assignments', () => office.get(`/api/assignments?listId=${listId}`), (r) => r.body.items?.length === 5);

    expect((await complete(`${listId}.i1.town-a`)).outcome).toBe('on_time');
    expect((await complete(`${listId}.i2.town-a`)).outcome).toBe(pastDue ? 'late' : 'on_time');

    // Running month: live counts, the open ones as 尚在办理.
    await until('both of 甲镇 done in the read model', rawAssignments, (all) => all.filter((a) => a.leadUnitId === 'town-a' && a.status === 'done').length === 2);
    const live = await leader.get(`/api/task-lists/${listId}/dispatch`);
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({ closed: false, listId, issuingOffice: '县巩固拓展脱贫攻坚成果工作领导小组办公室' });
    const liveCounts = countByUnit(await rawAssignments());
    expect(live.body.rows.map((r: { unitName: string; total: number; onTime: number; late: number; carriedOver: number; failed: number; open: number }) => [r.unitName, r.total, r.onTime, r.late, r.carriedOver, r.failed, r.open])).toEqual(liveCounts);
    expect(liveCounts).toEqual([
      ['甲镇', 2, pastDue ? 1 : 2, pastDue ? 1 : 0, 0, 0, 0],
      ['乙镇', 2, 0, 0, 0, 0, 2],
      ['丙镇', 1, 0, 0, 0, 0, 1],
    ]);
    expect(live.body.overdue.map((o: { unitName: string; title: string; doneDate: string | null }) => [o.unitName, o.title, o.doneDate !== null])).toEqual(
      pastDue ? expect.arrayContaining([['甲镇', '补报资产管护台账', true], ['乙镇', '补报资产管护台账', false]]) : [],
    );

    // The office closes the month: 乙镇's open items are carried over (i1) or closed as failed (i2), 丙镇's carried over.
    expect((await office.post(`/api/task-lists/${listId}/close`)).status).toBe(202);
    await until('the month closed', () => office.get(`/api/task-lists/${listId}`), (r) => r.body.status === 'closed');

    const assignments = await rawAssignments();
    const closedCounts = countByUnit(assignments);
    expect(closedCounts).toEqual([
      ['甲镇', 2, pastDue ? 1 : 2, pastDue ? 1 : 0, 0, 0, 0],
      ['乙镇', 2, 0, 0, 1, 1, 0],
      ['丙镇', 1, 0, 0, 1, 0, 0],
    ]);
    const dispatch = await office.get(`/api/task-lists/${listId}/dispatch`);
    expect(dispatch.body.closed).toBe(true);
    expect(dispatch.body.ranking.map((r: { unitId: string; rank: number }) => [r.rank, r.unitId])).toEqual(
      rankUnits(summarizeOutcomes(assignments)).map((r) => [r.rank, r.unitId]),
    );

    const { status, type, doc } = await downloadDocx(leader, stack.baseUrl, `/api/task-lists/${listId}/dispatch.docx`);
    expect(status).toBe(200);
    expect(type).toContain('wordprocessingml');
    // Layout: masthead (issuing office), title, addressees, body, three tables, signature and date.
    expect(doc!.paragraphs[0]).toBe('县巩固拓展脱贫攻坚成果工作领导小组办公室');
    expect(doc!.paragraphs).toContain(`关于${Number(month.slice(0, 4))}年${Number(month.slice(5))}月重点工作推进情况的调度通报`);
    expect(doc!.paragraphs.at(-1)).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日$/);
    expect(doc!.tables).toHaveLength(3);

    // Table 1: per unit, equal to the counts taken from the assignments collection; the 合计 row adds them up.
    expect(doc!.tables[0]![0]).toEqual(['序号', '责任单位', '任务总数', '按期完成', '逾期完成', '结转', '未完成', '尚在办理', '按期完成率']);
    expect(statisticsOf(doc!)).toEqual(closedCounts);
    const rates = doc!.tables[0]!.slice(1, -1).map((row) => row[8]);
    expect(rates).toEqual(closedCounts.map((c) => percent(Number(c[2]) / Number(c[1]))));
    expect(doc!.tables[0]!.at(-1)!.slice(1, 8)).toEqual(['合计', '5', String(pastDue ? 1 : 2), String(pastDue ? 1 : 0), '2', '1', '0']);
    const body = doc!.paragraphs.find((p) => p.includes('共交办任务'))!;
    expect(body).toContain('共交办任务 5 项');

    // Table 2: the overdue list — done late, or not done when the month closed — with days past the due date.
    const closedAt = (await new TaskListRepository(stack.database).findById(listId))!.closed!.at;
    const expectedOverdue = assignments
      .filter((a) => (a.doneAt ? a.doneAt > a.dueAt : closedAt > a.dueAt))
      .map((a) => {
        const until = shanghaiDate(a.doneAt ?? closedAt);
        const days = Math.max(1, Math.round((Date.parse(until) - Date.parse(shanghaiDate(a.dueAt))) / 86_400_000));
        return [NAMES.get(a.leadUnitId)!, a.title, shanghaiDate(a.dueAt), a.doneAt ? shanghaiDate(a.doneAt) : '', String(days)];
      })
      .sort();
    expect(expectedOverdue).toHaveLength(pastDue ? 2 : 0);
    const overdueRows = doc!.tables[1]!.slice(1).map((row) => row.slice(1, 6));
    expect(overdueRows.sort()).toEqual(expectedOverdue);
    expect(dispatch.body.overdue).toHaveLength(expectedOverdue.length);

    // Table 3: the ranking, as rankUnits orders the read model's results.
    expect(doc!.tables[2]!.slice(1).map((row) => [row[0], row[1]])).toEqual(rankUnits(summarizeOutcomes(assignments)).map((r) => [String(r.rank), NAMES.get(r.unitId)]));

    // Units do not get the circulars; an unknown list is a 404.
    expect((await townA.get(`/api/task-lists/${listId}/dispatch`)).status).toBe(403);
    expect((await downloadDocx(townA, stack.baseUrl, `/api/task-lists/${listId}/dispatch.docx`)).status).toBe(403);
    expect((await office.get('/api/task-lists/TL-2031-02/dispatch')).status).toBe(404);
  });
});

describe('quarterly circular (季通报 · 季度盘点)', () => {
  const closedList = (month: string, results: UnitMonthResult[]): TaskListRecord => ({
    _id: `TL-${month}`,
    month,
    title: `${month}重点工作清单`,
    issuingUnitId: 'office',
    status: 'closed',
    items: [],
    publishAt: null,
    published: { at: `${month}-01T01:00:00.000Z`, by: { userId: 'u-office', name: '办公室王主任', unitId: 'office' }, items: [], total: results.reduce((n, r) => n + r.total, 0), closeAt: `${month}-28T16:00:00.000Z` },
    closed: { at: `${month}-28T16:00:00.000Z`, results },
    createdAt: `${month}-01T00:00:00.000Z`,
    updatedAt: `${month}-28T16:00:00.000Z`,
  });

  it('adds up the months of a quarter per unit, in JSON and in the DOCX', async () => {
    // The real month, closed above, counted from its assignments; two earlier months as their lists store them.
    const real = summarizeOutcomes(await rawAssignments());
    const october = summarizeOutcomes([
      { leadUnitId: 'town-a', outcome: 'on_time' },
      { leadUnitId: 'town-a', outcome: 'failed' },
      { leadUnitId: 'town-b', outcome: 'on_time' },
      { leadUnitId: 'town-c', outcome: 'late' },
    ]);
    const november = summarizeOutcomes([
      { leadUnitId: 'town-b', outcome: 'on_time' },
      { leadUnitId: 'town-b', outcome: 'carried_over' },
      { leadUnitId: 'town-c', outcome: 'on_time' },
    ]);
    const lists = new TaskListRepository(stack.database);
    expect(await lists.insert(closedList('2025-10', october))).toBe(true);
    expect(await lists.insert(closedList('2025-11', november))).toBe(true);
    expect(await lists.insert(closedList('2025-12', real))).toBe(true);

    const expected = sumResults([october, november, real]);
    const quarter = await leader.get('/api/task-lists/quarters/2025-Q4');
    expect(quarter.status).toBe(200);
    expect(quarter.body).toMatchObject({ quarter: '2025-Q4', label: '2025年第四季度' });
    expect(quarter.body.months.map((m: { month: string; closed: boolean }) => [m.month, m.closed])).toEqual([['2025-10', true], ['2025-11', true], ['2025-12', true]]);
    expect(quarter.body.rows.map(({ unitName: _n, open: _o, rank: _r, ...row }: Record<string, unknown>) => row)).toEqual(expected);
    expect(quarter.body.ranking.map((r: { unitId: string }) => r.unitId)).toEqual(rankUnits(expected).map((r) => r.unitId));

    const { status, doc } = await downloadDocx(office, stack.baseUrl, '/api/task-lists/quarters/2025-Q4/circular.docx');
    expect(status).toBe(200);
    expect(doc!.paragraphs).toContain('关于2025年第四季度重点工作完成情况的通报');
    expect(statisticsOf(doc!)).toEqual(expected.map((r) => [NAMES.get(r.unitId)!, r.total, r.onTime, r.late, r.carriedOver, r.failed, 0]));
    // Month by month: each month's total in table 2.
    expect(doc!.tables[1]!.slice(1).map((row) => [row[0], Number(row[2])])).toEqual([
      ['2025年10月', 4],
      ['2025年11月', 3],
      ['2025年12月', 5],
    ]);
    expect(doc!.tables[2]!.slice(1).map((row) => row[1])).toEqual(rankUnits(expected).map((r) => NAMES.get(r.unitId)));
  });

  it('counts the running quarter from the lists there are and names a malformed quarter', async () => {
    const current = quarterOfMonth(month);
    const reply = await office.get(`/api/task-lists/quarters/${current.id}`);
    expect(reply.status).toBe(200);
    const thisMonth = summarizeOutcomes(await rawAssignments());
    // Other months of this quarter have no published list here (at most next month's draft with the carried-over items).
    expect(reply.body.rows.map(({ unitName: _n, open: _o, rank: _r, ...row }: Record<string, unknown>) => row)).toEqual(thisMonth);

    for (const bad of ['2026-Q5', '2026Q4', 'latest']) {
      const refused = await office.get(`/api/task-lists/quarters/${bad}`);
      expect(refused.status).toBe(400);
      expect(refused.body.error.details.fields[0].field).toBe('quarter');
    }
    expect((await downloadDocx(office, stack.baseUrl, '/api/task-lists/quarters/2026-Q9/circular.docx')).status).toBe(400);
    expect((await townA.get(`/api/task-lists/quarters/${current.id}`)).status).toBe(403);
  });
});
