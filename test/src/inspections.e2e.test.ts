/**
 * 暗访督导 and 回头看 end to end over HTTP: plan → visit → publish → items in the units' inboxes → closed →
 * look-back → one reopened; the plan's confidentiality over every GET a unit can call; the draw's reproducibility.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { RECTIFICATION_WORKFLOW, registeredUpdate, workflowIds, type RectificationWorkflowInput } from '@duban/contracts';
import { drawSample, endOfShanghaiDay, shanghaiDate, uuidFromName } from '@duban/domain';
import { markLookBackFailure } from '@duban/persistence';
import { PASSWORD, testCounty } from './support/org-fixture.js';
import { startStack, type ApiClient, type Stack } from './support/stack.js';
import { until } from './support/until.js';
import { readDocx } from './support/docx.js';
import { downloadSheet, readWorkbook } from './support/xlsx.js';

let stack: Stack;
let office: ApiClient;
let inspector: ApiClient;
let leader: ApiClient;
let water: ApiClient;
let health: ApiClient;
let townA: ApiClient;
let villageA1: ApiClient;
let villageA2: ApiClient;
let units: Record<string, ApiClient>;

const inDays = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000));
const ids = (response: { body: { items: { id: string }[] } }) => response.body.items.map((i) => i.id);
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082',
  'hex',
);
const pngForm = () => {
  const form = new FormData();
  form.append('file', new Blob([PNG], { type: 'image/png' }), '暗访照片.png');
  return form;
};

beforeAll(async () => {
  stack = await startStack(testCounty);
  const login = (username: string) => stack.api.login(username, PASSWORD);
  [office, inspector, leader, water, health, townA, villageA1, villageA2] = await Promise.all([
    login('office'),
    login('inspector'),
    login('leader'),
    login('water'),
    login('health'),
    login('town-a'),
    login('village-a1'),
    login('village-a2'),
  ]);
  units = { leader, water, health, 'town-a': townA, 'village-a1': villageA1, 'village-a2': villageA2 };
});

afterAll(async () => {
  await stack?.close();
});

interface QueryParameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: { enum?: string[] };
}

/** Every GET of the OpenAPI document without a path parameter (the lists, counts, dashboards and exports), with its query parameters. */
async function parameterlessGets(): Promise<{ path: string; query: QueryParameter[] }[]> {
  const document = (await stack.api.get('/api/openapi.json')).body as { paths: Record<string, Record<string, { parameters?: QueryParameter[] }>> };
  return Object.entries(document.paths)
    .filter(([path, operations]) => 'get' in operations && !path.includes('{'))
    .map(([path, operations]) => ({ path, query: (operations.get!.parameters ?? []).filter((p) => p.in === 'query') }));
}

/**
 * The queries to try on a GET: only what it requires (and the longest page), then each filter alone, set to where a
 * leak would show (the source 暗访, the findings' category, the user's own unit with its sub-units, a window around
 * now, the first value of any other enumerated filter).
 */
function queriesOf(parameters: QueryParameter[], unitId: string): string[] {
  const year = inDays(0).slice(0, 4);
  const required: Record<string, string> = { period: year, year, from: inDays(-30), to: inDays(60) };
  const filters: Record<string, string> = { ...required, source: 'anonymous_visit', category: 'drinking_water', unitId, mine: 'false' };
  const base = new URLSearchParams();
  for (const p of parameters) {
    if (p.required) base.set(p.name, required[p.name] ?? '');
    else if (p.name === 'limit') base.set('limit', '100');
  }
  const queries = [base.toString()];
  for (const p of parameters) {
    if (p.required || p.name === 'limit') continue;
    const value = filters[p.name] ?? (p.schema?.enum?.includes('assigned') ? 'assigned' : p.schema?.enum?.[0]);
    if (value === undefined) continue;
    const filtered = new URLSearchParams(base);
    filtered.set(p.name, value);
    queries.push(filtered.toString());
  }
  return queries;
}

const tokenOf = (client: ApiClient) => (client as unknown as { token: string }).token;

/** A body as text, whatever it is: JSON, CSV or plain text, every cell of every sheet of an XLSX, the text of a DOCX. Throws on anything else. */
async function decode(call: string, type: string, body: Buffer): Promise<string> {
  if (body.length === 0) return '';
  if (type.includes('json')) return JSON.stringify(JSON.parse(body.toString('utf8')));
  if (type.includes('spreadsheetml')) return JSON.stringify(await readWorkbook(body));
  if (type.includes('wordprocessingml')) {
    const doc = await readDocx(body);
    return JSON.stringify([doc.paragraphs, doc.tables]);
  }
  if (type.startsWith('text/')) return body.toString('utf8');
  throw new Error(`${call}: a body of type ${type || '(none)'} that the test cannot read`);
}

interface Seen {
  status: number;
  type: string;
  text: string;
}

/**
 * What each non-office user gets from every such GET, raw body decoded to text: with only the parameters the call
 * requires, and with each of its filters. Every call must answer 200 or 403 (404 on the hidden inspection routes),
 * and every body must decode, or the test fails here: so each export is really read.
 */
async function everythingUnitsSee(): Promise<Map<string, Seen>> {
  const operations = await parameterlessGets();
  const seen = new Map<string, Seen>();
  for (const [who, client] of Object.entries(units)) {
    const unitId = (await client.get('/api/auth/me')).body.unitId as string;
    for (const { path, query } of operations) {
      for (const search of queriesOf(query, unitId)) {
        const url = search ? `${path}?${search}` : path;
        const call = `${who} GET ${url}`;
        const response = await fetch(stack.baseUrl + url, { headers: { authorization: `Bearer ${tokenOf(client)}` } });
        const type = response.headers.get('content-type') ?? '';
        const text = await decode(call, type, Buffer.from(await response.arrayBuffer()));
        // 403 for a role the route is not for; the inspection routes, hidden from other roles, answer 404.
        const expected = path.startsWith('/api/inspections') ? [404] : [200, 403];
        expect(expected, `${call} answered ${response.status}: ${text.slice(0, 300)}`).toContain(response.status);
        seen.set(call, { status: response.status, type, text });
      }
    }
  }
  return seen;
}

/** Replies that differ between two looks (ignoring instants and the export time), e.g. a count that moved. */
function changed(before: Map<string, Seen>, after: Map<string, Seen>): string[] {
  const stable = (text: string) => text.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/g, '<instant>');
  return [...after].filter(([call, reply]) => before.get(call)?.status !== reply.status || stable(before.get(call)!.text) !== stable(reply.text)).map(([call]) => call);
}

/** Every look-back failure mark on the items a unit leads, counted directly in the read model. */
async function failureMarksOf(unitId: string): Promise<number> {
  const items = await stack.database.collection('rectifications').find({ leadUnitId: unitId }).toArray();
  return items.reduce((n, item) => n + ((item.lookBackFailures as unknown[] | undefined)?.length ?? 0), 0);
}

describe('暗访督导', () => {
  let inspectionId: string;
  let findingIds: string[];
  let itemIds: string[];
  const secrets: string[] = [];
  let beforePlan: Map<string, Seen>;

  it('plans an inspection and records findings with evidence (device capture time and upload time kept)', async () => {
    beforePlan = await everythingUnitsSee();
    const planned = await inspector.post('/api/inspections', {
      title: '四不两直暗访第七组',
      targetUnitIds: ['village-a1', 'village-a2'],
      windowFrom: inDays(1),
      windowTo: inDays(5),
      team: ['周组长', '吴干事'],
    });
    expect(planned.status).toBe(201);
    expect(planned.body).toMatchObject({ status: 'planned', targetUnitIds: ['village-a1', 'village-a2'], findings: [], itemIds: [] });
    inspectionId = planned.body.id;

    const first = await inspector.post(`/api/inspections/${inspectionId}/findings`, {
      place: '甲镇一村三组饮水点',
      category: 'drinking_water',
      description: '集中供水点水压不足，三户日常用水靠肩挑。',
      responsibleUnitId: 'village-a1',
      suggestedDueDate: inDays(30),
    });
    expect(first.status).toBe(201);
    const second = await inspector.post(`/api/inspections/${inspectionId}/findings`, {
      place: '甲镇二村引水渠',
      category: 'drinking_water',
      description: '引水渠破损未修复，台账记录为已整改。',
      responsibleUnitId: 'water',
      suggestedDueDate: inDays(40),
    });
    expect(second.status).toBe(201);
    findingIds = [first.body.id, second.body.id];
    expect(first.body.itemId).toBe(uuidFromName(`finding:${first.body.id}`));

    const evidence = await inspector.postForm(`/api/inspections/${inspectionId}/findings/${first.body.id}/evidence?capturedAt=2026-01-05T09:30:00%2B08:00`, pngForm());
    expect(evidence.status).toBe(201);
    expect(evidence.body).toMatchObject({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), capturedAt: '2026-01-05T01:30:00.000Z' });

    const detail = await office.get(`/api/inspections/${inspectionId}`);
    expect(detail.body.status).toBe('visiting');
    expect(detail.body.findings[0].evidence).toEqual([
      expect.objectContaining({ attachmentId: evidence.body.id, sha256: evidence.body.sha256, capturedAt: '2026-01-05T01:30:00.000Z', uploadedAt: expect.any(String) }),
    ]);
    expect(Date.parse(detail.body.findings[0].evidence[0].uploadedAt)).toBeGreaterThan(Date.parse('2026-01-05T01:30:00.000Z'));
    expect((await inspector.get('/api/inspections')).body.items.map((i: { id: string }) => i.id)).toContain(inspectionId);
    secrets.push(inspectionId, ...findingIds, ...findingIds.map((f) => uuidFromName(`finding:${f}`)), '四不两直暗访第七组', '甲镇一村三组饮水点', '引水渠破损未修复');
  });

  it('keeps the plan invisible to every unit (and the leader) over every list, count and export, and answers alike for it and for nothing', async () => {
    const seen = await everythingUnitsSee();
    expect(seen.size).toBeGreaterThan(6 * 5 * 2);
    for (const [call, { text }] of seen) for (const secret of secrets) expect(text.includes(secret), `${call} shows ${secret}`).toBe(false);
    // The exports were read, not skipped: each unit's ledger and evaluation ranking came back as workbooks.
    for (const who of Object.keys(units)) {
      for (const path of ['/api/reports/ledger', '/api/reports/ledger?source=anonymous_visit', `/api/reports/evaluation/export?period=${inDays(0).slice(0, 4)}`]) {
        expect(seen.get(`${who} GET ${path}`), `${who} GET ${path}`).toMatchObject({ status: 200, type: expect.stringContaining('spreadsheetml') });
      }
    }
    // Nor does anything count it: every list, count and export answers exactly as before the plan.
    expect(changed(beforePlan, seen)).toEqual([]);

    const itemOfFinding = uuidFromName(`finding:${findingIds[0]}`);
    for (const client of Object.values(units)) {
      const real = await client.get(`/api/inspections/${inspectionId}`);
      const none = await client.get(`/api/inspections/${randomUUID()}`);
      expect(real.status).toBe(404);
      expect(real.body).toEqual(none.body);
      expect((await client.get('/api/inspections')).body).toEqual(none.body);
      for (const path of [`/api/rectifications/${itemOfFinding}`, `/api/rectifications/${itemOfFinding}/attachments`]) {
        const hidden = await client.get(path);
        if (hidden.status === 404) expect(hidden.body).toEqual((await client.get(path.replace(itemOfFinding, randomUUID()))).body);
        else expect(hidden.status).toBe(403);
      }
    }
    // Nothing was sent to anyone about it.
    for (const client of Object.values(units)) expect(JSON.stringify((await client.get('/api/notifications?limit=100')).body)).not.toContain('暗访');
  });

  it('draws random targets reproducibly from the recorded seed', async () => {
    const body = {
      title: '随机抽取暗访对象',
      randomTargets: { poolUnitIds: ['town-a', 'village-a1', 'village-a2', 'water', 'health'], count: 2, seed: 'draw-2026' },
      windowFrom: inDays(1),
      windowTo: inDays(2),
      team: ['周组长'],
    };
    const a = await inspector.post('/api/inspections', body);
    const b = await office.post('/api/inspections', body);
    expect(a.status).toBe(201);
    expect(a.body.targetUnitIds).toHaveLength(2);
    expect(b.body.targetUnitIds).toEqual(a.body.targetUnitIds);
    expect(a.body.targetDraw).toEqual({ seed: 'draw-2026', poolUnitIds: body.randomTargets.poolUnitIds, count: 2 });
    expect((await inspector.post('/api/inspections', { ...body, targetUnitIds: ['water'] })).status).toBe(400);
    expect((await inspector.post(`/api/inspections/${a.body.id}/publish`)).status).toBe(409); // no findings
    expect((await inspector.get(`/api/inspections/${a.body.id}/circular`)).status).toBe(409); // not published
  });

  it('publishes: each finding becomes an item (source 暗访) in its unit’s inbox; a retried publish creates nothing twice', async () => {
    // A publication interrupted after its first item: that item runs already. Publishing reuses it.
    const firstItem = uuidFromName(`finding:${findingIds[0]}`);
    const input: RectificationWorkflowInput = {
      item: { id: firstItem, title: '暗访发现：甲镇一村三组饮水点', description: '（已由中断的通报启动）', source: 'anonymous_visit', category: 'drinking_water', severity: 'general', leadUnitId: 'village-a1', coUnitIds: [], dueAt: endOfShanghaiDay(inDays(30)), verifierUnitId: null },
      registeredBy: { userId: 'x', name: '督导组周组长', unitId: 'office', roles: ['inspector'] },
    };
    await stack.temporal.workflow.executeUpdateWithStart(registeredUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation(RECTIFICATION_WORKFLOW, { workflowId: workflowIds.rectification(firstItem), taskQueue: stack.taskQueue, args: [input], workflowIdConflictPolicy: 'FAIL' }),
    });

    const published = await inspector.post(`/api/inspections/${inspectionId}/publish`);
    expect(published.status).toBe(200);
    expect(published.body.status).toBe('published');
    itemIds = published.body.itemIds;
    expect(itemIds).toEqual([firstItem, uuidFromName(`finding:${findingIds[1]}`)]);
    expect((await inspector.post(`/api/inspections/${inspectionId}/publish`)).status).toBe(409);
    expect((await inspector.post(`/api/inspections/${inspectionId}/findings`, { place: 'x', category: 'other', description: 'x', responsibleUnitId: 'water', suggestedDueDate: inDays(9) })).status).toBe(409);
    // The publication ran as its own workflow, which started the second item as a child and left the first alone.
    const publication = await stack.temporal.workflow.getHandle(`inspection-publish:${inspectionId}`).result();
    expect(publication).toEqual(itemIds);
    expect((await villageA1.get(`/api/rectifications/${firstItem}`)).body.description).toBe('（已由中断的通报启动）');

    expect(ids(await villageA1.get('/api/inbox'))).toContain(itemIds[0]);
    expect(ids(await townA.get('/api/inbox'))).toContain(itemIds[0]);
    expect(ids(await villageA2.get('/api/inbox'))).not.toContain(itemIds[0]);
    expect(ids(await water.get('/api/inbox'))).toEqual(expect.arrayContaining([itemIds[1]]));
    // Each unit is told of the item that is now its own (交办), once published.
    for (const [client, itemId] of [[villageA1, itemIds[0]!], [water, itemIds[1]!]] as const) {
      const notified = await until(`the notification of ${itemId}`, () => client.get('/api/notifications?limit=100'), (r) => r.body.items?.some((n: { subject: { id: string } }) => n.subject.id === itemId));
      expect(notified.body.items.find((n: { subject: { id: string } }) => n.subject.id === itemId).title).toContain('新交办');
    }
    const item = await villageA1.get(`/api/rectifications/${itemIds[0]}`);
    expect(item.body).toMatchObject({ source: 'anonymous_visit', sourceLabel: '暗访', status: 'assigned', dueDate: inDays(30), category: 'drinking_water' });
    expect(item.body.timeline.filter((t: { action: string }) => t.action === 'register')).toHaveLength(1);
    for (const secret of [inspectionId, '四不两直暗访第七组']) expect(JSON.stringify(item.body)).not.toContain(secret);
    const evidence = await villageA1.get(`/api/rectifications/${itemIds[0]}/attachments`);
    expect(evidence.body.items.map((a: { filename: string }) => a.filename)).toEqual(['暗访照片.png']);

    // The circular (DOCX) for the office and the inspectors.
    const token = (await stack.api.post('/api/auth/login', { username: 'inspector', password: PASSWORD })).body.accessToken as string;
    const circular = await fetch(`${stack.baseUrl}/api/inspections/${inspectionId}/circular`, { headers: { authorization: `Bearer ${token}` } });
    expect(circular.status).toBe(200);
    expect(circular.headers.get('content-type')).toContain('wordprocessingml');
    expect(Buffer.from(await circular.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');

    // Still nothing of the inspection itself: only its items.
    expect((await villageA1.get(`/api/inspections/${inspectionId}`)).status).toBe(404);
    const seen = await everythingUnitsSee();
    for (const [call, { text }] of seen) for (const secret of [inspectionId, ...findingIds, '四不两直暗访第七组']) expect(text.includes(secret), `${call} shows ${secret}`).toBe(false);
  });

  it('look-back: draws closed items reproducibly per unit; a failed check reopens the item (red, escalation from zero), a passed one is verified', async () => {
    // Both items are rectified and signed off.
    for (const [id, lead] of [
      [itemIds[0]!, villageA1],
      [itemIds[1]!, water],
    ] as const) {
      expect((await lead.post(`/api/rectifications/${id}/sign`)).status).toBe(200);
      expect((await lead.post(`/api/rectifications/${id}/plan`, { measures: '更换水泵，铺设管网', targetDate: inDays(20), responsiblePerson: '村支书 赵六' })).status).toBe(200);
      expect((await office.post(`/api/rectifications/${id}/plan/approve`, { note: '同意' })).status).toBe(200);
      expect((await lead.post(`/api/rectifications/${id}/completion`, { summary: '已整改到位' })).status).toBe(200);
      expect((await office.post(`/api/rectifications/${id}/sign-off`, { note: '验收通过' })).body.status).toBe('closed');
    }
    // Another closed item of another source, which the source filter leaves out.
    const inspectorUser = (await inspector.get('/api/auth/me')).body;
    const start = await office.post('/api/lookbacks', { source: 'anonymous_visit', ratio: 0.5, seed: 'lookback-seed-1', inspectorId: inspectorUser.id ?? inspectorUser.userId });
    expect(start.status).toBe(201);
    expect(start.body.seed).toBe('lookback-seed-1');
    expect(start.body.strata).toEqual([
      { unitId: 'village-a1', population: 1, drawn: [itemIds[0]] },
      { unitId: 'water', population: 1, drawn: [itemIds[1]] },
    ]);
    expect(start.body.entries.map((e: { itemId: string; outcome: string }) => [e.itemId, e.outcome])).toEqual([
      [itemIds[0], 'pending'],
      [itemIds[1], 'pending'],
    ]);
    // Anyone can reproduce it: the same filters and seed draw the same items, and so does the published rule.
    const again = await inspector.post('/api/lookbacks', { source: 'anonymous_visit', ratio: 0.5, seed: 'lookback-seed-1' });
    expect(again.body.strata).toEqual(start.body.strata);
    expect(drawSample([{ itemId: itemIds[0]!, unitId: 'village-a1' }, { itemId: itemIds[1]!, unitId: 'water' }], 0.5, 'lookback-seed-1').strata).toEqual(start.body.strata);
    const filtered = await inspector.post('/api/lookbacks', { source: 'provincial_assessment', ratio: 1 });
    expect(filtered.body.entries).toEqual([]);
    expect(filtered.body.seed).toEqual(expect.any(String));

    // The inspector's queue, and an in-app notification to the inspector named for it (none for the draws they started themselves).
    expect((await inspector.get('/api/lookbacks')).body.items.map((l: { id: string }) => l.id)).toContain(start.body.id);
    const queued = (await inspector.get('/api/notifications?limit=100')).body.items.filter((n: { subject: { kind: string } }) => n.subject.kind === 'lookback');
    expect(queued).toEqual([
      expect.objectContaining({ level: 'info', title: '回头看复核任务：2 个问题待复核', body: expect.stringContaining('已进入您的复核队列'), subject: { kind: 'lookback', id: start.body.id }, readAt: null }),
    ]);
    for (const client of Object.values(units)) expect(JSON.stringify((await client.get('/api/notifications?limit=100')).body)).not.toContain(start.body.id);
    expect((await villageA1.get(`/api/lookbacks/${start.body.id}`)).status).toBe(403);

    // Failed, with evidence: reopened through the reopen step.
    const lookBack = start.body.id as string;
    const noEvidence = await inspector.post(`/api/lookbacks/${lookBack}/items/${itemIds[0]}/result`, { outcome: 'failed', note: '水压仍不足', newDueDate: inDays(15) });
    expect(noEvidence.status).toBe(400);
    const photo = await inspector.postForm(`/api/lookbacks/${lookBack}/items/${itemIds[0]}/evidence`, pngForm());
    expect(photo.status).toBe(201);
    const failed = await inspector.post(`/api/lookbacks/${lookBack}/items/${itemIds[0]}/result`, { outcome: 'failed', note: '水压仍不足', newDueDate: inDays(15), attachmentIds: [photo.body.id] });
    expect(failed.status).toBe(200);
    expect(failed.body.reopened).toMatchObject({ id: itemIds[0], status: 'rectifying' });
    expect(failed.body.lookBack.entries[0]).toMatchObject({ outcome: 'failed', evidenceAttachmentIds: [photo.body.id] });
    const reopened = await villageA1.get(`/api/rectifications/${itemIds[0]}`);
    expect(reopened.body).toMatchObject({ status: 'rectifying', closedAt: null, dueDate: inDays(15), escalation: { level: 0 } });
    expect(reopened.body.notices.map((n: { colour: string }) => n.colour)).toEqual(['red']);
    expect(reopened.body.timeline.at(-1)).toMatchObject({ action: 'reopen', note: expect.stringContaining('整改不到位') });
    expect(reopened.body.lookBackFailures).toEqual([{ at: expect.any(String), lookBackId: start.body.id, note: '水压仍不足', afterSeq: expect.any(Number) }]);
    expect(ids(await villageA1.get('/api/inbox'))).toContain(itemIds[0]);
    await expect.poll(async () => JSON.stringify((await office.get('/api/notifications?limit=100')).body), { timeout: 20_000 }).toContain(itemIds[0]);
    expect((await inspector.post(`/api/lookbacks/${lookBack}/items/${itemIds[0]}/result`, { outcome: 'passed', note: '再次' })).status).toBe(409);

    // Passed: verified on the look-back record; the item stays closed.
    const passed = await inspector.post(`/api/lookbacks/${lookBack}/items/${itemIds[1]}/result`, { outcome: 'passed', note: '现场核实已整改到位' });
    expect(passed.body).toMatchObject({ reopened: null, lookBack: { entries: [{ outcome: 'failed' }, { outcome: 'passed', checkedBy: { name: '督导组周组长' } }] } });
    const verified = (await water.get(`/api/rectifications/${itemIds[1]}`)).body;
    expect(verified).toMatchObject({ status: 'closed', lookBackVerified: { lookBackId: lookBack, note: '现场核实已整改到位' } });

    // The look-back ledger: one row per drawn item with its result.
    const ledger = await downloadSheet(inspector, stack.baseUrl, `/api/lookbacks/${lookBack}/ledger`);
    expect(ledger.rows[0]).toEqual(['序号', '问题', '责任单位', '复核结果', '复核说明', '复核人', '复核时间', '佐证材料（份）']);
    expect(ledger.rows.slice(1).map((r) => [r[3], r[5], r[7]])).toEqual([
      ['未通过（重新打开）', '督导组周组长', 1],
      ['通过（已核验）', '督导组周组长', 0],
    ]);
    expect((await downloadSheet(water, stack.baseUrl, `/api/lookbacks/${lookBack}/ledger`)).status).toBe(403);

    // Evaluation input per unit: the failure counts against village-a1 (整改不到位) in the period it was recorded.
    const month = shanghaiDate(new Date(reopened.body.lookBackFailures[0].at)).slice(0, 7);
    const evaluation = await leader.get(`/api/reports/evaluation?period=${month}`);
    expect(evaluation.status).toBe(200);
    const counters = (unit: string) => evaluation.body.units.find((u: { unitId: string }) => u.unitId === unit).counters;
    expect(counters('village-a1').lookBackFailures).toBe(1);
    expect(counters('village-a1').lookBackFailures).toBe(await failureMarksOf('village-a1'));
    expect(counters('water').lookBackFailures).toBe(0);
  });

  it('look-back: a failed check retried after a partial failure ends with one 整改不到位 mark, one reopening and the entry recorded', async () => {
    const [item] = itemIds;
    const inspectorId = (await inspector.get('/api/auth/me')).body.id as string;
    const closeAgain = async () => {
      expect((await villageA1.post(`/api/rectifications/${item}/completion`, { summary: '已再次整改' })).status).toBe(200);
      expect((await office.post(`/api/rectifications/${item}/sign-off`, { note: '验收通过' })).body.status).toBe('closed');
    };
    const startOne = async (seed: string) => {
      const started = await office.post('/api/lookbacks', { unitId: 'village-a1', source: 'anonymous_visit', ratio: 1, seed, inspectorId });
      expect(started.body.entries.map((e: { itemId: string }) => e.itemId)).toEqual([item]);
      const photo = await inspector.postForm(`/api/lookbacks/${started.body.id}/items/${item}/evidence`, pngForm());
      return { lookBack: started.body.id as string, photo: photo.body.id as string };
    };
    const record = (lookBack: string, photo: string) =>
      inspector.post(`/api/lookbacks/${lookBack}/items/${item}/result`, { outcome: 'failed', note: '仍未整改到位', newDueDate: inDays(12), attachmentIds: [photo] });
    const reopenings = async () => (await villageA1.get(`/api/rectifications/${item}`)).body.timeline.filter((t: { action: string }) => t.action === 'reopen').length;
    const marksOf = async (lookBack: string) => (await villageA1.get(`/api/rectifications/${item}`)).body.lookBackFailures.filter((m: { lookBackId: string }) => m.lookBackId === lookBack);

    // 1. The first attempt marked the item and stopped there (the API went down before reopening): the retry reopens once.
    await closeAgain();
    const first = await startOne('retry-after-mark');
    const reopenedBefore = await reopenings();
    expect(await markLookBackFailure(stack.database, item!, { at: new Date().toISOString(), lookBackId: first.lookBack, note: '仍未整改到位' })).toMatchObject({ lookBackId: first.lookBack });
    const afterMark = await record(first.lookBack, first.photo);
    expect(afterMark.status).toBe(200);
    expect(afterMark.body.reopened).toMatchObject({ id: item, status: 'rectifying' });
    expect(await marksOf(first.lookBack)).toHaveLength(1);
    expect(await reopenings()).toBe(reopenedBefore + 1);
    expect(afterMark.body.lookBack.entries).toEqual([expect.objectContaining({ itemId: item, outcome: 'failed', evidenceAttachmentIds: [first.photo] })]);

    // 2. The first attempt marked and reopened the item, then its look-back entry was not written: the retry finishes the
    //    entry without reopening again and keeps the mark (the same two steps recording takes: mark, then the reopen step).
    await closeAgain();
    const second = await startOne('retry-after-reopen');
    const other = await startOne('drawn-twice');
    const beforeSecond = await reopenings();
    await markLookBackFailure(stack.database, item!, { at: new Date().toISOString(), lookBackId: second.lookBack, note: '仍未整改到位' });
    expect((await inspector.post(`/api/rectifications/${item}/reopen`, { reason: '回头看复核未通过（整改不到位）：仍未整改到位', newDueDate: inDays(12) })).status).toBe(200);
    expect((await office.get(`/api/lookbacks/${second.lookBack}`)).body.entries[0].outcome).toBe('pending');
    const afterReopen = await record(second.lookBack, second.photo);
    expect(afterReopen.status).toBe(200);
    expect(afterReopen.body.reopened).toMatchObject({ id: item, status: 'rectifying', dueAt: endOfShanghaiDay(inDays(12)) });
    expect(afterReopen.body.lookBack.entries).toEqual([expect.objectContaining({ itemId: item, outcome: 'failed', evidenceAttachmentIds: [second.photo] })]);
    expect(await marksOf(second.lookBack)).toHaveLength(1);
    expect(await reopenings()).toBe(beforeSecond + 1);
    // Recorded once: the same check again is refused and changes nothing.
    expect((await record(second.lookBack, second.photo)).status).toBe(409);
    expect(await marksOf(second.lookBack)).toHaveLength(1);

    // 3. Another look-back drew the same item while it was closed; this look-back's reopening is not its own, so its failed
    //    check is refused (the item is open), takes its mark back and leaves its entry pending.
    const refused = await record(other.lookBack, other.photo);
    expect(refused.status).toBe(409);
    expect(await marksOf(other.lookBack)).toEqual([]);
    expect(await reopenings()).toBe(beforeSecond + 1);
    expect((await office.get(`/api/lookbacks/${other.lookBack}`)).body.entries[0].outcome).toBe('pending');

    // Three failures against village-a1, each counted once, as the read model holds them.
    const month = shanghaiDate(new Date()).slice(0, 7);
    const evaluation = await office.get(`/api/reports/evaluation?period=${month}`);
    const counted = evaluation.body.units.find((u: { unitId: string }) => u.unitId === 'village-a1').counters.lookBackFailures;
    expect(counted).toBe(3);
    expect(counted).toBe(await failureMarksOf('village-a1'));
  });
});
