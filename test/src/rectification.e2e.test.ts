import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '@duban/domain';
import { PASSWORD, testCounty } from './support/org-fixture.js';
import { startStack, type ApiClient, type Stack } from './support/stack.js';

let stack: Stack;
let office: ApiClient;
let water: ApiClient;
let health: ApiClient;
let townA: ApiClient;
let villageA1: ApiClient;
let villageA2: ApiClient;

const inDays = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000));

const validItem = () => ({
  title: '部分脱贫户饮水安全保障不到位',
  description: '省考核发现：甲镇两户脱贫户季节性缺水，未落实应急供水措施。',
  source: 'provincial_assessment',
  category: 'drinking_water',
  severity: 'major',
  leadUnitId: 'water',
  coUnitIds: ['town-a'],
  dueDate: inDays(30),
});

beforeAll(async () => {
  stack = await startStack(testCounty);
  const login = (username: string) => stack.api.login(username, PASSWORD);
  [office, water, health, townA, villageA1, villageA2] = await Promise.all([
    login('office'),
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

describe('platform conventions', () => {
  it('reports Temporal and the database reachable', async () => {
    const response = await stack.api.get('/api/health');
    expect(response).toEqual({ status: 200, body: { status: 'ok', temporal: true, database: true } });
  });

  it('serves the OpenAPI document with every operation tagged by its context', async () => {
    const { status, body } = await stack.api.get('/api/openapi.json');
    expect(status).toBe(200);
    const operations = Object.values(body.paths as Record<string, Record<string, { tags?: string[] }>>).flatMap((p) => Object.values(p));
    expect(operations.length).toBeGreaterThan(5);
    for (const operation of operations) expect(operation.tags?.length).toBeGreaterThan(0);
    expect(Object.keys(body.paths)).toContain('/api/rectifications/{id}/sign');
    const docs = await fetch(`${stack.baseUrl}/api/docs`);
    expect(docs.status).toBe(200);
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

describe('a rectification item, registered to signed off', () => {
  it('goes assign → sign → completion → sign-off, with inboxes and the timeline following', async () => {
    const created = await office.post('/api/rectifications', validItem());
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ status: 'assigned', statusLabel: '已交办待签收', light: 'green', leadUnitId: 'water', dueDate: validItem().dueDate });

    // The lead unit and the co-unit see it at once (the update returned only after the projection).
    expect((await water.get('/api/inbox')).body.items.map((i: { id: string }) => i.id)).toContain(id);
    expect((await townA.get('/api/inbox')).body.items.map((i: { id: string }) => i.id)).toContain(id);
    expect((await health.get('/api/inbox')).body.items.map((i: { id: string }) => i.id)).not.toContain(id);
    expect((await health.get(`/api/rectifications/${id}`)).status).toBe(404);

    const waterView = await water.get(`/api/rectifications/${id}`);
    expect(waterView.body.allowedActions).toEqual(['sign']);
    expect((await office.get(`/api/rectifications/${id}`)).body.allowedActions).toEqual([]);

    const officeSigns = await office.post(`/api/rectifications/${id}/sign`);
    expect(officeSigns.status).toBe(403);
    expect(officeSigns.body.error).toEqual({ code: 'not_permitted', message: '只有牵头单位可以签收', details: { action: 'sign' } });

    const tooEarly = await water.post(`/api/rectifications/${id}/completion`, { summary: '已完成' });
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.body.error.message).toBe('当前状态为“已交办待签收”，不能报送整改完成');

    const signed = await water.post(`/api/rectifications/${id}/sign`);
    expect(signed.status).toBe(200);
    expect(signed.body.status).toBe('signed');

    const signedTwice = await water.post(`/api/rectifications/${id}/sign`);
    expect(signedTwice.status).toBe(409);
    expect(signedTwice.body.error.code).toBe('invalid_state');

    const blank = await water.post(`/api/rectifications/${id}/completion`, { summary: '   ' });
    expect(blank.status).toBe(400);

    const completed = await water.post(`/api/rectifications/${id}/completion`, { summary: '已为两户接通集中供水管网，并建立应急送水台账。' });
    expect(completed.status).toBe(200);
    expect(completed.body.status).toBe('completion_submitted');
    expect((await office.get('/api/inbox?status=completion_submitted')).body.items.map((i: { id: string }) => i.id)).toContain(id);

    expect((await water.post(`/api/rectifications/${id}/sign-off`, {})).status).toBe(403);
    const closed = await office.post(`/api/rectifications/${id}/sign-off`, { note: '现场核实，验收通过。' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', light: null, allowedActions: [] });

    expect((await water.get('/api/inbox')).body.items.map((i: { id: string }) => i.id)).not.toContain(id);

    const detail = await office.get(`/api/rectifications/${id}`);
    expect(detail.body.timeline.map((t: { action: string; actor: { userId: string; name: string } }) => [t.action, t.actor.name])).toEqual([
      ['register', '办公室王主任'],
      ['sign', '水利局张科长'],
      ['submitCompletion', '水利局张科长'],
      ['signOff', '办公室王主任'],
    ]);
    expect(detail.body.timeline[3]).toMatchObject({ fromStatus: 'completion_submitted', toStatus: 'closed', note: '现场核实，验收通过。', actionLabel: '验收销号' });

    const afterClose = await office.post(`/api/rectifications/${id}/sign-off`, {});
    expect(afterClose.status).toBe(409);
  });

  it('shows a village item to its township but not to the neighbouring village', async () => {
    const created = await office.post('/api/rectifications', { ...validItem(), leadUnitId: 'village-a1', coUnitIds: [] });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await villageA1.get('/api/inbox')).body.items.map((i: { id: string }) => i.id)).toContain(id);
    expect((await townA.get(`/api/rectifications/${id}`)).status).toBe(200);
    expect((await villageA2.get(`/api/rectifications/${id}`)).status).toBe(404);
    expect((await villageA2.get('/api/inbox')).body.items.map((i: { id: string }) => i.id)).not.toContain(id);
  });

  it('lights an item blue when its deadline is within three days', async () => {
    const created = await office.post('/api/rectifications', { ...validItem(), dueDate: inDays(1) });
    expect(created.body.light).toBe('blue');
    const blue = await office.get('/api/inbox?light=blue&limit=100');
    expect(blue.body.items.map((i: { id: string }) => i.id)).toContain(created.body.id);
    const green = await office.get('/api/inbox?light=green&limit=100');
    expect(green.body.items.map((i: { id: string }) => i.id)).not.toContain(created.body.id);
  });

  it('pages the inbox with a cursor, in due-date order', async () => {
    for (const days of [5, 6, 7]) await office.post('/api/rectifications', { ...validItem(), leadUnitId: 'health', coUnitIds: [], dueDate: inDays(days) });
    const first = await health.get('/api/inbox?limit=2');
    expect(first.body.items).toHaveLength(2);
    const second = await health.get(`/api/inbox?limit=2&cursor=${first.body.nextCursor}`);
    const dates = [...first.body.items, ...second.body.items].map((i: { dueDate: string }) => i.dueDate);
    expect(dates).toEqual([inDays(5), inDays(6), inDays(7)]);
    expect(second.body.nextCursor).toBeNull();
  });
});

describe('bad input to register an item', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['a missing title', { title: undefined }, 'title'],
    ['an operator object where a string belongs', { title: { $ne: null } }, 'title'],
    ['an operator object as the lead unit', { leadUnitId: { $gt: '' } }, 'leadUnitId'],
    ['an unknown lead unit', { leadUnitId: 'no-such-unit' }, 'leadUnitId'],
    ['an unknown co-unit', { coUnitIds: ['town-a', 'nowhere'] }, 'coUnitIds'],
    ['an unknown extra field', { status: 'closed' }, 'status'],
    ['an unknown source', { source: 'rumour' }, 'source'],
    ['an impossible date', { dueDate: '2026-02-30' }, 'dueDate'],
    ['a date in the past', { dueDate: '2020-01-01' }, 'dueDate'],
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
    const response = await office.get('/api/inbox?status[$ne]=closed');
    expect(response.status).toBe(400);
  });
});
