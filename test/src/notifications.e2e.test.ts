import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotificationActivities } from '@duban/activities';
import type { OrgFile } from '@duban/api';
import { parseWebhookAllowList } from '@duban/config';
import { WEBHOOK_DELIVERY_WORKFLOW, webhookDeliveryWorkflowId, type NotificationRequest, type WebhookDeliveryOutcome } from '@duban/contracts';
import { WebhookDeliveryRepository } from '@duban/persistence';
import { shanghaiDate } from '@duban/domain';
import { PASSWORD, testCounty } from './support/org-fixture.js';
import { startStack, type ApiClient, type Stack } from './support/stack.js';
import { until } from './support/until.js';

/** The test county plus a unit leader (责任单位负责人) of the water bureau and the system administrator. */
const county: OrgFile = {
  units: testCounty.units,
  users: [
    ...(testCounty.users ?? []),
    { username: 'water-lead', name: '水利局赵局长', unit: 'water', roles: ['unit_leader'], password: PASSWORD },
    { username: 'sysadmin', name: '系统管理员吴工', unit: 'office', roles: ['sysadmin'], password: PASSWORD },
  ],
};

interface Received {
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A real HTTP receiver standing in for DingTalk, WeCom and a JSON endpoint. Each path answers from its
 * script (the last answer repeats); every request is recorded.
 */
class Receiver {
  readonly received: Received[] = [];
  private readonly scripts = new Map<string, { status: number; body: string }[]>();
  private server!: Server;
  baseUrl = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const url = new URL(request.url ?? '/', 'http://receiver');
        this.received.push({ path: url.pathname, query: url.searchParams, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        const script = this.scripts.get(url.pathname) ?? [{ status: 404, body: '' }];
        const answer = script.length > 1 ? script.shift()! : script[0]!;
        response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  answer(path: string, ...answers: { status: number; body?: unknown }[]): string {
    this.scripts.set(path, answers.map((a) => ({ status: a.status, body: a.body === undefined ? '' : JSON.stringify(a.body) })));
    return this.baseUrl + path;
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const ROBOT_OK = { errcode: 0, errmsg: 'ok' };
const DINGTALK_SECRET = 'SECb0c1a2d3e4f5-not-a-real-secret';

let stack: Stack;
let receiver: Receiver;
let activities: ReturnType<typeof createNotificationActivities>;
let deliveries: WebhookDeliveryRepository;
let office: ApiClient;
let leader: ApiClient;
let water: ApiClient;
let waterLead: ApiClient;
let health: ApiClient;
let inspector: ApiClient;
let sysadmin: ApiClient;

beforeAll(async () => {
  receiver = new Receiver();
  await receiver.start();
  // The receiver listens on loopback, which webhooks may reach only when the operator allows it.
  stack = await startStack(county, { webhookAllowList: '127.0.0.1' });
  activities = createNotificationActivities(stack.database, { webhookAllowList: parseWebhookAllowList('127.0.0.1') });
  deliveries = new WebhookDeliveryRepository(stack.database);
  const login = (username: string) => stack.api.login(username, PASSWORD);
  [office, leader, water, waterLead, health, inspector, sysadmin] = await Promise.all([
    login('office'),
    login('leader'),
    login('water'),
    login('water-lead'),
    login('health'),
    login('inspector'),
    login('sysadmin'),
  ]);
});

afterAll(async () => {
  await stack?.close();
  await receiver?.stop();
});

const request = (key: string, overrides: Partial<NotificationRequest> = {}): NotificationRequest => ({
  key,
  unitId: 'water',
  audience: ['handlers', 'unit_leaders'],
  level: 'red',
  title: '红色督办单 督办〔2026〕红字第1号：饮水安全问题',
  body: '该问题已超过整改时限，请于 **3 个工作日内** 报送整改情况。',
  subject: { kind: 'rectification', id: 'item-1' },
  ...overrides,
});

/** Runs one delivery through the stack's real worker, as the rectification workflow would start it. */
async function deliverThroughWorker(deliveryId: string): Promise<WebhookDeliveryOutcome> {
  const handle = await stack.temporal.workflow.start(WEBHOOK_DELIVERY_WORKFLOW, {
    workflowId: webhookDeliveryWorkflowId(deliveryId),
    taskQueue: stack.taskQueue,
    args: [{ deliveryId }],
  });
  return (await handle.result()) as WebhookDeliveryOutcome;
}

async function addChannel(client: ApiClient, unitId: string, channel: Record<string, unknown>) {
  const response = await client.post(`/api/org/units/${unitId}/webhooks`, channel);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string; hasSecret: boolean };
}

const notificationsOf = async (client: ApiClient, query = '') => (await client.get(`/api/notifications${query}`)).body;
const subjects = async (client: ApiClient, subjectId: string) =>
  (await notificationsOf(client, '?limit=100')).items.filter((n: { subject: { id: string } }) => n.subject.id === subjectId);

describe('webhook channels (admin)', () => {
  it('lets the office add DingTalk, WeCom and JSON channels; the DingTalk secret is stored but never shown', async () => {
    const dingtalk = await office.post('/api/org/units/health/webhooks', {
      kind: 'dingtalk',
      name: '卫健委工作群',
      url: `${receiver.baseUrl}/robot/send?access_token=abc`,
      secret: DINGTALK_SECRET,
    });
    expect(dingtalk.status).toBe(201);
    expect(dingtalk.body).toMatchObject({ unitId: 'health', kind: 'dingtalk', kindLabel: '钉钉群机器人', name: '卫健委工作群', enabled: true, hasSecret: true });
    expect(dingtalk.body).not.toHaveProperty('secret');
    const wecom = await office.post('/api/org/units/health/webhooks', { kind: 'wecom', name: '卫健委企业微信群', url: `${receiver.baseUrl}/cgi-bin/webhook/send?key=k` });
    expect(wecom.body).toMatchObject({ kind: 'wecom', hasSecret: false });

    const listed = await office.get('/api/org/units/health/webhooks');
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((c: { kind: string }) => c.kind)).toEqual(['dingtalk', 'wecom']);
    for (const response of [dingtalk, wecom, listed]) {
      expect(JSON.stringify(response.body)).not.toContain(DINGTALK_SECRET);
      expect(JSON.stringify(response.body)).not.toContain('"secret"');
    }
    const openApi = await stack.api.get('/api/openapi.json');
    expect(openApi.body.paths['/api/org/units/{unitId}/webhooks'].post.tags).toEqual(['notifications']);

    expect((await office.request('DELETE', `/api/org/units/health/webhooks/${dingtalk.body.id}`)).status).toBe(204);
    expect((await office.request('DELETE', `/api/org/units/health/webhooks/${dingtalk.body.id}`)).status).toBe(404);
    // A channel is deleted only under its own unit.
    expect((await office.request('DELETE', `/api/org/units/water/webhooks/${wecom.body.id}`)).status).toBe(404);
    expect((await office.request('DELETE', `/api/org/units/health/webhooks/${wecom.body.id}`)).status).toBe(204);
    expect((await office.get('/api/org/units/health/webhooks')).body.items).toEqual([]);
  });

  it('is for the office (any unit) and a unit leader (their own unit only), not the system administrator (三员分立), and for known units', async () => {
    const channel = { kind: 'json', name: '回调', url: `${receiver.baseUrl}/hook` };
    const byOffice = await addChannel(office, 'health', { ...channel, name: '卫健委回调' });
    for (const client of [sysadmin, water, leader, inspector]) {
      const refusals = [
        await client.post('/api/org/units/water/webhooks', channel),
        await client.get('/api/org/units/water/webhooks'),
        await client.get('/api/org/units/health/webhooks'),
        await client.request('DELETE', `/api/org/units/health/webhooks/${byOffice.id}`),
      ];
      for (const refused of refusals) expect(refused.status).toBe(403);
      expect(refusals[0]!.body.error).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/[\u4e00-\u9fa5]/) });
    }

    const own = await addChannel(waterLead, 'water', { ...channel, name: '水利局回调' });
    expect((await waterLead.get('/api/org/units/water/webhooks')).body.items.map((c: { name: string }) => c.name)).toEqual(['水利局回调']);
    for (const refused of [
      await waterLead.post('/api/org/units/health/webhooks', channel),
      await waterLead.get('/api/org/units/health/webhooks'),
      await waterLead.request('DELETE', `/api/org/units/health/webhooks/${byOffice.id}`),
    ]) {
      expect(refused.status).toBe(403);
    }
    expect((await office.get('/api/org/units/health/webhooks')).body.items.map((c: { id: string }) => c.id)).toEqual([byOffice.id]);
    expect((await waterLead.request('DELETE', `/api/org/units/water/webhooks/${own.id}`)).status).toBe(204);
    expect((await office.request('DELETE', `/api/org/units/health/webhooks/${byOffice.id}`)).status).toBe(204);

    expect((await office.post('/api/org/units/nowhere/webhooks', channel)).status).toBe(404);
    expect((await office.get('/api/org/units/nowhere/webhooks')).body.error.code).toBe('not_found');
  });

  it('refuses bad input with a 400 naming the field, storing nothing', async () => {
    const valid = { kind: 'json', name: '回调', url: `${receiver.baseUrl}/hook` };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...valid, url: 'ftp://example.com/hook' }, 'url'],
      [{ ...valid, url: 'javascript:alert(1)' }, 'url'],
      [{ ...valid, url: 'not a url' }, 'url'],
      [{ ...valid, url: { $ne: null } }, 'url'],
      [{ ...valid, kind: 'sms' }, 'kind'],
      [{ ...valid, name: '   ' }, 'name'],
      [{ ...valid, enabled: 'yes' }, 'enabled'],
      [{ ...valid, extra: 1 }, 'extra'],
      [{ ...valid, secret: 'SECxyz' }, 'secret'], // only DingTalk robots sign
    ];
    for (const [body, field] of cases) {
      const response = await office.post('/api/org/units/water/webhooks', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toBe('invalid_input');
      expect(response.body.error.details.fields.map((f: { field: string }) => f.field), JSON.stringify(body)).toContain(field);
    }
    expect((await office.get('/api/org/units/water/webhooks')).body.items).toEqual([]);
  });
});

describe('notify and deliver', () => {
  let dingtalkUrl: string;
  let wecomUrl: string;
  let jsonUrl: string;
  let officeUrl: string;
  let channelIds: { dingtalk: string; wecom: string; json: string; disabled: string; office: string };

  beforeAll(async () => {
    dingtalkUrl = receiver.answer('/dingtalk/robot/send', { status: 200, body: ROBOT_OK }) + '?access_token=water-token';
    wecomUrl = receiver.answer('/wecom/webhook/send', { status: 200, body: ROBOT_OK }) + '?key=water-key';
    jsonUrl = receiver.answer('/json/water', { status: 204 });
    officeUrl = receiver.answer('/json/office', { status: 200, body: { received: true } });
    channelIds = {
      dingtalk: (await addChannel(office, 'water', { kind: 'dingtalk', name: '水利局钉钉群', url: dingtalkUrl, secret: DINGTALK_SECRET })).id,
      wecom: (await addChannel(office, 'water', { kind: 'wecom', name: '水利局企业微信群', url: wecomUrl })).id,
      json: (await addChannel(office, 'water', { kind: 'json', name: '水利局业务系统', url: jsonUrl })).id,
      disabled: (await addChannel(office, 'water', { kind: 'json', name: '停用的渠道', url: `${receiver.baseUrl}/never`, enabled: false })).id,
      office: (await addChannel(office, 'office', { kind: 'json', name: '办公室督办平台', url: officeUrl })).id,
    };
  });

  it('adds only the missing recipients when some of a key\'s notifications are already stored (an attempt that stopped halfway)', async () => {
    const key = 'rect:item-halfway:notice:yellow:1';
    expect((await activities.notify(request(key, { audience: ['handlers'], subject: { kind: 'rectification', id: 'item-halfway' } }))).inApp).toBe(1);
    const rest = await activities.notify(request(key, { audience: ['handlers', 'unit_leaders', 'office'], subject: { kind: 'rectification', id: 'item-halfway' } }));
    expect(rest.inApp).toBe(2);
    for (const client of [water, waterLead, office]) expect(await subjects(client, 'item-halfway')).toHaveLength(1);
  });

  it('stores in-app notifications for the handler, the unit leader and the office exactly once, even when notify runs twice', async () => {
    const notice = request('rect:item-1:notice:red:1', { audience: ['handlers', 'unit_leaders', 'office'] });
    const first = await activities.notify(notice);
    expect(first.inApp).toBe(3);
    expect(first.deliveries).toHaveLength(4); // the water bureau's three enabled channels and the office's one

    const again = await activities.notify(notice);
    expect(again.inApp).toBe(0);
    // Still pending, so answered again with the same ids (a retried activity must not lose them).
    expect(again.deliveries.map((d) => d.deliveryId).sort()).toEqual(first.deliveries.map((d) => d.deliveryId).sort());
    const records = await deliveries.listForNotification(notice.key);
    expect(records.map((r) => r.channelId).sort()).toEqual([channelIds.dingtalk, channelIds.wecom, channelIds.json, channelIds.office].sort());

    for (const client of [water, waterLead, office]) {
      const mine = await subjects(client, 'item-1');
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ level: 'red', title: notice.title, body: notice.body, unitId: 'water', subject: notice.subject, readAt: null });
    }
    for (const client of [health, leader, inspector]) expect(await subjects(client, 'item-1')).toEqual([]);
  });

  it('delivers the exact DingTalk, WeCom and JSON bodies through the real worker, the DingTalk one signed', async () => {
    const notice = request('rect:item-2:notice:blue:1', { subject: { kind: 'rectification', id: 'item-2' }, level: 'blue', title: '蓝色督办单：饮水安全问题临近时限' });
    const { deliveries: prepared } = await activities.notify(notice);
    expect(prepared).toHaveLength(3); // no office audience: the office's channel is not used
    const before = Date.now();
    const outcomes = await Promise.all(prepared.map((d) => deliverThroughWorker(d.deliveryId)));
    expect(outcomes).toEqual([{ status: 'delivered' }, { status: 'delivered' }, { status: 'delivered' }]);

    const [dingtalk] = receiver.at('/dingtalk/robot/send').filter((r) => r.body.includes('item-2') || r.body.includes('临近时限'));
    expect(dingtalk).toBeDefined();
    expect(dingtalk!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(dingtalk!.body)).toEqual({
      msgtype: 'markdown',
      markdown: { title: notice.title, text: `### ${notice.title}\n\n${notice.body}` },
    });
    expect(dingtalk!.query.get('access_token')).toBe('water-token');
    const timestamp = dingtalk!.query.get('timestamp')!;
    expect(Number(timestamp)).toBeGreaterThanOrEqual(before - 1000);
    expect(Number(timestamp)).toBeLessThanOrEqual(Date.now());
    expect(dingtalk!.query.get('sign')).toBe(createHmac('sha256', DINGTALK_SECRET).update(`${timestamp}\n${DINGTALK_SECRET}`).digest('base64'));

    const [wecom] = receiver.at('/wecom/webhook/send').filter((r) => r.body.includes('临近时限'));
    expect(wecom!.query.get('key')).toBe('water-key');
    expect(JSON.parse(wecom!.body)).toEqual({ msgtype: 'markdown', markdown: { content: `### ${notice.title}\n${notice.body}` } });

    const [json] = receiver.at('/json/water').filter((r) => r.body.includes('item-2'));
    expect(JSON.parse(json!.body)).toEqual({
      key: notice.key,
      unitId: 'water',
      audience: ['handlers', 'unit_leaders'],
      level: 'blue',
      title: notice.title,
      body: notice.body,
      subject: { kind: 'rectification', id: 'item-2' },
    });
    expect(receiver.at('/never')).toEqual([]);
    expect(receiver.at('/json/office').filter((r) => r.body.includes('item-2'))).toEqual([]);

    for (const { deliveryId } of prepared) {
      const record = await deliveries.findById(deliveryId);
      expect(record).toMatchObject({ status: 'delivered', failureReason: null });
      expect(record!.attempts).toHaveLength(1);
      expect(record!.attempts[0]).toMatchObject({ statusCode: expect.any(Number), error: null });
    }
    // Delivered is final: a repeated notify prepares nothing more, and a re-run delivers nothing twice.
    expect((await activities.notify(notice)).deliveries).toEqual([]);
    const sent = receiver.received.length;
    expect(await deliverThroughWorker(prepared[0]!.deliveryId)).toEqual({ status: 'delivered' });
    expect(receiver.received.length).toBe(sent);
  });

  it('retries a receiver that answers 500 twice and then 200: three recorded attempts, delivered', async () => {
    const url = receiver.answer('/json/flaky', { status: 500, body: { error: 'busy' } }, { status: 500, body: { error: 'busy' } }, { status: 200 });
    const channel = await addChannel(office, 'health', { kind: 'json', name: '卫健委业务系统', url });
    const { deliveries: prepared } = await activities.notify(request('rect:item-3:notice:red:1', { unitId: 'health', subject: { kind: 'rectification', id: 'item-3' } }));
    expect(prepared).toHaveLength(1);
    expect(await deliverThroughWorker(prepared[0]!.deliveryId)).toEqual({ status: 'delivered' });

    const record = await deliveries.findById(prepared[0]!.deliveryId);
    expect(record).toMatchObject({ status: 'delivered', channelId: channel.id });
    expect(record!.attempts.map((a) => a.statusCode)).toEqual([500, 500, 200]);
    expect(record!.attempts.map((a) => a.error)).toEqual(['HTTP 500：{"error":"busy"}', 'HTTP 500：{"error":"busy"}', null]);
    for (const attempt of record!.attempts) expect(attempt.durationMs).toBeGreaterThanOrEqual(0);
    expect(receiver.at('/json/flaky')).toHaveLength(3);
    await office.request('DELETE', `/api/org/units/health/webhooks/${channel.id}`);
  }, 60_000);

  it('counts a robot answer with errcode ≠ 0 as a failed attempt, and a deleted channel ends the delivery as failed', async () => {
    const url = receiver.answer('/dingtalk/refusing', { status: 200, body: { errcode: 310000, errmsg: 'sign not match' } });
    const channel = await addChannel(office, 'village-a1', { kind: 'dingtalk', name: '一村钉钉群', url });
    const { deliveries: prepared } = await activities.notify(request('rect:item-4:notice:red:1', { unitId: 'village-a1', subject: { kind: 'rectification', id: 'item-4' } }));
    const deliveryId = prepared[0]!.deliveryId;

    await expect(activities.deliverWebhook(deliveryId)).rejects.toThrow('errcode 310000：sign not match');
    expect((await deliveries.findById(deliveryId))!.attempts).toMatchObject([{ statusCode: 200, error: 'errcode 310000：sign not match' }]);
    expect((await deliveries.findById(deliveryId))!.status).toBe('pending');

    await office.request('DELETE', `/api/org/units/village-a1/webhooks/${channel.id}`);
    const outcome = await deliverThroughWorker(deliveryId);
    expect(outcome).toEqual({ status: 'failed', reason: '推送渠道已删除或已停用' });
    expect(await deliveries.findById(deliveryId)).toMatchObject({ status: 'failed', failureReason: '推送渠道已删除或已停用' });
  });
});

describe('GET /api/notifications', () => {
  it('shows users their own notifications, newest first, keyset-paged, with unread filtering and marking read', async () => {
    for (const n of [1, 2, 3]) {
      await activities.notify(request(`rect:item-5:notice:yellow:${n}`, { unitId: 'town-a', audience: ['handlers'], level: 'yellow', title: `黄色督办单 ${n}`, subject: { kind: 'rectification', id: 'item-5' } }));
      await new Promise((r) => setTimeout(r, 5)); // distinct creation instants
    }
    const townA = await stack.api.login('town-a', PASSWORD);
    const page1 = await notificationsOf(townA, '?limit=2');
    expect(page1.items.map((n: { title: string }) => n.title)).toEqual(['黄色督办单 3', '黄色督办单 2']);
    expect(page1.unreadCount).toBe(3);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = await notificationsOf(townA, `?limit=2&cursor=${page1.nextCursor}`);
    expect(page2.items.map((n: { title: string }) => n.title)).toEqual(['黄色督办单 1']);
    expect(page2.nextCursor).toBeNull();

    const newest = page1.items[0] as { id: string };
    // Nobody else can mark it read (or learn that it exists).
    expect((await water.post(`/api/notifications/${encodeURIComponent(newest.id)}/read`)).status).toBe(404);
    const read = await townA.post(`/api/notifications/${encodeURIComponent(newest.id)}/read`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: newest.id, title: '黄色督办单 3', readAt: expect.any(String) });
    const readAgain = await townA.post(`/api/notifications/${encodeURIComponent(newest.id)}/read`);
    expect(readAgain.body.readAt).toBe(read.body.readAt);

    const unread = await notificationsOf(townA, '?unread=true');
    expect(unread.items.map((n: { title: string }) => n.title)).toEqual(['黄色督办单 2', '黄色督办单 1']);
    expect(unread.unreadCount).toBe(2);
    expect((await notificationsOf(water, '?limit=100')).items.map((n: { subject: { id: string } }) => n.subject.id)).not.toContain('item-5');

    expect((await townA.post('/api/notifications/nope/read')).status).toBe(404);
    expect((await townA.get('/api/notifications?unread=yes')).body.error.details.fields[0].field).toBe('unread');
    expect((await townA.get('/api/notifications?limit=0')).body.error.details.fields[0].field).toBe('limit');
    expect((await townA.get('/api/notifications?cursor=garbage')).body.error.details.fields[0].field).toBe('cursor');
    expect((await stack.api.get('/api/notifications')).status).toBe(401);
  });

  it("marks all of a user's notifications read at once: the unread count is zero, other users' stay unread", async () => {
    for (const n of [1, 2]) {
      await activities.notify(request(`rect:item-6:notice:yellow:${n}`, { unitId: 'village-a2', audience: ['handlers'], level: 'yellow', title: `黄色督办单 ${n}`, subject: { kind: 'rectification', id: 'item-6' } }));
    }
    const village = await stack.api.login('village-a2', PASSWORD);
    expect((await notificationsOf(village)).unreadCount).toBe(2);
    const waterUnread = (await notificationsOf(water)).unreadCount;

    const all = await village.post('/api/notifications/read-all');
    expect(all.status).toBe(200);
    expect(all.body).toEqual({ marked: 2, unreadCount: 0 });
    const after = await notificationsOf(village);
    expect(after.unreadCount).toBe(0);
    expect(after.items.filter((n: { subject: { id: string } }) => n.subject.id === 'item-6').every((n: { readAt: string | null }) => n.readAt !== null)).toBe(true);
    expect((await village.post('/api/notifications/read-all')).body).toEqual({ marked: 0, unreadCount: 0 });
    expect((await notificationsOf(water)).unreadCount).toBe(waterUnread);
  });
});

describe('assignment (交办)', () => {
  it("tells the lead unit's handlers and leader and the co-unit's handlers when an item is registered for them, and nobody else", async () => {
    const dueDate = shanghaiDate(new Date(Date.now() + 40 * 86_400_000));
    const registered = await office.post('/api/rectifications', {
      title: '部分脱贫户饮水安全保障不到位',
      description: '省考核发现：两户脱贫户季节性缺水。',
      source: 'provincial_assessment',
      category: 'drinking_water',
      severity: 'major',
      leadUnitId: 'water',
      coUnitIds: ['health'],
      dueDate,
    });
    expect(registered.status).toBe(201);
    const id = registered.body.id as string;
    for (const client of [water, waterLead, health]) {
      const [told] = await until('the assignment notification', () => subjects(client, id), (mine: unknown[]) => mine.length > 0);
      expect(told).toMatchObject({ level: 'info', title: expect.stringContaining('部分脱贫户饮水安全保障不到位'), body: expect.stringContaining(dueDate), readAt: null });
    }
    expect((await subjects(health, id))[0].body).toContain('配合单位');
    expect((await subjects(water, id))[0].body).toContain('牵头单位');
    for (const client of [office, leader, inspector]) expect(await subjects(client, id)).toEqual([]);
  });
});
