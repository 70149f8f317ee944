import ExcelJS from 'exceljs';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECTIFICATION_WORKFLOW, workflowIds, type RectificationWorkflowInput } from '@duban/contracts';
import {
  CATEGORY_LABELS,
  DEFAULT_EVALUATION_POLICY,
  LEDGER_COLUMNS,
  RUNNING_STATUSES,
  SOURCE_LABELS,
  light,
  overdueDaysWithin,
  parsePeriod,
  quarterOf,
  scoreUnit,
  shanghaiDate,
  type RectificationState,
  type Role,
  type UnitCounters,
} from '@duban/domain';
import { PASSWORD, testCounty } from './support/org-fixture.js';
import { downloadSheet as download } from './support/xlsx.js';
import { startStack, type ApiClient, type Stack } from './support/stack.js';

/** Two counties' worth of servers: `source` is populated, `target` starts empty and receives the exported ledger. */
let source: Stack;
let target: Stack;
let office: ApiClient;
let water: ApiClient;
let townA: ApiClient;
let health: ApiClient;
let villageA1: ApiClient;
let inspector: ApiClient;
let targetOffice: ApiClient;

const inDays = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000));
const UNIT_NAMES = new Map(testCounty.units.map((u) => [u.id, u.name]));
const header: string[] = LEDGER_COLUMNS.map((c) => c.header);
const col = (name: string) => header.indexOf(name);

type Record_ = RectificationState & { unitScope: string[]; escalationOpen: boolean; escalationLevel: number; lookBackFailures?: { at: string; lookBackId: string }[] };
const DAY = 86_400_000;

const ITEMS = [
  { title: '甲镇部分脱贫户饮水安全保障不到位', source: 'provincial_assessment', category: 'drinking_water', leadUnitId: 'water', coUnitIds: ['town-a'], dueDate: inDays(60) },
  { title: '一村危房改造未验收', source: 'anonymous_visit', category: 'housing', leadUnitId: 'village-a1', coUnitIds: [], dueDate: inDays(30) },
  { title: '二村医保参保率不足', source: 'policy_audit', category: 'health', leadUnitId: 'village-a2', coUnitIds: ['health'], dueDate: inDays(45) },
  { title: '卫健委家庭医生签约流于形式', source: 'provincial_assessment', category: 'health', leadUnitId: 'health', coUnitIds: [], dueDate: inDays(2) },
  { title: '甲镇产业项目资金拨付滞后', source: 'national_post_evaluation', category: 'funds_projects', leadUnitId: 'town-a', coUnitIds: ['water', 'health'], dueDate: inDays(90) },
].map((item, i) => ({ ...item, description: `问题描述 ${i + 1}：${item.title}，经核查属实。`, severity: 'general' }));

async function workbookOf(rows: unknown[][]): Promise<Blob> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('问题清单');
  for (const row of rows) sheet.addRow(row);
  const buffer = await workbook.xlsx.writeBuffer();
  return new Blob([buffer as ArrayBuffer], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
}

const formOf = (file: Blob, fields: Record<string, string> = {}) => {
  const form = new FormData();
  form.append('file', file, '问题清单.xlsx');
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return form;
};

const records = async (stack: Stack): Promise<Record_[]> => (await stack.database.collection('rectifications').find({}).toArray()) as unknown as Record_[];

async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

let onTimeId: string;
let lateId: string;
let lookBackItemId: string;

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082',
  'hex',
);
const SEED_ACTOR = { userId: 'seed', name: '台账导入', unitId: 'office', roles: ['office' as Role] };
const recordOf = async (id: string) => (await records(source)).find((r) => r.id === id);

async function register(item: { title: string; source: string; category: string; leadUnitId: string; dueDate: string }): Promise<string> {
  const { status, body } = await office.post('/api/rectifications', { ...item, description: `${item.title}，经核查属实。`, severity: 'general', coUnitIds: [] });
  expect(status).toBe(201);
  return body.id as string;
}

/** Signs, plans, gets the plan approved, reports progress (when given) and completion: the item waits for acceptance. */
async function rectify(lead: ApiClient, id: string, plan: { measures: string; targetDate: string; responsiblePerson: string }, progress?: string): Promise<void> {
  expect((await lead.post(`/api/rectifications/${id}/sign`, {})).status).toBe(200);
  expect((await lead.post(`/api/rectifications/${id}/plan`, plan)).status).toBe(200);
  expect((await office.post(`/api/rectifications/${id}/plan/approve`, { note: '同意' })).status).toBe(200);
  if (progress) expect((await lead.post(`/api/rectifications/${id}/progress`, { summary: progress })).status).toBe(200);
  expect((await lead.post(`/api/rectifications/${id}/completion`, { summary: '整改全部完成，经自查合格' })).status).toBe(200);
}

const signOff = async (id: string) => expect((await office.post(`/api/rectifications/${id}/sign-off`, { note: '验收通过' })).body.status).toBe('closed');

beforeAll(async () => {
  [source, target] = await Promise.all([startStack(testCounty), startStack(testCounty)]);
  const login = (stack: Stack, username: string) => stack.api.login(username, PASSWORD);
  [office, water, townA, health, villageA1, inspector, targetOffice] = await Promise.all(
    [login(source, 'office'), login(source, 'water'), login(source, 'town-a'), login(source, 'health'), login(source, 'village-a1'), login(source, 'inspector'), login(target, 'office')],
  );
  const ids: string[] = [];
  for (const item of ITEMS) {
    const { status, body } = await office.post('/api/rectifications', item);
    expect(status).toBe(201);
    ids.push(body.id as string);
  }
  // The water bureau signs its item and submits a plan; the office returns it once (a return), then it is resubmitted.
  expect((await water.post(`/api/rectifications/${ids[0]}/sign`, {})).status).toBe(200);
  const plan = { measures: '建立台账，逐户落实应急供水', targetDate: inDays(40), responsiblePerson: '水利局 张三' };
  expect((await water.post(`/api/rectifications/${ids[0]}/plan`, plan)).status).toBe(200);
  expect((await office.post(`/api/rectifications/${ids[0]}/plan/return`, { reason: '措施不具体' })).status).toBe(200);
  expect((await water.post(`/api/rectifications/${ids[0]}/plan`, plan)).status).toBe(200);
  // A problem list from the province with deadlines already past: imported, the items start red (a red notice at once);
  // the one 10 days late is escalated to the office (level 1), the one 40 days late to the leader (level 2).
  const file = await workbookOf([
    ['问题标题', '问题描述', '问题来源', '问题类别', '责任单位', '整改时限'],
    ['二村低保动态调整不及时', '二村 3 户低保对象未按期复核。', '市委巡察', '兜底保障', '甲镇二村', inDays(-3)],
    ['二村公益岗位人员管理不规范', '二村公益岗位 2 人长期不在岗。', '市委巡察', '就业帮扶', '甲镇二村', inDays(-2)],
    ['卫健委大病专项救治台账不全', '大病专项救治台账缺 5 户随访记录。', '市委巡察', '基本医疗', '县卫健委', inDays(-10)],
    ['甲镇扶贫车间长期闲置', '甲镇扶贫车间建成后闲置一年以上。', '市委巡察', '资金项目', '甲镇', inDays(-40)],
  ]);
  const imported = await office.postForm('/api/imports/rectifications', formOf(file));
  expect(imported.status).toBe(201);
  expect(imported.body.created).toBe(4);
  const importedIds = (imported.body.items as { id: string }[]).map((i) => i.id);

  // Closed on time: the health commission rectifies, reports progress and completion; signed off before the deadline.
  onTimeId = await register({ title: '卫健委村医培训未落实', source: 'policy_audit', category: 'health', leadUnitId: 'health', dueDate: inDays(20) });
  await rectify(health, onTimeId, { measures: '组织村医集中轮训', targetDate: inDays(10), responsiblePerson: '卫健委 刘科长' }, '已完成第一期培训 12 人');
  await signOff(onTimeId);

  // Closed late: an item from a ledger kept before Duban, due a few seconds from now (started through Temporal: the API
  // takes whole days), rectified, and signed off only once its deadline has passed and its red notice is out.
  lateId = randomUUID();
  const lateDue = new Date(Date.now() + 3_000);
  const input: RectificationWorkflowInput = {
    item: {
      id: lateId,
      title: '卫健委慢病签约随访滞后',
      description: '慢病患者签约随访记录缺失。',
      source: 'provincial_assessment',
      category: 'health',
      severity: 'general',
      leadUnitId: 'health',
      coUnitIds: [],
      dueAt: lateDue.toISOString(),
      verifierUnitId: null,
    },
    registeredBy: SEED_ACTOR,
  };
  await source.temporal.workflow.start(RECTIFICATION_WORKFLOW, { workflowId: workflowIds.rectification(lateId), taskQueue: source.taskQueue, args: [input] });
  await until('the late item in the read model', async () => (await recordOf(lateId)) !== undefined);
  await rectify(health, lateId, { measures: '逐户补齐随访', targetDate: shanghaiDate(lateDue), responsiblePerson: '卫健委 刘科长' });
  await until('the red notice of the late item', async () => ((await recordOf(lateId))?.notices ?? []).some((n) => n.colour === 'red' && n.number));
  await signOff(lateId);

  // Village A1 has two plans returned twice each: two yellow notices in one quarter (the default rule: 发函提醒).
  for (const title of ['一村产业帮扶项目收益分配不规范', '一村防返贫监测户识别不精准']) {
    const id = await register({ title, source: 'anonymous_visit', category: 'industry', leadUnitId: 'village-a1', dueDate: inDays(25) });
    expect((await villageA1.post(`/api/rectifications/${id}/sign`, {})).status).toBe(200);
    for (const reason of ['措施不具体', '责任未落实到人']) {
      expect((await villageA1.post(`/api/rectifications/${id}/plan`, { measures: '重新核定', targetDate: inDays(20), responsiblePerson: '一村 赵书记' })).status).toBe(200);
      expect((await office.post(`/api/rectifications/${id}/plan/return`, { reason })).status).toBe(200);
    }
  }

  // A closed item of village A1 fails its look-back (回头看): reopened with a new deadline, and counted against the unit.
  lookBackItemId = await register({ title: '一村饮水管网维修不到位', source: 'anonymous_visit', category: 'drinking_water', leadUnitId: 'village-a1', dueDate: inDays(30) });
  await rectify(villageA1, lookBackItemId, { measures: '更换老化管网', targetDate: inDays(20), responsiblePerson: '一村 赵书记' });
  await signOff(lookBackItemId);
  const me = (await inspector.get('/api/auth/me')).body;
  const lookBack = await office.post('/api/lookbacks', { unitId: 'village-a1', ratio: 1, inspectorId: me.id ?? me.userId });
  expect(lookBack.status).toBe(201);
  expect(lookBack.body.entries.map((e: { itemId: string }) => e.itemId)).toEqual([lookBackItemId]);
  const evidence = new FormData();
  evidence.append('file', new Blob([PNG], { type: 'image/png' }), '复核照片.png');
  const photo = await inspector.postForm(`/api/lookbacks/${lookBack.body.id}/items/${lookBackItemId}/evidence`, evidence);
  expect(photo.status).toBe(201);
  const failed = await inspector.post(`/api/lookbacks/${lookBack.body.id}/items/${lookBackItemId}/result`, {
    outcome: 'failed',
    note: '管网仍有渗漏',
    newDueDate: inDays(15),
    attachmentIds: [photo.body.id],
  });
  expect(failed.status).toBe(200);

  // Everything the processes do by themselves is out before the reports are read.
  const numbered = (r: Record_ | undefined, colour: string) => (r?.notices ?? []).filter((n) => n.colour === colour && n.number).length;
  await until('the red notices of the imported items', async () => {
    const all = await records(source);
    return importedIds.every((id) => numbered(all.find((r) => r.id === id), 'red') > 0);
  });
  await until('the escalations of the long-overdue items', async () => {
    const all = await records(source);
    const level = (id: string) => all.find((r) => r.id === id)?.escalationLevel ?? 0;
    return level(importedIds[2]!) >= 1 && level(importedIds[3]!) === 2;
  });
  await until('two yellow notices to village A1', async () => {
    const mine = (await records(source)).filter((r) => r.leadUnitId === 'village-a1');
    return mine.reduce((n, r) => n + numbered(r, 'yellow'), 0) === 2;
  });
  await until('the reopened item in the read model', async () => {
    const r = await recordOf(lookBackItemId);
    return r?.status === 'rectifying' && (r.lookBackFailures ?? []).length === 1 && numbered(r, 'red') === 1;
  });
}, 180_000);

afterAll(async () => {
  await Promise.all([source?.close(), target?.close()]);
});

describe('ledger export (整改台账)', () => {
  it('exports every item with Chinese labels, unit names and Shanghai dates, streamed as XLSX', async () => {
    const all = await records(source);
    const { status, type, rows } = await download(office, source.baseUrl, '/api/reports/ledger');
    expect(status).toBe(200);
    expect(type).toContain('spreadsheetml');
    expect(rows[0]).toEqual(header);
    expect(rows).toHaveLength(all.length + 1);
    const byTitle = new Map(rows.slice(1).map((r) => [r[col('问题标题')], r]));
    const first = byTitle.get(ITEMS[0]!.title)!;
    expect(first[col('问题来源')]).toBe('省考核');
    expect(first[col('问题类别')]).toBe('饮水安全');
    expect(first[col('责任单位')]).toBe('县水利局');
    expect(first[col('配合单位')]).toBe('甲镇');
    expect(first[col('整改时限')]).toBe(ITEMS[0]!.dueDate);
    expect(first[col('整改措施')]).toBe('建立台账，逐户落实应急供水');
    expect(first[col('责任人')]).toBe('水利局 张三');
    expect(first[col('状态')]).toBe('整改方案待审核');
    const late = byTitle.get('二村低保动态调整不及时')!;
    expect(late[col('亮灯')]).toBe('红灯');
    expect(String(late[col('督办单')])).toMatch(/红字第\d+号/);
    expect(rows.slice(1).map((r) => r[0])).toEqual(rows.slice(1).map((_r, i) => i + 1));
    // A closed item: its description, its progress (the last report, then the completion) and its sign-off date.
    const closed = all.find((r) => r.id === onTimeId)!;
    const done = byTitle.get('卫健委村医培训未落实')!;
    expect(done[col('问题描述')]).toBe('卫健委村医培训未落实，经核查属实。');
    expect(done[col('整改进展')]).toBe('已完成第一期培训 12 人\n报结：整改全部完成，经自查合格');
    expect(done[col('销号时间')]).toBe(shanghaiDate(closed.closedAt!));
    expect(done[col('销号时间')]).toBe(inDays(0));
    expect(done[col('状态')]).toBe('已验收销号');
    expect(done[col('亮灯')] ?? '').toBe('');
    expect(byTitle.get(ITEMS[0]!.title)![col('销号时间')] ?? '').toBe('');
    // A bulk export of business data is recorded in the audit trail like a state change.
    await until('the audit entry of the export', async () => (await source.database.collection('audit_log').countDocuments({ action: 'GET /api/reports/ledger' })) > 0);
  });

  it('filters by source, unit, status, light and registration date', async () => {
    const all = await records(source);
    const count = async (query: string) => (await download(office, source.baseUrl, `/api/reports/ledger?${query}`)).rows.length - 1;
    expect(await count('source=provincial_assessment')).toBe(all.filter((r) => r.source === 'provincial_assessment').length);
    expect(await count('unitId=town-a')).toBe(all.filter((r) => r.unitScope.includes('town-a')).length);
    expect(await count('status=plan_submitted')).toBe(all.filter((r) => r.status === 'plan_submitted').length);
    expect(await count('status=closed')).toBe(all.filter((r) => r.status === 'closed').length);
    const red = all.filter((r) => light(r, new Date()) === 'red').length;
    expect(red).toBeGreaterThanOrEqual(4);
    expect(await count('light=red')).toBe(red);
    expect(await count(`from=${inDays(0)}&to=${inDays(0)}`)).toBe(all.length);
    expect(await count(`from=${inDays(1)}`)).toBe(0);
    expect((await office.get('/api/reports/ledger?light=purple')).status).toBe(400);
  });

  it("gives a unit only its subtree's items, whatever unit it asks for", async () => {
    const all = await records(source);
    const mine = all.filter((r) => r.unitScope.includes('town-a')).map((r) => r.title).sort();
    const town = await download(townA, source.baseUrl, '/api/reports/ledger');
    expect(town.rows.slice(1).map((r) => r[col('问题标题')]).sort()).toEqual(mine);
    const asked = await download(townA, source.baseUrl, '/api/reports/ledger?unitId=health');
    const both = all.filter((r) => r.unitScope.includes('town-a') && r.unitScope.includes('health')).length;
    expect(asked.rows.length - 1).toBe(both);
    const waterOnly = await download(water, source.baseUrl, '/api/reports/ledger');
    expect(waterOnly.rows.slice(1).every((r) => all.find((x) => x.title === r[col('问题标题')])!.unitScope.includes('water'))).toBe(true);
  });
});

describe('import of problem lists', () => {
  let exported: unknown[][];

  beforeAll(async () => {
    exported = (await download(office, source.baseUrl, '/api/reports/ledger')).rows;
  });

  it('round trip: the exported ledger imported into an empty system gives the same items', async () => {
    const file = await workbookOf(exported);
    const preview = await targetOffice.postForm('/api/imports/rectifications/preview', formOf(file));
    expect(preview.status).toBe(200);
    expect(preview.body.errors).toEqual([]);
    expect(preview.body.valid).toBe(exported.length - 1);
    const today = shanghaiDate(new Date());
    expect(preview.body.items.filter((i: { pastDue: boolean }) => i.pastDue)).toHaveLength((await records(source)).filter((r) => shanghaiDate(r.dueAt) < today).length);
    expect(await target.countWorkflows()).toBe(0);

    const imported = await targetOffice.postForm('/api/imports/rectifications', formOf(file));
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ rows: exported.length - 1, created: exported.length - 1, existing: 0 });

    // The ledger carries deadlines as dates (整改时限), so the late item's deadline (an instant) comes back as its day.
    const shape = (r: Record_) => ({ title: r.title, lead: r.leadUnitId, co: [...r.coUnitIds].sort(), source: r.source, category: r.category, due: shanghaiDate(r.dueAt), severity: r.severity });
    const bySort = (a: { title: string }, b: { title: string }) => a.title.localeCompare(b.title);
    expect((await records(target)).map(shape).sort(bySort)).toEqual((await records(source)).map(shape).sort(bySort));
  });

  it('re-importing the same file creates nothing new', async () => {
    const before = await target.countWorkflows();
    const again = await targetOffice.postForm('/api/imports/rectifications', formOf(await workbookOf(exported)));
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ created: 0, existing: exported.length - 1 });
    expect(await target.countWorkflows()).toBe(before);
    expect(await records(target)).toHaveLength(exported.length - 1);
  });

  it('a retried half-finished import completes without duplicates', async () => {
    const before = (await records(target)).length;
    // Half of a new list was imported before the import broke off; the retry sends the whole list.
    const rows = [0, 1, 2, 3].map((i) => ['新清单问题' + i, `新清单问题描述 ${i}`, '暗访', '就业帮扶', '县卫健委', inDays(20 + i)]);
    const head = ['问题标题', '问题描述', '问题来源', '问题类别', '责任单位', '整改时限'];
    expect((await targetOffice.postForm('/api/imports/rectifications', formOf(await workbookOf([head, ...rows.slice(0, 2)])))).body.created).toBe(2);
    const retry = await targetOffice.postForm('/api/imports/rectifications', formOf(await workbookOf([head, ...rows])));
    expect(retry.body).toMatchObject({ created: 2, existing: 2 });
    expect(await records(target)).toHaveLength(before + 4);
  });

  it('a file with bad rows imports nothing and reports every bad row with row and column', async () => {
    const before = await target.countWorkflows();
    const file = await workbookOf([
      ['问题标题', '问题描述', '问题来源', '问题类别', '责任单位', '配合单位', '整改时限'],
      ['好的一行', '描述', '暗访', '住房安全', '县水利局', '', inDays(30)],
      ['未知单位', '描述', '暗访', '住房安全', '不存在的局', '', inDays(30)],
      ['日期错误', '描述', '暗访', '住房安全', '县水利局', '', '2026-02-30'],
      ['缺描述', '', '暗访', '住房安全', '县水利局', '外星办', inDays(30)],
      ['类别错误', '描述', '暗访', '吃饭问题', '甲镇', '', '下个月'],
    ]);
    const preview = await targetOffice.postForm('/api/imports/rectifications/preview', formOf(file));
    expect(preview.status).toBe(200);
    const expected = [
      { row: 3, column: '责任单位', message: '未知单位“不存在的局”' },
      { row: 4, column: '整改时限', message: '整改时限“2026-02-30”不是有效日期' },
      { row: 5, column: '问题描述', message: '问题描述不能为空' },
      { row: 5, column: '配合单位', message: '未知单位“外星办”' },
      { row: 6, column: '问题类别', message: '未知问题类别“吃饭问题”' },
      { row: 6, column: '整改时限', message: '整改时限“下个月”不是有效日期' },
    ];
    expect(preview.body.errors).toEqual(expected);
    expect(preview.body.valid).toBe(1);

    const refused = await targetOffice.postForm('/api/imports/rectifications', formOf(file));
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('invalid_input');
    expect(refused.body.error.details.rows).toEqual(expected);
    expect(await target.countWorkflows()).toBe(before);
    expect((await records(target)).some((r) => r.title === '好的一行')).toBe(false);
  });

  it('remembers the column mapping per source, and refuses what is not a workbook', async () => {
    const mapping = { title: '标题', description: '存在问题', category: '类别', leadUnit: '牵头单位', dueDate: '完成时限' };
    expect((await targetOffice.put('/api/imports/mappings/municipal_inspection', mapping)).status).toBe(200);
    expect((await targetOffice.get('/api/imports/mappings/municipal_inspection')).body).toEqual(mapping);
    const file = await workbookOf([
      ['标题', '存在问题', '类别', '牵头单位', '完成时限'],
      ['巡察反馈问题', '资金使用不规范', '资金项目', '县水利局', inDays(50)],
    ]);
    const preview = await targetOffice.postForm('/api/imports/rectifications/preview', formOf(file, { source: 'municipal_inspection' }));
    expect(preview.body.errors).toEqual([]);
    expect(preview.body.items[0]).toMatchObject({ title: '巡察反馈问题', source: 'municipal_inspection', category: 'funds_projects', leadUnitId: 'water' });
    const withoutSource = await targetOffice.postForm('/api/imports/rectifications/preview', formOf(file));
    expect(withoutSource.body.errors.length).toBeGreaterThan(0);
    const notXlsx = await targetOffice.postForm('/api/imports/rectifications/preview', formOf(new Blob(['not a workbook'])));
    expect(notXlsx.status).toBe(400);
    expect(notXlsx.body.error.details.fields[0].field).toBe('file');
    expect((await water.postForm('/api/imports/rectifications', formOf(file))).status).toBe(403);
  });
});

describe('dashboards', () => {
  type Group = { key: string; total: number };
  /** The dashboard as counted directly over the items (workflow state in the read model), at the dashboard's instant. */
  const direct = (items: Record_[], now: Date) => {
    const lights: Record<string, number> = { green: 0, blue: 0, yellow: 0, red: 0, none: 0 };
    const statuses: Record<string, number> = {};
    for (const r of items) {
      lights[light(r, now) ?? 'none']! += 1;
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    }
    const closed = items.filter((r) => r.status === 'closed' && r.closedAt);
    const closedOnTime = closed.filter((r) => Date.parse(r.closedAt!) <= Date.parse(r.dueAt)).length;
    const red = items.filter((r) => light(r, now) === 'red');
    const settled = closed.length + red.length;
    const ranking = [...new Set(red.map((r) => r.leadUnitId))]
      .map((unitId) => {
        const mine = red.filter((r) => r.leadUnitId === unitId);
        const overdueDays = mine.reduce((sum, r) => sum + Math.ceil((now.getTime() - Date.parse(r.dueAt)) / DAY), 0);
        return { unitId, unitName: UNIT_NAMES.get(unitId), overdueItems: mine.length, overdueDays };
      })
      .sort((a, b) => b.overdueItems - a.overdueItems || b.overdueDays - a.overdueDays || a.unitId.localeCompare(b.unitId));
    const month = (at: string) => shanghaiDate(at).slice(0, 7);
    const months = [...new Set([...items.map((r) => month(r.registeredAt)), ...closed.map((r) => month(r.closedAt!))])].sort();
    const trend = months.map((m) => ({ month: m, registered: items.filter((r) => month(r.registeredAt) === m).length, closed: closed.filter((r) => month(r.closedAt!) === m).length }));
    // Open escalations from the workflow's own escalation record: escalated, not yet handled, the item still running.
    const open = items.filter((r) => RUNNING_STATUSES.includes(r.status) && r.escalation.level > 0 && r.escalation.handled === null);
    const level1 = open.filter((r) => r.escalation.level === 1).length;
    const level2 = open.filter((r) => r.escalation.level === 2).length;
    return {
      total: items.length,
      lights,
      statuses,
      onTime: { closed: closed.length, closedOnTime, overdueOpen: red.length, rate: settled > 0 ? closedOnTime / settled : null },
      overdueRanking: ranking,
      monthlyTrend: trend,
      escalationsOpen: { level1, level2, total: level1 + level2 },
    };
  };

  const expectDirect = (body: Record<string, unknown> & { generatedAt: string; byUnit: Group[]; bySource: Group[]; byCategory: Group[] }, items: Record_[], label: string) => {
    const { byUnit, bySource, byCategory, generatedAt, ...counted } = body;
    expect(counted, label).toEqual(direct(items, new Date(generatedAt)));
    for (const group of byUnit) expect(group.total, label).toBe(items.filter((r) => r.leadUnitId === group.key).length);
    for (const group of bySource) {
      expect(group.total, label).toBe(items.filter((r) => r.source === group.key).length);
      expect((group as Group & { label: string }).label).toBe(SOURCE_LABELS[group.key as keyof typeof SOURCE_LABELS]);
    }
    for (const group of byCategory) {
      expect(group.total, label).toBe(items.filter((r) => r.category === group.key).length);
      expect((group as Group & { label: string }).label).toBe(CATEGORY_LABELS[group.key as keyof typeof CATEGORY_LABELS]);
    }
    for (const groups of [byUnit, bySource, byCategory]) expect(groups.reduce((sum, g) => sum + g.total, 0), label).toBe(items.length);
  };

  it('counts, on-time rate, overdue ranking, trend and open escalations equal direct counts over the items, for the office and for a unit', async () => {
    const all = await records(source);
    for (const [as, scope] of [
      [office, undefined],
      [townA, 'town-a'],
    ] as const) {
      const { status, body } = await as.get('/api/reports/dashboard');
      expect(status).toBe(200);
      expectDirect(body, scope ? all.filter((r) => r.unitScope.includes(scope)) : all, scope ?? 'office');
    }
    // The fixture holds what each number is about: one item closed on time, one late; overdue units of different sizes;
    // escalations at both levels.
    const body = (await office.get('/api/reports/dashboard')).body;
    expect(body.onTime).toMatchObject({ closed: 2, closedOnTime: 1 });
    expect(body.onTime.rate).toBeCloseTo(1 / (2 + body.onTime.overdueOpen));
    expect(body.overdueRanking.map((g: { unitId: string }) => g.unitId)).toEqual(['village-a2', 'town-a', 'health']);
    expect(body.overdueRanking[0].overdueItems).toBe(2);
    expect(body.escalationsOpen).toEqual({ level1: 1, level2: 1, total: 2 });
    expect(body.monthlyTrend.reduce((sum: number, m: { closed: number }) => sum + m.closed, 0)).toBe(2);
    const town = (await townA.get('/api/reports/dashboard')).body;
    expect(town.byUnit.map((g: { key: string }) => g.key).every((k: string) => ['town-a', 'village-a1', 'village-a2', 'water', 'health'].includes(k))).toBe(true);
    expect(town.total).toBeLessThan(all.length);
  });

  it('filters by unit and source, intersected with a unit\'s own scope', async () => {
    const all = await records(source);
    const cases: [ApiClient, string, (r: Record_) => boolean][] = [
      [office, 'unitId=health', (r) => r.unitScope.includes('health')],
      [office, 'unitId=town-a', (r) => r.unitScope.includes('town-a')],
      [office, 'source=municipal_inspection', (r) => r.source === 'municipal_inspection'],
      [office, 'source=policy_audit', (r) => r.source === 'policy_audit'],
      [office, 'unitId=health&source=provincial_assessment', (r) => r.unitScope.includes('health') && r.source === 'provincial_assessment'],
      [townA, 'unitId=health', (r) => r.unitScope.includes('town-a') && r.unitScope.includes('health')],
    ];
    for (const [as, query, keep] of cases) {
      const { status, body } = await as.get(`/api/reports/dashboard?${query}`);
      expect(status, query).toBe(200);
      const items = all.filter(keep);
      expect(items.length, query).toBeGreaterThan(0);
      expect(items.length, query).toBeLessThan(all.length);
      expectDirect(body, items, query);
    }
    // The municipal inspection's list holds every overdue item and both escalations; the policy audit one closed item.
    const municipal = (await office.get('/api/reports/dashboard?source=municipal_inspection')).body;
    expect(municipal.escalationsOpen.total).toBe(2);
    expect(municipal.onTime.closed).toBe(0);
    const audit = (await office.get('/api/reports/dashboard?source=policy_audit')).body;
    expect(audit.onTime).toMatchObject({ closed: 1, closedOnTime: 1, overdueOpen: 0, rate: 1 });
    expect((await office.get('/api/reports/dashboard?source=nowhere')).status).toBe(400);
  });
});

describe('unit evaluation (单位考评)', () => {
  const period = () => quarterOf(new Date());

  function directCounters(items: Record_[], unitId: string, now: Date): UnitCounters {
    const p = parsePeriod(period())!;
    const within = (at: string | null | undefined) => !!at && Date.parse(at) >= p.from.getTime() && Date.parse(at) < p.to.getTime() && Date.parse(at) <= now.getTime();
    const mine = items.filter((r) => r.leadUnitId === unitId);
    const notices = mine.flatMap((r) => r.notices).filter((n) => within(n.issuedAt));
    const byQuarter: Record<string, number> = {};
    for (const n of notices) byQuarter[`${n.colour}@${quarterOf(n.issuedAt)}`] = (byQuarter[`${n.colour}@${quarterOf(n.issuedAt)}`] ?? 0) + 1;
    const dueItems = mine.filter((r) => within(r.dueAt));
    return {
      due: dueItems.length,
      onTime: dueItems.filter((r) => r.closedAt && r.closedAt <= r.dueAt).length,
      overdueDays: mine.reduce((s, r) => s + overdueDaysWithin(r.dueAt, r.closedAt ? new Date(r.closedAt) : now, { from: p.from, to: new Date(Math.min(p.to.getTime(), now.getTime())) }), 0),
      returns: mine.flatMap((r) => r.timeline).filter((t) => within(t.at) && (t.action === 'returnPlan' || t.action === 'returnCompletion')).length,
      // Failed look-backs as the look-back records them on the item, each look-back once, by the time of the failure.
      lookBackFailures: mine.reduce((sum, r) => sum + new Set((r.lookBackFailures ?? []).filter((f) => within(f.at)).map((f) => f.lookBackId)).size, 0),
      escalations: mine.flatMap((r) => r.timeline).filter((t) => within(t.at) && (t.action === 'escalate1' || t.action === 'escalate2')).length,
      notices: { blue: notices.filter((n) => n.colour === 'blue').length, yellow: notices.filter((n) => n.colour === 'yellow').length, red: notices.filter((n) => n.colour === 'red').length },
      noticesByQuarter: byQuarter,
    };
  }

  it('scores every unit from direct counts over its items, with the configured weights', async () => {
    const all = await records(source);
    const { status, body } = await office.get(`/api/reports/evaluation?period=${period()}`);
    expect(status).toBe(200);
    expect(body.policy).toEqual(DEFAULT_EVALUATION_POLICY);
    const now = new Date();
    expect(body.units.map((u: { unitId: string }) => u.unitId).sort()).toEqual(['health', 'town-a', 'village-a1', 'village-a2', 'water']);
    const expected = new Map<string, ReturnType<typeof scoreUnit>>();
    for (const unit of body.units) {
      const counters = directCounters(all, unit.unitId, now);
      const { noticesByQuarter: _q, ...shown } = counters;
      expect(unit.counters, unit.unitId).toEqual(shown);
      const scored = scoreUnit(counters, DEFAULT_EVALUATION_POLICY);
      expected.set(unit.unitId, scored);
      expect(unit.score, unit.unitId).toBe(scored.score);
      expect(unit.deductions, unit.unitId).toEqual(scored.deductions);
      expect(unit.warnings, unit.unitId).toEqual(scored.warnings);
    }
    // Ranked by score, best first (ties by unit id), from the scores computed here.
    const order = [...expected.entries()].sort(([a, x], [b, y]) => y.score - x.score || a.localeCompare(b)).map(([unitId]) => unitId);
    expect(body.units.map((u: { unitId: string }) => u.unitId)).toEqual(order);
    expect(body.units.map((u: { rank: number }) => u.rank)).toEqual([1, 2, 3, 4, 5]);

    // The fixture holds what each counter is about (none of these depends on where in the quarter the run falls).
    const unit = (id: string) => body.units.find((u: { unitId: string }) => u.unitId === id);
    expect(unit('water').counters.returns).toBe(1);
    expect(unit('water').score).toBe(99);
    expect(unit('village-a1').counters).toMatchObject({ returns: 4, lookBackFailures: 1, notices: { yellow: 2, red: 1 } });
    expect(unit('village-a1').warnings).toEqual([{ quarter: quarterOf(now), colour: 'yellow', count: 2, deduction: 2, measure: '发函提醒' }]);
    expect(unit('village-a1').deductions).toMatchObject({ returns: 4, lookBackFailures: 3, warnings: 2 });
    expect(unit('town-a').counters.escalations).toBe(2);
    expect(unit('health').counters.escalations).toBe(1);
    expect(unit('health').counters.notices.red).toBe(2);
    expect(unit('village-a2').counters.notices.red).toBe(2);
    expect(unit('village-a2').counters.onTime).toBe(0);
  });

  it('takes configured weights and warning rules; exports the ranking; scopes a unit to its subtree', async () => {
    const policy = { ...DEFAULT_EVALUATION_POLICY, perReturn: 4, warnings: [{ colour: 'red', count: 1, deduction: 10, measure: '约谈单位主要负责人' }] };
    expect((await water.put('/api/reports/evaluation/policy', policy)).status).toBe(403);
    expect((await office.put('/api/reports/evaluation/policy', policy)).status).toBe(200);
    expect((await office.put('/api/reports/evaluation/policy', { ...policy, perReturn: -1 })).status).toBe(400);
    const { body } = await office.get(`/api/reports/evaluation?period=${period()}`);
    expect(body.units.find((u: { unitId: string }) => u.unitId === 'water').score).toBe(96);
    const village2 = body.units.find((u: { unitId: string }) => u.unitId === 'village-a2');
    expect(village2.warnings).toEqual([expect.objectContaining({ colour: 'red', measure: '约谈单位主要负责人', deduction: 10 })]);

    const sheet = await download(office, source.baseUrl, `/api/reports/evaluation/export?period=${period()}`);
    expect(sheet.status).toBe(200);
    expect(sheet.rows[0]![0]).toBe('排名');
    expect(sheet.rows.slice(1).map((r) => [r[0], r[1], r[2]])).toEqual(body.units.map((u: { rank: number; unitName: string; score: number }) => [u.rank, u.unitName, u.score]));
    expect(sheet.rows.slice(1).map((r) => r[1])).toEqual(body.units.map((u: { unitId: string }) => UNIT_NAMES.get(u.unitId)));

    const town = (await townA.get(`/api/reports/evaluation?period=${period()}`)).body;
    expect(town.units.map((u: { unitId: string }) => u.unitId).sort()).toEqual(['town-a', 'village-a1', 'village-a2']);
    expect((await office.get('/api/reports/evaluation?period=2026-Q9')).status).toBe(400);
  });
});
