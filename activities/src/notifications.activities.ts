import { ApplicationFailure } from '@temporalio/common';
import { createHmac } from 'node:crypto';
import type { Connection } from 'mongoose';
import { EMPTY_WEBHOOK_ALLOW_LIST, type WebhookAllowList } from '@duban/config';
import type { Audience, NotificationActivities, NotificationRequest, WebhookDeliveryActivities } from '@duban/contracts';
import type { Role } from '@duban/domain';
import {
  NotificationRepository,
  UnitRepository,
  UserRepository,
  WebhookChannelRepository,
  WebhookDeliveryRepository,
  notificationId,
  type UserRecord,
  type WebhookChannelRecord,
} from '@duban/persistence';
import { REFERENCE_TTL_MS, rememberedFor } from './reference-cache.js';
import { postToTarget } from './webhook-post.js';
import { WebhookTargets, type HostResolver } from '@duban/webhooks';

/** How long one POST may take, answer included. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/** ApplicationFailure type of a refused or failed POST (retried by Temporal). */
export const WEBHOOK_DELIVERY_FAILURE = 'WebhookDeliveryFailed';

/** ApplicationFailure type of a URL that now leads to an address webhooks may not reach (not retried). */
export const WEBHOOK_TARGET_REFUSED = 'WebhookTargetRefused';

export interface NotificationActivityOptions {
  /** Internal destinations the operator allows (DUBAN_WEBHOOK_ALLOWED_HOSTS); none when absent. */
  readonly webhookAllowList?: WebhookAllowList;
  /** How host names resolve (tests); the system resolver when absent. */
  readonly resolveHost?: HostResolver;
}

/** Roles that make a user a recipient, per audience; 'handlers' and 'unit_leaders' only within the notified unit. */
const UNIT_AUDIENCE_ROLES: Partial<Record<Audience, Role>> = { handlers: 'unit', unit_leaders: 'unit_leader' };
const COUNTY_AUDIENCE_ROLES: Partial<Record<Audience, Role>> = { office: 'office', leaders: 'leader' };

/**
 * Notification activities, bound to the worker's database connection: in-app notifications for every
 * recipient, and outbound webhook deliveries that a `webhookDeliveryWorkflow` each carries out.
 */
export function createNotificationActivities(
  connection: Connection,
  options: NotificationActivityOptions = {},
): NotificationActivities & WebhookDeliveryActivities {
  const users = new UserRepository(connection);
  const units = new UnitRepository(connection);
  const notifications = new NotificationRepository(connection, 'worker');
  const channels = new WebhookChannelRepository(connection);
  const deliveries = new WebhookDeliveryRepository(connection);
  const targets = new WebhookTargets(options.webhookAllowList ?? EMPTY_WEBHOOK_ALLOW_LIST, options.resolveHost);
  // Reference data, remembered briefly: a burst of notices for one unit reads its people and channels once.
  const activeInUnit = rememberedFor(REFERENCE_TTL_MS, (unitId: string, roles: readonly Role[]) => users.listActiveInUnit(unitId, roles));
  const activeWithRoles = rememberedFor(REFERENCE_TTL_MS, (roles: readonly Role[]) => users.listActiveWithRoles(roles));
  const officeUnits = rememberedFor(REFERENCE_TTL_MS, () => units.listByKind('office'));
  const enabledChannels = rememberedFor(REFERENCE_TTL_MS, (unitIds: readonly string[]) => channels.listEnabledForUnits(unitIds));

  async function recipients(request: NotificationRequest): Promise<UserRecord[]> {
    const unitRoles = rolesFor(request.audience, UNIT_AUDIENCE_ROLES);
    const countyRoles = rolesFor(request.audience, COUNTY_AUDIENCE_ROLES);
    const found = [
      ...(unitRoles.length > 0 ? await activeInUnit(request.unitId, unitRoles) : []),
      ...(countyRoles.length > 0 ? await activeWithRoles(countyRoles) : []),
    ];
    return [...new Map(found.map((user) => [user._id, user])).values()];
  }

  return {
    async notify(request) {
      const createdAt = new Date();
      const inApp = await notifications.createIfAbsent(
        (await recipients(request)).map((user) => ({
          _id: notificationId(request.key, user._id),
          key: request.key,
          userId: user._id,
          unitId: request.unitId,
          level: request.level,
          title: request.title,
          body: request.body,
          subject: { kind: request.subject.kind, id: request.subject.id },
          createdAt,
        })),
      );

      const channelUnits = new Set([request.unitId]);
      if (request.audience.includes('office')) for (const office of await officeUnits()) channelUnits.add(office._id);
      const prepared: { deliveryId: string }[] = [];
      for (const channel of await enabledChannels([...channelUnits])) {
        const delivery = await deliveries.createIfAbsent(channel._id, request, createdAt);
        // Pending ones are answered again on a repeated key, so a retry after a lost answer still starts them.
        if (delivery.status === 'pending') prepared.push({ deliveryId: delivery._id });
      }
      return { inApp, deliveries: prepared };
    },

    async deliverWebhook(deliveryId) {
      const delivery = await deliveries.findById(deliveryId);
      if (!delivery) throw ApplicationFailure.nonRetryable(`投递记录 ${deliveryId} 不存在`, 'DeliveryNotFound');
      if (delivery.status !== 'pending') return; // delivered before (a re-run) or given up: nothing to send
      const channel = await channels.findById(delivery.channelId);
      if (!channel || !channel.enabled) throw ApplicationFailure.nonRetryable('推送渠道已删除或已停用', 'WebhookChannelGone');

      const request = webhookRequest(channel, delivery.payload, deliveryId, Date.now());
      const at = new Date();
      const started = performance.now();
      // Checked at every delivery, not only when configured: the name may resolve elsewhere by now (DNS rebinding).
      const checked = await targets.check(request.url);
      if (!checked.ok) {
        await deliveries.recordAttempt(deliveryId, { at, statusCode: null, error: checked.problem, durationMs: Math.round(performance.now() - started) });
        if (checked.unresolved) throw ApplicationFailure.retryable(checked.problem, WEBHOOK_DELIVERY_FAILURE);
        throw ApplicationFailure.nonRetryable(checked.problem, WEBHOOK_TARGET_REFUSED);
      }
      let statusCode: number | null = null;
      let error: string | null;
      try {
        const answer = await postToTarget(checked.target, request.headers, request.body, WEBHOOK_TIMEOUT_MS);
        statusCode = answer.status;
        error = refusal(channel, answer.status, answer.text);
      } catch (failure) {
        error = fetchFailure(failure);
      }
      await deliveries.recordAttempt(deliveryId, { at, statusCode, error, durationMs: Math.round(performance.now() - started) });
      if (error !== null) throw ApplicationFailure.retryable(error, WEBHOOK_DELIVERY_FAILURE);
      await deliveries.markDelivered(deliveryId, new Date());
    },

    async markDeliveryFailed(deliveryId, reason) {
      await deliveries.markFailed(deliveryId, reason, new Date());
    },
  };
}

function rolesFor(audience: readonly Audience[], roles: Partial<Record<Audience, Role>>): Role[] {
  return audience.flatMap((a) => {
    const role = roles[a];
    return role ? [role] : [];
  });
}

export interface WebhookHttpRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The POST a channel gets for a notification: the body in the channel's format, DingTalk requests signed when a secret is set. */
export function webhookRequest(
  channel: Pick<WebhookChannelRecord, 'kind' | 'url' | 'secret'>,
  payload: NotificationRequest,
  deliveryId: string,
  timestampMs: number,
): WebhookHttpRequest {
  const headers = { 'content-type': 'application/json; charset=utf-8', 'x-duban-delivery': deliveryId };
  switch (channel.kind) {
    case 'dingtalk':
      return {
        url: channel.secret ? signDingTalkUrl(channel.url, channel.secret, timestampMs) : channel.url,
        headers,
        body: JSON.stringify({ msgtype: 'markdown', markdown: { title: payload.title, text: `### ${payload.title}\n\n${payload.body}` } }),
      };
    case 'wecom':
      return { url: channel.url, headers, body: JSON.stringify({ msgtype: 'markdown', markdown: { content: `### ${payload.title}\n${payload.body}` } }) };
    case 'json': {
      const { key, unitId, audience, level, title, body, subject } = payload;
      return { url: channel.url, headers, body: JSON.stringify({ key, unitId, audience, level, title, body, subject }) };
    }
  }
}

/** DingTalk robot signing (加签): `timestamp` and `sign` = base64(HMAC-SHA256(secret, `${timestamp}\n${secret}`)). */
export function signDingTalkUrl(url: string, secret: string, timestampMs: number): string {
  const sign = createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
  const signed = new URL(url);
  signed.searchParams.set('timestamp', String(timestampMs));
  signed.searchParams.set('sign', sign);
  return signed.toString();
}

/** Why an answer does not count as delivered, or null when it does. */
function refusal(channel: Pick<WebhookChannelRecord, 'kind'>, status: number, text: string): string | null {
  if (status < 200 || status > 299) return `HTTP ${status}${text ? `：${text.slice(0, 200)}` : ''}`;
  if (channel.kind === 'json') return null;
  // DingTalk and WeCom robots answer 200 with { errcode, errmsg }; only errcode 0 means the message was sent.
  let answer: { errcode?: unknown; errmsg?: unknown };
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    return `HTTP ${status}，但应答不是 JSON：${text.slice(0, 200)}`;
  }
  if (answer?.errcode === 0) return null;
  return `errcode ${String(answer?.errcode)}：${String(answer?.errmsg ?? '')}`;
}

function fetchFailure(failure: unknown): string {
  if (failure instanceof Error && (failure.name === 'TimeoutError' || failure.name === 'AbortError')) {
    return `请求超时（${WEBHOOK_TIMEOUT_MS / 1000} 秒）`;
  }
  const cause = failure instanceof Error ? (failure.cause as { message?: unknown } | undefined) : undefined;
  const message = typeof cause?.message === 'string' ? cause.message : failure instanceof Error ? failure.message : String(failure);
  return `请求失败：${message}`;
}
