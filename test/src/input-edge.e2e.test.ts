import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '@duban/domain';
import { PASSWORD, testCounty } from './support/org-fixture.js';
import { startStack, type ApiClient, type ApiResponse, type Stack } from './support/stack.js';

/**
 * What the API refuses at its edge, for every route at once: malformed text (lone surrogates, control
 * characters), prototype keys, absurd nesting, bodies on routes that take none, dates outside the years the
 * system serves and forged paging cursors. Each is a 400 in the one error shape, naming the field; never a 500.
 */
let stack: Stack;
let office: ApiClient;
let water: ApiClient;
let auditor: ApiClient;

const inDays = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000));

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

/** A JSON text nested `depth` arrays deep around `{}`. */
const nested = (depth: number) => `${'['.repeat(depth)}{}${']'.repeat(depth)}`;

const base64url = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString('base64url');

function expectRefusal(response: ApiResponse, field: string): void {
  expect(response.status).toBe(400);
  expect(response.body.error).toMatchObject({ code: 'invalid_input', message: expect.stringContaining(field) });
  expect(response.body.error.details.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
}

async function itemCount(): Promise<number> {
  return stack.database.collection('rectifications').countDocuments();
}

beforeAll(async () => {
  stack = await startStack({
    units: testCounty.units,
    users: [...(testCounty.users ?? []), { username: 'auditor', name: '审计员钱审计', unit: 'office', roles: ['auditor'], password: PASSWORD }],
  });
  const login = (username: string) => stack.api.login(username, PASSWORD);
  [office, water, auditor] = await Promise.all([login('office'), login('water'), login('auditor')]);
});

afterAll(async () => {
  await stack?.close();
});

describe('text that cannot be stored as sent', () => {
  it('refuses a lone surrogate in a login name with a 400 naming username, and the audit chain stays intact', async () => {
    const login = await stack.api.request('POST', '/api/auth/login', undefined, '{"username":"\\ud800","password":"x"}');
    expectRefusal(login, 'username');
    expect((await auditor.get('/api/audit/verify')).body).toMatchObject({ ok: true, firstProblem: null });
  });

  it('refuses a lone surrogate anywhere in a body, naming the nested field', async () => {
    const before = await itemCount();
    const body = JSON.stringify(validItem()).replace('"coUnitIds":["town-a"]', '"coUnitIds":["town-a","\\udc00x"]');
    expect(body).toContain('\\udc00');
    const register = await office.request('POST', '/api/rectifications', undefined, body);
    expectRefusal(register, 'coUnitIds[1]');
    expect(await itemCount()).toBe(before);
  });

  it.each([
    ['NUL', '\u0000'],
    ['bell', '\u0007'],
    ['escape', '\u001b'],
  ])('refuses a %s character in a title with a 400 naming title, and stores nothing', async (_name, control) => {
    const before = await itemCount();
    expectRefusal(await office.post('/api/rectifications', { ...validItem(), title: `饮水${control}安全` }), 'title');
    expect(await itemCount()).toBe(before);
  });

  it('keeps tabs and line breaks in text', async () => {
    const created = await office.post('/api/rectifications', { ...validItem(), description: '第一行\r\n第二行\t缩进' });
    expect(created.status).toBe(201);
  });

  it('refuses control characters in a path parameter, naming it', async () => {
    expectRefusal(await office.post('/api/notifications/a%00b/read'), 'id');
  });

  it('refuses control characters in a query string, naming the parameter', async () => {
    expectRefusal(await auditor.get('/api/audit?action=%00'), 'action');
  });
});

describe('prototype keys', () => {
  it.each(['__proto__', 'constructor', 'prototype'])('refuses a %s key at any depth with a 400 naming it', async (key) => {
    const before = await itemCount();
    const top = await office.request('POST', '/api/rectifications', undefined, JSON.stringify(validItem()).replace(/^\{/, `{"${key}":{"isAdmin":true},`));
    expectRefusal(top, key);
    const deep = await office.post('/api/campaigns', { name: '专项行动', startDate: inDays(0), phases: [JSON.parse(`{"name":"排查","kind":"check","endDate":"${inDays(5)}","${key}":{}}`)], subActions: [], checkItems: [], reports: [] });
    expectRefusal(deep, `phases[0].${key}`);
    expect(await itemCount()).toBe(before);
  });
});

describe('bodies on routes that take none', () => {
  it('refuses a body on a body-less step, $-operators included, and leaves the item as it was', async () => {
    const created = await office.post('/api/rectifications', validItem());
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const withOperator = await water.post(`/api/rectifications/${id}/sign`, { $set: { status: 'closed' } });
    expect(withOperator.status).toBe(400);
    expect(withOperator.body.error).toMatchObject({ code: 'invalid_input', message: expect.stringContaining('请求体') });
    expect((await water.post(`/api/rectifications/${id}/sign`, { note: 'x' })).status).toBe(400);
    expect((await water.get(`/api/rectifications/${id}`)).body.status).toBe('assigned');
  });

  it('still accepts such a step without a body, or with an empty object', async () => {
    const [first, second] = await Promise.all([office.post('/api/rectifications', validItem()), office.post('/api/rectifications', validItem())]);
    expect((await water.post(`/api/rectifications/${first.body.id}/sign`)).status).toBe(200);
    expect((await water.post(`/api/rectifications/${second.body.id}/sign`, {})).status).toBe(200);
  });
});

describe('nesting', () => {
  it.each([
    ['/api/auth/login', () => stack.api],
    ['/api/rectifications', () => office],
  ])('answers JSON nested 10,000 deep on %s with a 400, not a 500', async (path, as) => {
    const response = await as().request('POST', path, undefined, `{"username":${nested(10_000)},"title":${nested(10_000)}}`);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_input');
  });
});

describe('dates outside the years the system serves', () => {
  it.each(['9999-12-31', '0001-01-01', '1900-01-01', '2101-01-01'])('refuses an item due %s with a 400 naming dueDate', async (dueDate) => {
    const before = await itemCount();
    expectRefusal(await office.post('/api/rectifications', { ...validItem(), dueDate }), 'dueDate');
    expect(await itemCount()).toBe(before);
  });

  it.each(['0000', '9999', '0000-Q1', '9999-12'])('refuses the evaluation of period %s with a 400 naming period', async (period) => {
    expectRefusal(await office.get(`/api/reports/evaluation?period=${period}`), 'period');
  });

  it.each(['0000-01', '9999-12', '1900-05'])('refuses a task list for month %s', async (month) => {
    expectRefusal(await office.post('/api/task-lists', { month, items: [{ title: '台账', targetUnitKind: 'township', dueKind: 'monthEnd' }] }), 'month');
    expect((await office.get(`/api/task-lists/TL-${month}`)).status).not.toBe(200);
  });

  it.each(['9999-12-31', '1900-10-01'])('refuses a working-day override for %s with a 400 naming date', async (date) => {
    expectRefusal(await office.request('PUT', `/api/calendar/overrides/${date}`, { working: false, name: '调休' }), 'date');
  });

  it('refuses a campaign dated 1900', async () => {
    const campaign = await office.post('/api/campaigns', {
      name: '专项行动',
      startDate: '1900-01-01',
      phases: [{ name: '全面排查摸底', kind: 'check', endDate: '1900-02-01' }],
      subActions: [],
      checkItems: [],
      reports: [],
    });
    expectRefusal(campaign, 'startDate');
  });
});

describe('paging cursors', () => {
  it.each([
    ['a NUL in the id', ['2026-01-01T00:00:00.000Z', 'a\u0000b']],
    ['a loose date', ['1', 'x']],
    ['an object', [{ $gt: '' }, 'x']],
    ['too many parts', ['2026-01-01T00:00:00.000Z', 'x', 'y']],
  ])('answers a crafted escalation cursor with %s with a 400 naming cursor', async (_what, parts) => {
    expectRefusal(await office.get(`/api/escalations?cursor=${base64url(parts)}`), 'cursor');
  });

  it.each(['/api/inbox', '/api/assignments', '/api/notifications', '/api/assignments/escalations'])('answers a forged cursor on %s with a 400 naming cursor', async (path) => {
    // A list cursor's first part is a due day (or an instant, from before); no real day or instant is forged.
    for (const parts of [['2026-01-01T00:00:00.000Z', 'a\u0000b'], ['1', 'x'], ['2026-13-45', 'x'], ['2026-01-01T00:00:00Z', 'x']]) {
      expectRefusal(await office.get(`${path}?cursor=${base64url(parts)}`), 'cursor');
    }
  });
});
