import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotificationActivities } from '@duban/activities';
import type { HostResolver } from '@duban/webhooks';
import { parseWebhookAllowList } from '@duban/config';
import { WEBHOOK_DELIVERY_WORKFLOW, webhookDeliveryWorkflowId, type NotificationRequest, type WebhookDeliveryOutcome } from '@duban/contracts';
import { WebhookDeliveryRepository, webhookChannelModel } from '@duban/persistence';
import { PASSWORD, testCounty } from './support/org-fixture.js';
import { startStack, type ApiClient, type Stack } from './support/stack.js';

/**
 * Webhook URLs and SSRF: what a channel may point at, checked when it is configured and again at every delivery.
 * The operator's allow-list of this stack names one internal network (10.20.0.0/16), not loopback, so the local
 * receiver below stands for an internal service webhooks must not reach.
 */
const ALLOWED = '10.20.0.0/16';

/** An HTTP server on loopback that records every request. */
class Receiver {
  readonly received: { path: string; headers: IncomingHttpHeaders }[] = [];
  private server!: Server;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      this.received.push({ path: new URL(request.url ?? '/', 'http://receiver').pathname, headers: request.headers });
      request.resume().on('end', () => response.writeHead(204).end());
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let stack: Stack;
let office: ApiClient;
let receiver: Receiver;
let deliveries: WebhookDeliveryRepository;

beforeAll(async () => {
  receiver = new Receiver();
  await receiver.start();
  stack = await startStack(testCounty, { webhookAllowList: ALLOWED });
  office = await stack.api.login('office', PASSWORD);
  deliveries = new WebhookDeliveryRepository(stack.database);
});

afterAll(async () => {
  await stack?.close();
  await receiver?.stop();
});

const notice = (key: string): NotificationRequest => ({
  key,
  unitId: 'water',
  audience: ['handlers'],
  level: 'red',
  title: '红色督办单：饮水安全问题',
  body: '该问题已超过整改时限。',
  subject: { kind: 'rectification', id: 'item-ssrf' },
});

/** A channel as stored (configured before these checks existed, or its name resolved elsewhere since), and a pending delivery to it. */
async function storedChannelDelivery(url: string): Promise<string> {
  const channelId = randomUUID();
  await webhookChannelModel(stack.database).create({ _id: channelId, unitId: 'water', kind: 'json', name: '旧渠道', url, secret: null, enabled: true, createdAt: new Date() });
  return (await deliveries.createIfAbsent(channelId, notice(`ssrf:${channelId}`), new Date()))._id;
}

async function deliverThroughWorker(deliveryId: string): Promise<WebhookDeliveryOutcome> {
  const handle = await stack.temporal.workflow.start(WEBHOOK_DELIVERY_WORKFLOW, {
    workflowId: webhookDeliveryWorkflowId(deliveryId),
    taskQueue: stack.taskQueue,
    args: [{ deliveryId }],
  });
  return (await handle.result()) as WebhookDeliveryOutcome;
}

describe('configuring a channel', () => {
  it('refuses URLs that lead to loopback, private, link-local, metadata, CGNAT, multicast or reserved addresses, in any spelling, with a 400 naming url, storing nothing', async () => {
    const internal = [
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00:ec2::254]/latest/meta-data/',
      'http://127.0.0.1:27017/',
      'http://[::1]:8233/',
      'http://localhost:8233/', // a name: refused for what it resolves to
      'http://0x7f000001/',
      'http://2130706433/',
      'http://127.1/',
      'http://017700000001/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:169.254.169.254]/',
      'http://0.0.0.0/',
      'http://[::]/',
      'http://10.0.0.1/',
      'http://10.21.0.1/', // next to the allowed 10.20.0.0/16
      'http://172.16.0.1/',
      'http://192.168.1.1/',
      'http://100.64.0.1/',
      'http://[fe80::1]/',
      'http://[fc00::1]/',
      'http://224.0.0.1/',
      'http://[ff02::1]/',
      'http://255.255.255.255/',
      'http://192.0.2.1/',
      'http://[64:ff9b::7f00:1]/',
    ];
    for (const url of internal) {
      const response = await office.post('/api/org/units/water/webhooks', { kind: 'json', name: '回调', url });
      expect(response.status, url).toBe(400);
      expect(response.body.error.code).toBe('invalid_input');
      expect(response.body.error.details.fields.map((f: { field: string }) => f.field), url).toEqual(['url']);
      // Most are refused by the address check; a few odd spellings already by the URL validation of the body.
      expect(response.body.error.message, url).toMatch(/url.*[\u4e00-\u9fa5]|[\u4e00-\u9fa5].*url/);
    }
    const withCredentials = await office.post('/api/org/units/water/webhooks', { kind: 'json', name: '回调', url: 'https://user:secret@93.184.215.14/hook' });
    expect(withCredentials.status).toBe(400);
    expect(withCredentials.body.error).toMatchObject({ code: 'invalid_input', message: 'url 不能包含用户名或密码', details: { fields: [{ field: 'url' }] } });
    expect((await office.get('/api/org/units/water/webhooks')).body.items).toEqual([]);
  });

  it('accepts a public address, and an internal one inside the operator\'s allow-list', async () => {
    for (const url of ['https://93.184.215.14/robot/send?access_token=t', 'http://[2606:4700::1111]/hook', 'http://10.20.3.4:8080/hook']) {
      const response = await office.post('/api/org/units/health/webhooks', { kind: 'json', name: '回调', url });
      expect(response.status, `${url} ${JSON.stringify(response.body)}`).toBe(201);
      expect(response.body.url).toBe(url);
    }
  });
});

describe('delivering', () => {
  it('checks the address again at delivery: a stored channel that now leads to loopback is never called, and the delivery fails at once with the reason', async () => {
    const deliveryId = await storedChannelDelivery(`http://127.0.0.1:${receiver.port}/internal-admin`);
    const outcome = await deliverThroughWorker(deliveryId);
    expect(outcome).toMatchObject({ status: 'failed', reason: expect.stringContaining('127.0.0.1') });
    expect(receiver.received.filter((r) => r.path === '/internal-admin')).toEqual([]);
    const record = await deliveries.findById(deliveryId);
    expect(record).toMatchObject({ status: 'failed' });
    // Not retried: the one attempt says why, with no HTTP status (nothing was sent).
    expect(record!.attempts).toEqual([expect.objectContaining({ statusCode: null, error: expect.stringMatching(/本机|内网/) })]);
  });

  it('connects to the address it checked, not to what the name resolves to a moment later (DNS rebinding)', async () => {
    // The name first resolves to the receiver's loopback address, afterwards to another one where nothing listens;
    // both are allowed here, so only a second resolution at connect time could miss the receiver.
    let resolutions = 0;
    const rebinding: HostResolver = async () => [{ address: resolutions++ === 0 ? '127.0.0.1' : '127.0.0.2', family: 4 }];
    const activities = createNotificationActivities(stack.database, { webhookAllowList: parseWebhookAllowList('127.0.0.0/8'), resolveHost: rebinding });
    const deliveryId = await storedChannelDelivery(`http://hooks.example.test:${receiver.port}/pinned`);

    await activities.deliverWebhook(deliveryId);
    expect(resolutions).toBe(1);
    expect(receiver.received.filter((r) => r.path === '/pinned').map((r) => r.headers.host)).toEqual([`hooks.example.test:${receiver.port}`]);
    expect(await deliveries.findById(deliveryId)).toMatchObject({ status: 'delivered' });
  });
});
