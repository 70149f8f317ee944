import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CATEGORY_LABELS,
  DEFAULT_EVALUATION_POLICY,
  LEDGER_COLUMNS,
  SOURCE_LABELS,
  light,
  overdueDaysWithin,
  parsePeriod,
  quarterOf,
  scoreUnit,
  shanghaiDate,
  type RectificationState,
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
let targetOffice: ApiClient;

const inDays = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000));
const UNIT_NAMES = new Map(testCounty.units.map((u) => [u.id, u.name]));
const header: string[] = LEDGER_COLUMNS.map((c) => c.header);
const col = (name: string) => header.indexOf(name);

type Record_ = RectificationState & { unitScope: string[]; escalationOpen: boolean; escalationLevel: number };

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

let pastDueId: string;

beforeAll(async () => {
  [source, target] = await Promise.all([startStack(testCounty), startStack(testCounty)]);
  const login = (stack: Stack, username: string) => stack.api.login(username, PASSWORD);
  [office, water, townA, targetOffice] = await Promise.all([login(source, 'office'), login(source, 'water'), login(source, 'town-a'), login(target, 'office')]);
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
  // A problem list from the province with a deadline already past: imported, it starts red (a red notice at once).
  const file = await workbookOf([
    ['问题标题', '问题描述', '问题来源', '问题类别', '责任单位', '整改时限'],
    ['二村低保动态调整不及时', '二村 3 户低保对象未按期复核。', '市委巡察', '兜底保障', '甲镇二村', inDays(-3)],
  ]);
  const imported = await office.postForm('/api/imports/rectifications', formOf(file));
  expect(imported.status).toBe(201);
  expect(imported.body.created).toBe(1);
  pastDueId = imported.body.items[0].id as string;
  await until('the red notice of the past-due item', async () => ((await records(source)).find((r) => r.id === pastDueId)?.notices ?? []).some((n) => n.colour === 'red' && n.number));
}, 120_000);

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
    // A bulk export of business data is recorded in the audit trail like a state change.
    await until('the audit entry of the export', async () => (await source.database.collection('audit_log').countDocuments({ action: 'GET /api/reports/ledger' })) > 0);
  });

  it('filters by source, unit, status, light and registration date', async () => {
    const all = await records(source);
    const count = async (query: string) => (await download(office, source.baseUrl, `/api/reports/ledger?${query}`)).rows.length - 1;
    expect(await count('source=provincial_assessment')).toBe(all.filter((r) => r.source === 'provincial_assessment').length);
    expect(await count('unitId=town-a')).toBe(all.filter((r) => r.unitScope.includes('town-a')).length);
    expect(await count('status=plan_submitted')).toBe(1);
    expect(await count('light=red')).toBe(1);
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
    expect(preview.body.items.filter((i: { pastDue: boolean }) => i.pastDue)).toHaveLength(1);
    expect(await target.countWorkflows()).toBe(0);

    const imported = await targetOffice.postForm('/api/imports/rectifications', formOf(file));
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ rows: exported.length - 1, created: exported.length - 1, existing: 0 });

    const shape = (r: Record_) => ({ title: r.title, lead: r.leadUnitId, co: [...r.coUnitIds].sort(), source: r.source, category: r.category, due: r.dueAt, severity: r.severity });
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
  const direct = (items: Record_[], now: Date) => {
    const lights: Record<string, number> = { green: 0, blue: 0, yellow: 0, red: 0, none: 0 };
    const statuses: Record<string, number> = {};
    for (const r of items) {
      lights[light(r, now) ?? 'none']! += 1;
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    }
    return { lights, statuses };
  };

  it('counts equal direct counts over the items, for the office and for a unit', async () => {
    const all = await records(source);
    for (const [as, scope] of [
      [office, undefined],
      [townA, 'town-a'],
    ] as const) {
      const { status, body } = await as.get('/api/reports/dashboard');
      expect(status).toBe(200);
      const items = scope ? all.filter((r) => r.unitScope.includes(scope)) : all;
      const now = new Date(body.generatedAt);
      expect(body.total).toBe(items.length);
      const { lights, statuses } = direct(items, now);
      expect(body.lights).toEqual(lights);
      expect(body.statuses).toEqual(statuses);
      for (const group of body.byUnit) expect(group.total).toBe(items.filter((r) => r.leadUnitId === group.key).length);
      for (const group of body.bySource) {
        expect(group.total).toBe(items.filter((r) => r.source === group.key).length);
        expect(group.label).toBe(SOURCE_LABELS[group.key as keyof typeof SOURCE_LABELS]);
      }
      for (const group of body.byCategory) {
        expect(group.total).toBe(items.filter((r) => r.category === group.key).length);
        expect(group.label).toBe(CATEGORY_LABELS[group.key as keyof typeof CATEGORY_LABELS]);
      }
      expect(body.byUnit.reduce((s: number, g: { total: number }) => s + g.total, 0)).toBe(items.length);
      const red = items.filter((r) => light(r, now) === 'red');
      expect(body.overdueRanking.reduce((s: number, g: { overdueItems: number }) => s + g.overdueItems, 0)).toBe(red.length);
      expect(body.onTime).toEqual({ closed: 0, closedOnTime: 0, overdueOpen: red.length, rate: red.length > 0 ? 0 : null });
      expect(body.monthlyTrend).toEqual([{ month: shanghaiDate(now).slice(0, 7), registered: items.length, closed: 0 }]);
      expect(body.escalationsOpen.total).toBe(items.filter((r) => r.escalationOpen).length);
    }
    const town = (await townA.get('/api/reports/dashboard')).body;
    expect(town.byUnit.map((g: { key: string }) => g.key).every((k: string) => ['town-a', 'village-a1', 'village-a2', 'water', 'health'].includes(k))).toBe(true);
    expect(town.total).toBeLessThan(all.length);
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
      lookBackFailures: 0,
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
    for (const unit of body.units) {
      const counters = directCounters(all, unit.unitId, now);
      const { noticesByQuarter: _q, ...shown } = counters;
      expect(unit.counters, unit.unitId).toEqual(shown);
      expect(unit.score, unit.unitId).toBe(scoreUnit(counters, DEFAULT_EVALUATION_POLICY).score);
    }
    const water = body.units.find((u: { unitId: string }) => u.unitId === 'water');
    expect(water.counters.returns).toBe(1);
    expect(water.score).toBe(99);
    const village2 = body.units.find((u: { unitId: string }) => u.unitId === 'village-a2');
    expect(village2.counters.notices.red).toBeGreaterThanOrEqual(1);
    expect(village2.counters.due).toBe(1);
    expect(village2.counters.onTime).toBe(0);
    expect(body.units.map((u: { rank: number }) => u.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(body.units.at(-1).unitId).toBe('village-a2');
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
