import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgFile } from '@duban/api';
import { shanghaiDate } from '@duban/domain';
import { PASSWORD, testCounty } from './support/org-fixture.js';
import { startStack, type ApiClient, type Stack } from './support/stack.js';
import { until } from './support/until.js';

/** The test county plus a unit leader (责任单位负责人) of the water bureau. */
const county: OrgFile = {
  units: testCounty.units,
  users: [...(testCounty.users ?? []), { username: 'water-lead', name: '水利局赵局长', unit: 'water', roles: ['unit_leader'], password: PASSWORD }],
};

let stack: Stack;
let office: ApiClient;
let leader: ApiClient;
let water: ApiClient;
let waterLead: ApiClient;
let health: ApiClient;
let inspector: ApiClient;
/** Bodies the water bureau's JSON webhook received. */
const received: string[] = [];
let receiver: Server;

const inDays = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000));
const month = shanghaiDate(new Date()).slice(0, 7);

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push(Buffer.concat(chunks).toString('utf8'));
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  stack = await startStack(county, { webhookAllowList: '127.0.0.1' });
  const login = (username: string) => stack.api.login(username, PASSWORD);
  [office, leader, water, waterLead, health, inspector] = await Promise.all([
    login('office'),
    login('leader'),
    login('water'),
    login('water-lead'),
    login('health'),
    login('inspector'),
  ]);
  const channel = await office.post('/api/org/units/water/webhooks', {
    kind: 'json',
    name: '水利局业务系统',
    url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/duban`,
  });
  expect(channel.status).toBe(201);
});

afterAll(async () => {
  await stack?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

async function registerItem(title: string): Promise<string> {
  const created = await office.post('/api/rectifications', {
    title,
    description: '省考核发现：甲镇两户脱贫户季节性缺水。',
    source: 'provincial_assessment',
    category: 'drinking_water',
    severity: 'major',
    leadUnitId: 'water',
    coUnitIds: ['health'],
    dueDate: inDays(60),
  });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

const notificationsAbout = async (client: ApiClient, subjectId: string) =>
  (await client.get('/api/notifications?limit=100')).body.items.filter((n: { subject: { id: string } }) => n.subject.id === subjectId) as {
    title: string;
    body: string;
  }[];
const urgings = async (client: ApiClient, subjectId: string) => (await notificationsAbout(client, subjectId)).filter((n) => n.title.startsWith('催办'));

describe('催办 on a rectification item', () => {
  it('tells the lead unit\'s handler and leader, in-app and on its webhook, lists it on the timeline and counts it', async () => {
    const id = await registerItem('饮水安全保障不到位（催办）');
    const message = '请于本周五前报送整改方案，逾期将通报。';
    const urged = await office.post(`/api/rectifications/${id}/urge`, { message });
    expect(urged.status, JSON.stringify(urged.body)).toBe(200);
    expect(urged.body).toMatchObject({ status: 'assigned', urgeCount: 1 });
    expect(urged.body.timeline.at(-1)).toMatchObject({ action: 'urge', actionLabel: '催办', actor: { name: '办公室王主任', unitId: 'office' }, note: message });

    for (const client of [water, waterLead]) {
      const [told] = await until('the 催办 notification', () => urgings(client, id), (mine) => mine.length > 0);
      expect(told).toMatchObject({ title: '催办：“饮水安全保障不到位（催办）”', body: `办公室王主任催办：${message}` });
    }
    await until('the webhook delivery', async () => received, (bodies) => bodies.some((body) => body.includes(message) && body.includes(id)));
    for (const client of [health, office, leader]) expect(await urgings(client, id)).toEqual([]);

    const seenByUnit = await water.get(`/api/rectifications/${id}`);
    expect(seenByUnit.body).toMatchObject({ urgeCount: 1, allowedActions: ['sign'] });
    expect(seenByUnit.body.timeline.map((entry: { action: string }) => entry.action)).toEqual(['register', 'urge']);
    expect((await office.get(`/api/rectifications/${id}`)).body.allowedActions).toContain('urge');

    expect((await leader.post(`/api/rectifications/${id}/urge`, { message: '请牵头单位主要负责人亲自督办。' })).body).toMatchObject({
      urgeCount: 2,
      timeline: expect.arrayContaining([expect.objectContaining({ action: 'urge', actor: expect.objectContaining({ name: '李组长' }) })]),
    });
  });

  it('is refused to the unit, the inspector and anyone not signed in (403 / 401), and answers 404 for an item that does not exist', async () => {
    const id = await registerItem('住房安全鉴定滞后（催办权限）');
    for (const client of [water, waterLead, health, inspector]) {
      const refused = await client.post(`/api/rectifications/${id}/urge`, { message: '请加快进度' });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/[\u4e00-\u9fa5]/) });
    }
    expect((await stack.api.post(`/api/rectifications/${id}/urge`, { message: '请加快进度' })).status).toBe(401);
    const missing = await office.post('/api/rectifications/00000000-0000-4000-8000-000000000000/urge', { message: '请加快进度' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    expect((await office.get(`/api/rectifications/${id}`)).body.urgeCount).toBe(0);
  });

  it('needs a message of at most 200 characters: a 400 naming message, nothing recorded, nobody told', async () => {
    const id = await registerItem('监测户信息采集不准（催办校验）');
    const cases: [unknown, string][] = [
      [{}, 'message 催办内容须为文字'],
      [{ message: '   ' }, 'message 催办内容不能为空'],
      [{ message: '快'.repeat(201) }, 'message 催办内容不能超过200个字'],
      [{ message: 42 }, 'message 催办内容须为文字'],
    ];
    for (const [body, problem] of cases) {
      const refused = await office.post(`/api/rectifications/${id}/urge`, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.error.code).toBe('invalid_input');
      expect(refused.body.error.details.fields).toEqual([{ field: 'message', problems: expect.arrayContaining([problem]) }]);
    }
    const extra = await office.post(`/api/rectifications/${id}/urge`, { message: '请加快', level: 'red' });
    expect(extra.status).toBe(400);
    expect(extra.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['level']);
    expect(await urgings(water, id)).toEqual([]);
    expect((await office.post(`/api/rectifications/${id}/urge`, { message: '快'.repeat(200) })).body.urgeCount).toBe(1);
    const detail = await office.get(`/api/rectifications/${id}`);
    expect(detail.body.timeline.filter((entry: { action: string }) => entry.action === 'urge')).toHaveLength(1);
  });

  it('is refused with a 409 once the item is closed', async () => {
    const id = await registerItem('产业帮扶项目资产未确权（已销号催办）');
    const other = await registerItem('重复登记的问题（已合并催办）');
    expect((await water.post(`/api/rectifications/${id}/sign`)).status).toBe(200);
    const plan = { measures: '完成资产确权登记', targetDate: inDays(30), responsiblePerson: '水利局副局长 张三' };
    expect((await water.post(`/api/rectifications/${id}/plan`, plan)).status).toBe(200);
    expect((await office.post(`/api/rectifications/${id}/plan/approve`, {})).status).toBe(200);
    expect((await health.post(`/api/rectifications/${id}/parts`, { summary: '已配合核实' })).status).toBe(200);
    expect((await water.post(`/api/rectifications/${id}/completion`, { summary: '已完成确权' })).status).toBe(200);
    expect((await office.post(`/api/rectifications/${id}/sign-off`, {})).body.status).toBe('closed');
    const kept = await registerItem('保留的问题（合并目标）');
    expect((await office.post(`/api/rectifications/${other}/merge`, { intoItemId: kept })).body.status).toBe('merged');

    for (const closed of [id, other]) {
      const refused = await office.post(`/api/rectifications/${closed}/urge`, { message: '请加快进度' });
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'invalid_state', message: expect.stringContaining('不能催办') });
      expect((await office.get(`/api/rectifications/${closed}`)).body.urgeCount).toBe(0);
    }
    expect((await office.get(`/api/rectifications/${id}`)).body.allowedActions).not.toContain('urge');
  });
});

describe('催办 on a monthly key-task assignment', () => {
  it('tells the responsible unit, lists it on the timeline and counts it; 403 for the unit, 409 once the assignment is done', async () => {
    const listId = `TL-${month}`;
    const draft = await office.post('/api/task-lists', {
      month,
      items: [{ title: '更新饮水安全监测台账', targetUnitIds: ['water'], dueKind: 'monthEnd', onUnfinished: 'fail' }],
    });
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    expect((await office.post(`/api/task-lists/${listId}/publish`, {})).status).toBe(202);
    const id = `${listId}.i1.water`;
    await until('the assignment', () => office.get(`/api/assignments/${id}`), (r) => r.status === 200);

    const message = '请今日内签收并分解到人。';
    expect((await water.post(`/api/assignments/${id}/urge`, { message })).status).toBe(403);
    expect((await office.post(`/api/assignments/${id}/urge`, { message: '' })).body.error.details.fields[0].field).toBe('message');
    const urged = await leader.post(`/api/assignments/${id}/urge`, { message });
    expect(urged.status, JSON.stringify(urged.body)).toBe(200);
    expect(urged.body).toMatchObject({ status: 'assigned', urgeCount: 1 });
    expect(urged.body.timeline.at(-1)).toMatchObject({ action: 'urge', actionLabel: '催办', actor: { name: '李组长' }, note: message });
    for (const client of [water, waterLead]) {
      const [told] = await until('the 催办 notification', () => urgings(client, id), (mine) => mine.length > 0);
      expect(told!.body).toBe(`李组长催办：${message}`);
    }
    expect((await water.get(`/api/assignments/${id}`)).body.urgeCount).toBe(1);

    expect((await water.post(`/api/assignments/${id}/sign`)).status).toBe(200);
    expect((await water.post(`/api/assignments/${id}/submit`, { summary: '台账已更新' })).status).toBe(200);
    expect((await waterLead.post(`/api/assignments/${id}/countersign`, {})).status).toBe(200);
    expect((await office.post(`/api/assignments/${id}/sign-off`, {})).body.status).toBe('done');
    await until('the assignment done in the read model', () => office.get(`/api/assignments/${id}`), (r) => r.body.status === 'done');
    const refused = await office.post(`/api/assignments/${id}/urge`, { message });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'invalid_state', message: '当前状态为“已办结”，不能催办' });
  });
});
