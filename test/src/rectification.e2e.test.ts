import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECTIFICATION_WORKFLOW, workflowIds, type RectificationWorkflowInput } from '@duban/contracts';
import { endOfShanghaiDay, shanghaiDate } from '@duban/domain';
import { PASSWORD, testCounty } from './support/org-fixture.js';
import { startStack, type ApiClient, type Stack } from './support/stack.js';

let stack: Stack;
let office: ApiClient;
let leader: ApiClient;
let water: ApiClient;
let health: ApiClient;
let townA: ApiClient;
let villageA1: ApiClient;
let villageA2: ApiClient;

const inDays = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000));
const ids = (response: { body: { items: { id: string }[] } }) => response.body.items.map((i) => i.id);

const validItem = () => ({
  title: '部分脱贫户饮水安全保障不到位',
  description: '省考核发现：甲镇两户脱贫户季节性缺水，未落实应急供水措施。',
  source: 'provincial_assessment',
  category: 'drinking_water',
  severity: 'major',
  leadUnitId: 'water',
  coUnitIds: ['town-a'],
  dueDate: inDays(60),
});

beforeAll(async () => {
  stack = await startStack(testCounty);
  const login = (username: string) => stack.api.login(username, PASSWORD);
  [office, leader, water, health, townA, villageA1, villageA2] = await Promise.all([
    login('office'),
    login('leader'),
    login('water'),
    login('health'),
    login('town-a'),
    login('village-a1'),
    login('village-a2'),
  ]);
});

afterAll(async () => {
  await stack?.close();
});

async function uploadPng(as: ApiClient, itemId: string): Promise<{ id: string; sha256: string }> {
  // A valid 1×1 PNG.
  const bytes = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082', 'hex');
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: 'image/png' }), '现场照片.png');
  const { status, body } = await as.postForm<{ id: string; sha256: string }>(`/api/rectifications/${itemId}/attachments`, form);
  expect(status).toBe(201);
  expect(body.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  return body;
}

describe('platform conventions', () => {
  it('reports the API, Temporal, the database and the worker up', async () => {
    const response = await stack.api.get('/api/health');
    expect(response).toEqual({ status: 200, body: { status: 'ok', api: true, temporal: true, database: true, worker: true } });
  });

  it('serves the OpenAPI document with every operation tagged by its context', async () => {
    const { status, body } = await stack.api.get('/api/openapi.json');
    expect(status).toBe(200);
    const operations = Object.values(body.paths as Record<string, Record<string, { tags?: string[] }>>).flatMap((p) => Object.values(p));
    expect(operations.length).toBeGreaterThan(20);
    for (const operation of operations) expect(operation.tags?.length).toBeGreaterThan(0);
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/api/rectifications/{id}/sign', '/api/escalations']));
    expect((await fetch(`${stack.baseUrl}/api/docs`)).status).toBe(200);
  });

  it('creates the indexes that serve the inbox and the escalation queue at start', async () => {
    const keys = async (collection: string) => (await stack.database.collection(collection).indexes()).map((index) => Object.keys(index.key).join(','));
    expect(await keys('rectifications')).toEqual(
      expect.arrayContaining(['unitScope,status,due,_id', 'escalationOpen,escalationLevel,escalation.since,_id']),
    );
    expect(await keys('users')).toContain('username');
  });

  it('refuses requests without a token in the one error shape', async () => {
    const response = await stack.api.get('/api/inbox');
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: { code: 'unauthenticated', message: '请先登录' } });
  });

  it('refuses a wrong password without saying whether the user exists', async () => {
    const wrong = await stack.api.post('/api/auth/login', { username: 'office', password: 'nope-nope' });
    const unknown = await stack.api.post('/api/auth/login', { username: 'nobody', password: 'nope-nope' });
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
  });
});

describe('a rectification item over HTTP, from registration to sign-off', () => {
  it('goes through sign → plan → approve → parts → progress → completion → verification → acceptance, with inboxes, evidence and the timeline following', async () => {
    const created = await office.post('/api/rectifications', { ...validItem(), coUnitIds: ['health'], verifierUnitId: 'town-a' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ status: 'assigned', statusLabel: '已交办待签收', light: 'green', leadUnitId: 'water', policy: { id: 'standard', version: 1 } });
    expect(created.body.schedule.signInBy).toMatch(/T15:59:59.999Z$/);

    expect(ids(await water.get('/api/inbox'))).toContain(id);
    expect(ids(await health.get('/api/inbox'))).toContain(id);
    expect(ids(await villageA2.get('/api/inbox'))).not.toContain(id);
    expect((await villageA2.get(`/api/rectifications/${id}`)).status).toBe(404);
    expect((await water.get(`/api/rectifications/${id}`)).body.allowedActions).toEqual(['sign']);

    const officeSigns = await office.post(`/api/rectifications/${id}/sign`);
    expect(officeSigns.status).toBe(403);
    expect(officeSigns.body.error).toEqual({ code: 'not_permitted', message: '只有牵头单位可以签收', details: { action: 'sign' } });
    const tooEarly = await water.post(`/api/rectifications/${id}/completion`, { summary: '已完成' });
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.body.error.message).toBe('当前状态为“已交办待签收”，不能报送整改完成');

    expect((await water.post(`/api/rectifications/${id}/sign`)).body.status).toBe('signed');
    expect((await water.post(`/api/rectifications/${id}/sign`)).status).toBe(409);

    const photo = await uploadPng(water, id);
    const plan = await water.post(`/api/rectifications/${id}/plan`, {
      measures: '为两户接通集中供水管网，建立应急送水台账',
      targetDate: inDays(45),
      responsiblePerson: '水利局副局长 张三',
      attachmentIds: [photo.id],
    });
    expect(plan.status).toBe(200);
    expect(plan.body.plan).toMatchObject({ responsiblePerson: '水利局副局长 张三', evidence: [{ id: photo.id, filename: '现场照片.png', sha256: photo.sha256 }] });
    const foreign = await water.post(`/api/rectifications/${id}/progress`, { summary: 'x', attachmentIds: ['00000000-0000-4000-8000-000000000000'] });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.details.fields[0].field).toBe('attachmentIds');

    expect((await office.post(`/api/rectifications/${id}/plan/approve`, { note: '同意' })).body.status).toBe('rectifying');
    expect((await office.get(`/api/rectifications/${id}`)).body.schedule.nextProgressDue).not.toBeNull();

    const noParts = await water.post(`/api/rectifications/${id}/completion`, { summary: '已完成' });
    expect(noParts.status).toBe(400);
    expect(noParts.body.error.message).toBe('配合单位尚未报送承担部分：health');
    expect((await health.post(`/api/rectifications/${id}/parts`, { summary: '已核实两户医保参保情况' })).status).toBe(200);
    expect((await water.post(`/api/rectifications/${id}/progress`, { summary: '管网铺设完成 80%' })).status).toBe(200);

    const completed = await water.post(`/api/rectifications/${id}/completion`, { summary: '已接通集中供水管网。', attachmentIds: [photo.id] });
    expect(completed.body.status).toBe('pending_verification');
    expect((await office.post(`/api/rectifications/${id}/sign-off`, {})).status).toBe(409);
    expect((await townA.post(`/api/rectifications/${id}/verify`, { note: '乡镇现场核实' })).body.status).toBe('pending_acceptance');

    expect((await water.post(`/api/rectifications/${id}/sign-off`, {})).status).toBe(403);
    const closed = await office.post(`/api/rectifications/${id}/sign-off`, { note: '现场核实，验收通过。' });
    expect(closed.body).toMatchObject({ status: 'closed', light: null, allowedActions: ['reopen'] });
    expect(ids(await water.get('/api/inbox'))).not.toContain(id);

    const detail = await office.get(`/api/rectifications/${id}`);
    expect(detail.body.timeline.map((t: { action: string; actor: { name: string } | null }) => [t.action, t.actor?.name])).toEqual([
      ['register', '办公室王主任'],
      ['sign', '水利局张科长'],
      ['submitPlan', '水利局张科长'],
      ['approvePlan', '办公室王主任'],
      ['reportPart', '卫健委刘科长'],
      ['reportProgress', '水利局张科长'],
      ['submitCompletion', '水利局张科长'],
      ['verify', '甲镇陈干事'],
      ['signOff', '办公室王主任'],
    ]);
    expect(detail.body.timeline[6]).toMatchObject({ actionLabel: '报送整改完成', evidence: [{ id: photo.id }] });

    // The office reopens it after a failed look-back: a new run from the read model, red notice, new deadline.
    const reopened = await office.post(`/api/rectifications/${id}/reopen`, { reason: '回头看发现仍有一户缺水', newDueDate: inDays(20) });
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({ status: 'rectifying', closedAt: null, dueDate: inDays(20) });
    expect(reopened.body.notices.map((n: { colour: string; number: string }) => n.colour)).toEqual(['red']);
    expect(reopened.body.notices[0].number).toMatch(/^督办〔\d{4}〕红字第\d+号$/);
    expect(ids(await water.get('/api/inbox'))).toContain(id);
  });

  it('returns, extends and defers on request, and merges duplicates', async () => {
    const id = (await office.post('/api/rectifications', { ...validItem(), coUnitIds: [] })).body.id as string;
    await water.post(`/api/rectifications/${id}/sign`);
    const extension = await water.post(`/api/rectifications/${id}/extension`, { reason: '汛期无法施工', newDueDate: inDays(90) });
    expect(extension.body.extension).toMatchObject({ newDueDate: inDays(90) });
    expect((await office.get('/api/inbox?limit=100')).body.items.find((i: { id: string }) => i.id === id).extensionRequested).toBe(true);
    const approved = await office.post(`/api/rectifications/${id}/extension/decision`, { approve: true, note: '同意延期' });
    expect(approved.body).toMatchObject({ dueDate: inDays(90), extension: null });

    const deferred = await office.post(`/api/rectifications/${id}/deferral`, { reason: '需待省级项目立项', reviewDate: inDays(30) });
    expect(deferred.body).toMatchObject({ status: 'deferred', light: null, deferral: { reviewDate: inDays(30), resumeStatus: 'signed' } });
    expect((await office.get('/api/inbox?light=green&limit=100')).body.items.map((i: { id: string }) => i.id)).not.toContain(id);
    expect((await office.post(`/api/rectifications/${id}/resume`, {})).body.status).toBe('signed');

    const other = (await office.post('/api/rectifications', { ...validItem(), coUnitIds: [] })).body.id as string;
    const merged = await office.post(`/api/rectifications/${other}/merge`, { intoItemId: id, note: '与已有问题重复' });
    expect(merged.body).toMatchObject({ status: 'merged', mergedInto: id });
    expect((await office.post(`/api/rectifications/${id}/merge`, { intoItemId: other })).status).toBe(409);
  });

  it('shows a village item to its township but not to the neighbouring village', async () => {
    const id = (await office.post('/api/rectifications', { ...validItem(), leadUnitId: 'village-a1', coUnitIds: [] })).body.id as string;
    expect(ids(await villageA1.get('/api/inbox'))).toContain(id);
    expect((await townA.get(`/api/rectifications/${id}`)).status).toBe(200);
    expect((await villageA2.get(`/api/rectifications/${id}`)).status).toBe(404);
    expect(ids(await villageA2.get('/api/inbox'))).not.toContain(id);
  });

  it("narrows a township's inbox to one of its villages, and gives an empty page for a unit outside its subtree", async () => {
    const register = async (leadUnitId: string) => (await office.post('/api/rectifications', { ...validItem(), leadUnitId, coUnitIds: [] })).body.id as string;
    const [first, second, own] = [await register('village-a1'), await register('village-a2'), await register('town-a')];
    const mine = [first, second, own];
    const listed = async (as: ApiClient, unitId: string) => {
      const page = await as.get(`/api/inbox?limit=100&unitId=${unitId}`);
      expect(page.status).toBe(200);
      return ids(page);
    };
    expect((await listed(townA, 'village-a1')).filter((id) => mine.includes(id))).toEqual([first]);
    expect((await listed(townA, 'town-a')).filter((id) => mine.includes(id)).sort()).toEqual([...mine].sort());
    // Outside the caller's subtree, known or not: nothing, neither the caller's own items nor anyone else's.
    for (const [as, unitId] of [[townA, 'water'], [townA, 'no-such-unit'], [villageA1, 'town-a'], [villageA1, 'village-a2']] as const) {
      expect(await listed(as, unitId), `${unitId}`).toEqual([]);
    }
    // The office still filters by any unit.
    expect((await listed(office, 'village-a2')).filter((id) => mine.includes(id))).toEqual([second]);
  });

  it('pages the inbox with a cursor, in due-date order', async () => {
    for (const days of [5, 6, 7]) await office.post('/api/rectifications', { ...validItem(), leadUnitId: 'health', coUnitIds: [], dueDate: inDays(days) });
    const first = await health.get('/api/inbox?limit=2');
    expect(first.body.items).toHaveLength(2);
    const second = await health.get(`/api/inbox?limit=2&cursor=${first.body.nextCursor}`);
    const dates = [...first.body.items, ...second.body.items].map((i: { dueDate: string }) => i.dueDate);
    expect(dates.slice(0, 3)).toEqual([inDays(5), inDays(6), inDays(7)]);
  });

  it('filters the inbox by one status', async () => {
    const id = (await office.post('/api/rectifications', { ...validItem(), leadUnitId: 'health', coUnitIds: [] })).body.id as string;
    const assigned = await health.get('/api/inbox?status=assigned&limit=100');
    expect(ids(assigned)).toContain(id);
    expect(new Set(assigned.body.items.map((i: { status: string }) => i.status))).toEqual(new Set(['assigned']));
    expect(ids(await health.get('/api/inbox?status=rectifying&limit=100'))).not.toContain(id);
  });
});

describe('lights, notices and the escalation queue', () => {
  it('lights an item blue and sends a blue notice when its deadline is within three working days', async () => {
    const created = await office.post('/api/rectifications', { ...validItem(), coUnitIds: [], dueDate: inDays(1) });
    expect(created.body.light).toBe('blue');
    const row = (await water.get('/api/inbox?light=blue&limit=100')).body.items.find((i: { id: string }) => i.id === created.body.id);
    expect(row).toMatchObject({ light: 'blue', lightLabel: '蓝灯' });
    // The blue notice is issued by the process right after registration; wait for it to reach the read model.
    await expect.poll(async () => (await water.get(`/api/rectifications/${created.body.id}`)).body.notices.map((n: { colour: string }) => n.colour), { timeout: 10_000 }).toEqual(['blue']);
    const withNotice = (await water.get('/api/inbox?light=blue&limit=100')).body.items.find((i: { id: string }) => i.id === created.body.id);
    expect(withNotice.notices).toEqual([expect.objectContaining({ colour: 'blue', label: '蓝色督办单', number: expect.stringMatching(/蓝字第\d+号$/) })]);
    expect((await water.get('/api/inbox?light=green&limit=100')).body.items.map((i: { id: string }) => i.id)).not.toContain(created.body.id);
  });

  it('lists overdue items escalated to level 1 in the office queue, red with a red notice, until the office acts', async () => {
    // An item whose deadline passed 8 days ago, as it arrives in a ledger from before Duban: started through
    // Temporal directly (the API refuses past deadlines), run by the real worker against the real calendar.
    const id = '7f1c2a9e-5b3d-4c8e-9a6f-0d1e2f3a4b5c';
    const input: RectificationWorkflowInput = {
      item: {
        ...validItem(),
        id,
        source: 'provincial_assessment',
        category: 'drinking_water',
        severity: 'general',
        coUnitIds: [],
        dueAt: endOfShanghaiDay(shanghaiDate(new Date(Date.now() - 8 * 86_400_000))),
      },
      registeredBy: { userId: 'seed', name: '台账导入', unitId: 'office', roles: ['office'] },
    };
    await stack.temporal.workflow.start(RECTIFICATION_WORKFLOW, { workflowId: workflowIds.rectification(id), taskQueue: stack.taskQueue, args: [input] });

    await expect.poll(async () => ids(await office.get('/api/escalations?level=1')), { timeout: 15_000 }).toContain(id);
    const queued = (await office.get('/api/escalations?level=1')).body.items.find((i: { id: string }) => i.id === id);
    expect(queued).toMatchObject({ light: 'red', escalation: { level: 1, handled: null } });
    expect(queued.overdueDays).toBeGreaterThanOrEqual(7);
    expect((await water.get('/api/escalations')).status).toBe(403);

    const row = (await water.get('/api/inbox?light=red&limit=100')).body.items.find((i: { id: string }) => i.id === id);
    expect(row.notices.map((n: { colour: string }) => n.colour)).toContain('red');
    expect(row.escalationLevel).toBe(1);

    const urged = await office.post(`/api/rectifications/${id}/escalation`, { action: 'urge', note: '请三日内整改到位' });
    expect(urged.body.escalation).toMatchObject({ level: 1, handled: { action: 'urge' } });
    expect(ids(await office.get('/api/escalations?level=1'))).not.toContain(id);
    expect((await leader.post(`/api/rectifications/${id}/escalation`, { action: 'urge', note: 'x' })).status).toBe(409);
  });
});

describe('bad input to register an item', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['a missing title', { title: undefined }, 'title'],
    ['an operator object where a string belongs', { title: { $ne: null } }, 'title'],
    ['an operator object as the lead unit', { leadUnitId: { $gt: '' } }, 'leadUnitId'],
    ['an unknown lead unit', { leadUnitId: 'no-such-unit' }, 'leadUnitId'],
    ['an unknown co-unit', { coUnitIds: ['town-a', 'nowhere'] }, 'coUnitIds'],
    ['an unknown verifier unit', { verifierUnitId: 'nowhere' }, 'verifierUnitId'],
    ['an unknown extra field', { status: 'closed' }, 'status'],
    ['an unknown source', { source: 'rumour' }, 'source'],
    ['an impossible date', { dueDate: '2026-02-30' }, 'dueDate'],
    ['a date in the past', { dueDate: '2020-01-01' }, 'dueDate'],
    ['a negative progress cadence', { progressEveryMonths: -1 }, 'progressEveryMonths'],
  ];

  it.each(cases)('refuses %s with a 400 naming the field, storing nothing and starting no workflow', async (_name, change, field) => {
    const before = { inbox: (await office.get('/api/inbox?limit=100')).body.items.length, workflows: await stack.countWorkflows() };
    const response = await office.post('/api/rectifications', { ...validItem(), ...change });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_input');
    expect(response.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    expect(response.body.error.message).toContain(field);
    expect((await office.get('/api/inbox?limit=100')).body.items.length).toBe(before.inbox);
    expect(await stack.countWorkflows()).toBe(before.workflows);
  });

  it('refuses malformed JSON with a 400', async () => {
    const response = await office.request('POST', '/api/rectifications', undefined, '{"title": ');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_input');
  });

  it('lets only the office register items', async () => {
    expect((await water.post('/api/rectifications', validItem())).status).toBe(403);
  });

  it('refuses operator injection in query strings', async () => {
    expect((await office.get('/api/inbox?status[$ne]=closed')).status).toBe(400);
  });

  it('refuses bad step input naming the field', async () => {
    const id = (await office.post('/api/rectifications', { ...validItem(), coUnitIds: [] })).body.id as string;
    await water.post(`/api/rectifications/${id}/sign`);
    const response = await water.post(`/api/rectifications/${id}/plan`, { measures: '措施', targetDate: '明天', responsiblePerson: '张三' });
    expect(response.status).toBe(400);
    expect(response.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['targetDate']);
  });
});
