import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgFile } from '@duban/api';
import { ASSIGNMENT_STATUS_LABELS, LEDGER_COLUMNS, STATUS_LABELS, shanghaiDate } from '@duban/domain';
import { AssignmentReadModel, RectificationReadModel } from '@duban/persistence';
import { startStack, type ApiClient, type Stack } from './support/stack.js';
import { until } from './support/until.js';
import { downloadDocx } from './support/docx.js';

const PASSWORD = 'Campaigns-2026';
const org: OrgFile = {
  units: [
    { id: 'county', name: '行动县', kind: 'county' },
    { id: 'office', name: '县巩固拓展脱贫攻坚成果工作领导小组办公室', kind: 'office', parent: 'county' },
    { id: 'edu', name: '县教体局', kind: 'department', parent: 'county' },
    { id: 'town-a', name: '甲镇', kind: 'township', parent: 'county' },
    { id: 'town-b', name: '乙镇', kind: 'township', parent: 'county' },
    { id: 'town-c', name: '丙镇', kind: 'township', parent: 'county' },
    { id: 'village-a1', name: '甲镇一村', kind: 'village', parent: 'town-a' },
    { id: 'water', name: '县水利局', kind: 'department', parent: 'county' },
  ],
  users: [
    { username: 'office', name: '办公室王主任', unit: 'office', roles: ['office'], password: PASSWORD },
    { username: 'leader', name: '李组长', unit: 'county', roles: ['leader'], password: PASSWORD },
    { username: 'town-a', name: '甲镇陈干事', unit: 'town-a', roles: ['unit'], password: PASSWORD },
    { username: 'town-a-head', name: '甲镇吴镇长', unit: 'town-a', roles: ['unit_leader'], password: PASSWORD },
    { username: 'town-b', name: '乙镇刘干事', unit: 'town-b', roles: ['unit'], password: PASSWORD },
    { username: 'inspector', name: '督导组周组长', unit: 'office', roles: ['inspector'], password: PASSWORD },
    { username: 'village-a1', name: '一村赵书记', unit: 'village-a1', roles: ['unit'], password: PASSWORD },
    { username: 'water', name: '水利局张科长', unit: 'water', roles: ['unit'], password: PASSWORD },
  ],
};

let stack: Stack;
let office: ApiClient;
let leader: ApiClient;
let townA: ApiClient;
let townB: ApiClient;
let townAHead: ApiClient;
let inspector: ApiClient;
let villageA1: ApiClient;
let water: ApiClient;
const inDays = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000));

beforeAll(async () => {
  stack = await startStack(org);
  const login = (username: string) => stack.api.login(username, PASSWORD);
  [office, leader, townA, townB, inspector, townAHead, villageA1, water] = await Promise.all([
    login('office'),
    login('leader'),
    login('town-a'),
    login('town-b'),
    login('inspector'),
    login('town-a-head'),
    login('village-a1'),
    login('water'),
  ]);
});

afterAll(async () => {
  await stack?.close();
});

/** Downloads an XLSX export and reads every sheet's rows (header first). */
async function downloadSheets(as: ApiClient, path: string): Promise<{ status: number; type: string | null; sheets: { name: string; rows: unknown[][] }[] }> {
  const response = await fetch(stack.baseUrl + path, { headers: { authorization: `Bearer ${(as as unknown as { token: string }).token}` } });
  if (response.status !== 200) return { status: response.status, type: response.headers.get('content-type'), sheets: [] };
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await response.arrayBuffer());
  const sheets = workbook.worksheets.map((sheet) => {
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    return { name: sheet.name, rows };
  });
  return { status: response.status, type: response.headers.get('content-type'), sheets };
}

const definition = () => ({
  name: '大排查大巩固大提升专项行动',
  startDate: inDays(0),
  phases: [
    { name: '全面排查摸底', kind: 'check', endDate: inDays(5) },
    { name: '全面整改落实', kind: 'rectify', endDate: inDays(30) },
    { name: '巩固提升脱贫成果', kind: 'consolidate', endDate: inDays(90) },
  ],
  subActions: [{ name: '义务教育保障', leadUnitIds: ['edu'], coUnitIds: ['town-a'] }],
  checkItems: [
    { text: '是否还有义务教育阶段学龄儿童少年失学辍学情况', targetUnitKind: 'township', subAction: 0 },
    { text: '“雨露计划”补助是否发放到位', targetUnitIds: ['town-a'] },
  ],
  reports: [{ name: '行动方案', targetUnitKind: 'township', dueDates: [inDays(10)] }],
});

describe('a special campaign over HTTP', () => {
  it('refuses a definition whose phases run backwards, naming the field', async () => {
    const bad = { ...definition(), phases: [{ name: '排查', kind: 'check', endDate: inDays(10) }, { name: '整改', kind: 'rectify', endDate: inDays(5) }] };
    const response = await office.post('/api/campaigns', bad);
    expect(response.status).toBe(400);
    expect(response.body.error.details.fields[0].field).toBe('phases[1].endDate');
    expect((await townA.post('/api/campaigns', definition())).status).toBe(403);
  });

  it('defines, runs the check phase, records and closes a finding, spreads a check, advances and summarises', async () => {
    const created = await office.post('/api/campaigns', definition());
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await townA.post(`/api/campaigns/${id}/findings`, { checkId: 'check', title: 'x', description: 'x', category: 'education' })).status).toBe(409);
    expect((await office.post(`/api/campaigns/${id}/start`)).status).toBe(202);
    expect((await office.post(`/api/campaigns/${id}/start`)).status).toBe(409);

    // The check phase: a check task per township (town A's lists both checks), and the action plan owed by each.
    const tasks = await until('check and plan tasks', () => office.get(`/api/assignments?listId=${id}&limit=50`), (r) => r.body.items?.length === 6);
    const checkA = tasks.body.items.find((t: { id: string }) => t.id === `${id}.check.town-a`);
    expect(checkA.content).toContain('雨露计划');
    expect((await townB.get(`/api/assignments/${id}.check.town-a`)).status).toBe(404);
    expect((await townA.get(`/api/assignments?listId=${id}`)).body.items.map((t: { id: string }) => t.id).sort()).toEqual([`${id}.check.town-a`, `${id}.r1-${inDays(10)}.town-a`]);

    // Town A finds a problem: it becomes town A's item, due at the end of the rectification phase.
    const finding = await townA.post(`/api/campaigns/${id}/findings`, { checkId: 'check', title: '一名适龄儿童辍学', description: '三组一名适龄儿童因厌学辍学', category: 'education', subAction: 0 });
    expect(finding.status).toBe(201);
    expect(finding.body).toMatchObject({ leadUnitId: 'town-a', source: 'self_inspection', dueDate: inDays(30), campaign: { id, subActionId: 's1', checkId: 'check' } });
    const itemId = finding.body.id as string;
    expect((await townA.get('/api/inbox')).body.items.map((i: { id: string }) => i.id)).toContain(itemId);
    expect((await inspector.post(`/api/campaigns/${id}/findings`, { checkId: 'check', title: 'x', description: 'x', category: 'education' })).status).toBe(403);

    // 举一反三: the office issues the same check to every township; town B finds the same problem.
    const spread = await office.post(`/api/campaigns/${id}/spread`, { text: '举一反三：排查本乡镇是否有同类辍学问题', unitKind: 'township', dueDate: inDays(7) });
    expect(spread.body.units).toBe(3);
    await until('spread tasks', () => office.get(`/api/assignments?listId=${id}&limit=50`), (r) => r.body.items?.length === 9);
    const answer = await townB.post(`/api/campaigns/${id}/findings`, { checkId: spread.body.spreadId, title: '一名儿童长期请假', description: '核实为事实辍学', category: 'education' });
    expect(answer.body).toMatchObject({ leadUnitId: 'town-b', campaign: { checkId: spread.body.spreadId } });

    // Town A closes its item.
    await townA.post(`/api/rectifications/${itemId}/sign`);
    await townA.post(`/api/rectifications/${itemId}/plan`, { measures: '劝返复学，落实一人一策', targetDate: inDays(20), responsiblePerson: '陈干事' });
    await office.post(`/api/rectifications/${itemId}/plan/approve`, {});
    await townA.post(`/api/rectifications/${itemId}/completion`, { summary: '已劝返复学' });
    expect((await office.post(`/api/rectifications/${itemId}/sign-off`, {})).body.status).toBe('closed');

    // The office moves to the rectification phase before the check phase's date.
    expect((await office.post(`/api/campaigns/${id}/advance`)).status).toBe(202);
    await until('phase 2', () => office.get(`/api/campaigns/${id}`), (r) => r.body.phaseIndex === 1);
    const campaign = (await office.get(`/api/campaigns/${id}`)).body;
    expect(campaign).toMatchObject({ status: 'running', currentPhase: { kind: 'rectify', kindLabel: '全面整改' }, phaseLog: [{ phaseIndex: 0, by: 'start' }, { phaseIndex: 1, by: 'office' }] });

    // Progress and summary equal the states of the campaign's items and tasks.
    const progress = (await leader.get(`/api/campaigns/${id}/progress`)).body;
    const items = await new RectificationReadModel(stack.database).ofCampaign(id);
    expect(items.map((i) => [i.leadUnitId, i.status]).sort()).toEqual([
      ['town-a', 'closed'],
      ['town-b', 'assigned'],
    ]);
    expect(progress.items).toMatchObject({ total: 2, done: 1, open: 1, shareDone: 0.5, byStatus: { closed: 1, assigned: 1 } });
    expect(progress.tasks).toMatchObject({ total: 9, done: 0 });
    expect(progress.bySubAction).toEqual(expect.arrayContaining([expect.objectContaining({ subActionId: 's1', total: 1, done: 1 })]));
    expect(progress.rectificationPhaseDone).toBe(false);
    const summary = await office.get(`/api/campaigns/${id}/summary`);
    expect(summary.body.progress).toEqual(progress);
    expect((await townA.get(`/api/campaigns/${id}/progress`)).status).toBe(403);

    // The campaign ledger (XLSX): the findings' items with the rectification ledger's columns, then the campaign's tasks.
    const ledger = await downloadSheets(leader, `/api/campaigns/${id}/ledger`);
    expect(ledger.status).toBe(200);
    expect(ledger.type).toContain('spreadsheetml');
    expect(ledger.sheets.map((s) => s.name)).toEqual(['排查发现问题', '行动任务']);
    const found = ledger.sheets[0]!;
    const taskSheet = ledger.sheets[1]!;
    const itemHeader = [...LEDGER_COLUMNS.map((c) => c.header), '子行动', '排查来源', '所属阶段'];
    expect(found.rows[0]).toEqual(itemHeader);
    const cell = (header: string[], row: unknown[], name: string) => row[header.indexOf(name)] ?? '';
    const unitName = new Map(org.units.map((u) => [u.id, u.name]));
    const phaseOf = (dueAt: string) => (shanghaiDate(dueAt) <= inDays(5) ? '全面排查摸底' : shanghaiDate(dueAt) <= inDays(30) ? '全面整改落实' : '巩固提升脱贫成果');
    const nowItems = await new RectificationReadModel(stack.database).ofCampaign(id);
    const itemColumns = ['问题标题', '问题描述', '责任单位', '状态', '整改时限', '整改措施', '责任人', '销号时间', '子行动', '排查来源', '所属阶段'];
    expect(found.rows.slice(1).map((row) => itemColumns.map((name) => cell(itemHeader, row, name))).sort()).toEqual(
      nowItems
        .map((i) => [
          i.title,
          i.description,
          unitName.get(i.leadUnitId),
          STATUS_LABELS[i.status],
          shanghaiDate(i.dueAt),
          i.plan?.measures ?? '',
          i.plan?.responsiblePerson ?? '',
          i.closedAt ? shanghaiDate(i.closedAt) : '',
          i.campaign?.subActionId === 's1' ? '义务教育保障' : '',
          i.campaign?.checkId === 'check' ? '排查清单' : '举一反三：排查本乡镇是否有同类辍学问题',
          phaseOf(i.dueAt),
        ])
        .sort(),
    );
    const closedRow = found.rows.find((row) => row[itemHeader.indexOf('问题标题')] === '一名适龄儿童辍学')!;
    expect(itemColumns.slice(3).map((name) => cell(itemHeader, closedRow, name))).toEqual(['已验收销号', inDays(30), '劝返复学，落实一人一策', '陈干事', inDays(0), '义务教育保障', '排查清单', '全面整改落实']);

    const taskHeader = ['序号', '任务类型', '任务名称', '任务内容', '责任单位', '所属阶段', '办理时限', '状态', '亮灯', '督办单', '办结时间'];
    expect(taskSheet.rows[0]).toEqual(taskHeader);
    const tasksNow = await new AssignmentReadModel(stack.database).ofList(id);
    expect(tasksNow).toHaveLength(9);
    const kindOf = (itemId: string) => (itemId === 'check' ? '排查' : itemId === spread.body.spreadId ? '举一反三' : '报送：行动方案');
    const taskColumns = ['任务类型', '任务名称', '任务内容', '责任单位', '所属阶段', '办理时限', '状态'];
    expect(taskSheet.rows.slice(1).map((row) => taskColumns.map((name) => cell(taskHeader, row, name))).sort()).toEqual(
      tasksNow.map((t) => [kindOf(t.itemId), t.title, t.content, unitName.get(t.leadUnitId), phaseOf(t.dueAt), shanghaiDate(t.dueAt), ASSIGNMENT_STATUS_LABELS[t.status]]).sort(),
    );
    expect(taskSheet.rows.slice(1).map((row) => row[0])).toEqual(tasksNow.map((_t, i) => i + 1));
    expect((await downloadSheets(office, `/api/campaigns/${id}/ledger`)).status).toBe(200);
    expect((await downloadSheets(townA, `/api/campaigns/${id}/ledger`)).status).toBe(403);
    expect((await downloadSheets(office, '/api/campaigns/CP-00000000/ledger')).status).toBe(404);
    // A bulk export of business data is recorded in the audit trail.
    const audited = await until(
      'the audit entries of the ledger exports',
      () => stack.database.collection('audit_log').find({ action: 'GET /api/campaigns/:id/ledger', result: 'success' }).toArray(),
      (entries) => entries.length >= 2,
    );
    expect(audited.map((e) => e.target)).toEqual([id, id]);

    // The summary circular (DOCX, the shared layout): its numbers are the progress's.
    const docx = await downloadDocx(office, stack.baseUrl, `/api/campaigns/${id}/summary.docx`);
    expect(docx.status).toBe(200);
    const { paragraphs, tables } = docx.doc!;
    expect(paragraphs).toContain('关于大排查大巩固大提升专项行动工作情况的通报');
    expect(paragraphs.join('')).toContain(`共排查发现问题${progress.items.total}个，已整改销号${progress.items.done}个`);
    const [phases, , units] = tables;
    expect(phases!.slice(1).map((row) => [row[0], row[3]])).toEqual([
      ['全面排查摸底', '开始'],
      ['全面整改落实', '提前推进'],
      ['巩固提升脱贫成果', '未开始'],
    ]);
    const unitRow = (name: string) => units!.find((row) => row[0] === name)!;
    for (const u of progress.byUnit as { unitId: string; total: number; done: number; open: number }[]) {
      const name = { 'town-a': '甲镇', 'town-b': '乙镇', 'town-c': '丙镇' }[u.unitId]!;
      expect(unitRow(name).slice(1, 5).map(Number)).toEqual([u.total, u.done, 0, u.open]);
    }
    expect((await downloadDocx(townA, stack.baseUrl, `/api/campaigns/${id}/summary.docx`)).status).toBe(403);

    // 举一反三 answers: town B found the problem (its item); town A finds none — it answers, its head countersigns and
    // the office accepts: "not found"; town C has not answered.
    const answerA = `${id}.${spread.body.spreadId}.town-a`;
    expect((await townA.post(`/api/assignments/${answerA}/sign`)).status).toBe(200);
    expect((await townA.post(`/api/assignments/${answerA}/submit`, { summary: '经排查，本镇未发现同类辍学问题' })).status).toBe(200);
    expect((await townAHead.post(`/api/assignments/${answerA}/countersign`, {})).status).toBe(200);
    expect((await office.post(`/api/assignments/${answerA}/sign-off`, {})).body.status).toBe('done');
    expect(progress.spreads).toEqual([{ spreadId: spread.body.spreadId, found: ['town-b'], notFound: [], unanswered: ['town-a', 'town-c'] }]);

    // The office defers town B's item with a filed reason: every item is closed or deferred — the rectification phase is done.
    const reason = '需协调县教体局落实送教上门，待新学期开学后复核';
    const deferred = await office.post(`/api/rectifications/${answer.body.id}/deferral`, { reason, reviewDate: inDays(60) });
    expect(deferred.body.status, JSON.stringify(deferred.body)).toBe('deferred');
    const done = await until(
      'the rectification phase done and town A answered',
      () => leader.get(`/api/campaigns/${id}/progress`),
      (r) => r.body.rectificationPhaseDone === true && r.body.spreads?.[0]?.notFound?.length === 1,
    );
    const stored = await new RectificationReadModel(stack.database).ofCampaign(id);
    expect(stored.map((i) => [i.leadUnitId, i.status]).sort()).toEqual([
      ['town-a', 'closed'],
      ['town-b', 'deferred'],
    ]);
    expect(stored.find((i) => i.leadUnitId === 'town-b')!.deferral).toMatchObject({ reason, reviewDate: inDays(60), filedBy: { unitId: 'office' } });
    expect(done.body.items).toMatchObject({ total: 2, done: 1, deferred: 1, open: 0, byStatus: { closed: 1, deferred: 1 } });
    expect(done.body.spreads).toEqual([{ spreadId: spread.body.spreadId, found: ['town-b'], notFound: ['town-a'], unanswered: ['town-c'] }]);
    expect((await office.get(`/api/campaigns/${id}/summary`)).body.progress).toEqual(done.body);
  });
});

describe('who may record findings, and when they fall due', () => {
  const finding = (title: string) => ({ checkId: 'check', title, description: '排查发现', category: 'education' });

  async function startedCampaign(): Promise<string> {
    const created = await office.post('/api/campaigns', definition());
    expect(created.status).toBe(201);
    expect((await office.post(`/api/campaigns/${created.body.id}/start`)).status).toBe(202);
    return created.body.id as string;
  }

  it('refuses a finding from a unit the campaign does not reach, creating and counting nothing, and takes one from a village of a targeted township', async () => {
    const id = await startedCampaign();
    const refused = await water.post(`/api/campaigns/${id}/findings`, finding('水利局越权填报'));
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'forbidden', message: expect.stringContaining('不在') });
    // A village checks for its township and reports what it finds (seed 003: 村级排查核实后…上报乡).
    const fromVillage = await villageA1.post(`/api/campaigns/${id}/findings`, finding('一村发现一户住房安全隐患'));
    expect(fromVillage.status).toBe(201);
    expect(fromVillage.body).toMatchObject({ leadUnitId: 'village-a1', campaign: { id } });
    const items = await new RectificationReadModel(stack.database).ofCampaign(id);
    expect(items.map((i) => i.leadUnitId)).toEqual(['village-a1']);
    const progress = (await office.get(`/api/campaigns/${id}/progress`)).body;
    expect(progress.items.total).toBe(1);
    expect(progress.byUnit.map((u: { unitId: string }) => u.unitId)).not.toContain('water');
  });

  it('refuses a campaign whose phases or report dates are already over, naming the field', async () => {
    const past = { ...definition(), startDate: inDays(-60), phases: [{ name: '排查', kind: 'check', endDate: inDays(-40) }, { name: '整改', kind: 'rectify', endDate: inDays(-20) }] };
    for (const [body, field] of [
      [{ ...past, reports: [] }, 'phases[0].endDate'],
      [{ ...definition(), phases: [{ name: '排查', kind: 'check', endDate: inDays(-1) }, ...definition().phases.slice(1)] }, 'phases[0].endDate'],
      [{ ...definition(), reports: [{ name: '行动方案', targetUnitKind: 'township', dueDates: [inDays(-1), inDays(10)] }] }, 'reports[0].dueDates'],
    ] as const) {
      const response = await office.post('/api/campaigns', body);
      expect(response.status, field).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'invalid_input', message: expect.stringContaining(field) });
      expect(response.body.error.details.fields[0].field).toBe(field);
    }
    const listed = (await office.get('/api/campaigns')).body.items as { startDate: string }[];
    expect(listed.filter((c) => c.startDate === inDays(-60))).toEqual([]);
    // A draft left until its check phase is over is not started with its check tasks in the red.
    const draft = (await office.post('/api/campaigns', definition())).body.id as string;
    await stack.database.collection('campaigns').updateOne({ _id: draft as never }, { $set: { 'phases.0.endDate': inDays(-1) } });
    const start = await office.post(`/api/campaigns/${draft}/start`);
    expect(start.status).toBe(409);
    expect(start.body.error).toMatchObject({ code: 'invalid_state', message: expect.stringContaining('phases[0].endDate') });
    expect((await office.get(`/api/campaigns/${draft}`)).body.status).toBe('draft');
  });

  it('gives a finding recorded after the rectification phase the end of the phase now running, never a deadline already past', async () => {
    const id = await startedCampaign();
    // The campaign as it stands weeks later: check and rectification phases over, consolidation running.
    const phases = [
      { id: 'p1', name: '全面排查摸底', kind: 'check', endDate: inDays(-40) },
      { id: 'p2', name: '全面整改落实', kind: 'rectify', endDate: inDays(-20) },
      { id: 'p3', name: '巩固提升脱贫成果', kind: 'consolidate', endDate: inDays(30) },
    ];
    await stack.database.collection('campaigns').updateOne({ _id: id as never }, { $set: { phases, phaseIndex: 2 } });
    const late = await townA.post(`/api/campaigns/${id}/findings`, finding('整改阶段后发现的问题'));
    expect(late.status).toBe(201);
    expect(late.body).toMatchObject({ dueDate: inDays(30), escalation: { level: 0, accountability: false } });
    expect(late.body.light).not.toBe('red');
    const stored = await until('the finding projected', () => townA.get(`/api/rectifications/${late.body.id}`), (r) => r.status === 200);
    expect(stored.body).toMatchObject({ dueDate: inDays(30), escalation: { level: 0 } });
    // The township's leader is told of the finding's item (交办).
    await until('the leader told', () => townAHead.get('/api/notifications?limit=100'), (r) => r.body.items?.some((n: { subject: { id: string } }) => n.subject.id === late.body.id));
  });
});
