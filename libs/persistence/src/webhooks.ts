import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { createHash } from 'node:crypto';
import type { NotificationRequest } from '@duban/contracts';
import { isDuplicateKey } from './settings.js';

/** Outbound channels: a DingTalk group robot (钉钉群机器人), a WeCom group robot (企业微信群机器人), or any JSON endpoint. */
export const WEBHOOK_KINDS = ['dingtalk', 'wecom', 'json'] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

export const WEBHOOK_KIND_LABELS: Record<WebhookKind, string> = {
  dingtalk: '钉钉群机器人',
  wecom: '企业微信群机器人',
  json: '通用 JSON 回调',
};

/** A unit's webhook channel. `secret` signs DingTalk requests (加签); it never leaves the server. */
export interface WebhookChannelRecord {
  _id: string;
  unitId: string;
  kind: WebhookKind;
  name: string;
  url: string;
  secret: string | null;
  enabled: boolean;
  createdAt: Date;
}

const webhookChannelSchema = new Schema<WebhookChannelRecord>(
  {
    _id: { type: String, required: true },
    unitId: { type: String, required: true },
    kind: { type: String, enum: WEBHOOK_KINDS, required: true },
    name: { type: String, required: true },
    url: { type: String, required: true },
    secret: { type: String, default: null },
    enabled: { type: Boolean, default: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'webhook_channels', versionKey: false },
);
// Serves: a unit's channels (admin list) and the enabled channels of the units a notification goes to.
webhookChannelSchema.index({ unitId: 1, enabled: 1 });

export function webhookChannelModel(connection: Connection): Model<WebhookChannelRecord> {
  return (
    (connection.models.WebhookChannel as Model<WebhookChannelRecord>) ??
    connection.model<WebhookChannelRecord>('WebhookChannel', webhookChannelSchema)
  );
}

const { trusted } = mongoose;

export class WebhookChannelRepository {
  private readonly channels: Model<WebhookChannelRecord>;
  constructor(connection: Connection) {
    this.channels = webhookChannelModel(connection);
  }

  async create(channel: WebhookChannelRecord): Promise<WebhookChannelRecord> {
    await this.channels.create(channel);
    return channel;
  }

  findById(id: string): Promise<WebhookChannelRecord | null> {
    return this.channels.findById(id).lean<WebhookChannelRecord>().exec();
  }

  listForUnit(unitId: string): Promise<WebhookChannelRecord[]> {
    return this.channels.find({ unitId }).sort({ createdAt: 1, _id: 1 }).lean<WebhookChannelRecord[]>().exec();
  }

  async listEnabledForUnits(unitIds: readonly string[]): Promise<WebhookChannelRecord[]> {
    if (unitIds.length === 0) return [];
    return this.channels
      .find({ unitId: trusted({ $in: [...unitIds] }), enabled: true })
      .sort({ createdAt: 1, _id: 1 })
      .lean<WebhookChannelRecord[]>()
      .exec();
  }

  /** Deletes the unit's channel; false when the unit has no such channel. */
  async delete(unitId: string, id: string): Promise<boolean> {
    const result = await this.channels.deleteOne({ _id: id, unitId }).exec();
    return result.deletedCount > 0;
  }
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One POST to the channel: the HTTP status when there was an answer, the error when it was refused or failed. */
export interface DeliveryAttempt {
  at: Date;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** One notification to one channel, with every attempt; `_id` comes from (notification key, channel id). */
export interface WebhookDeliveryRecord {
  _id: string;
  channelId: string;
  notificationKey: string;
  /** The notification as it was when the delivery was prepared. */
  payload: NotificationRequest;
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
  createdAt: Date;
  deliveredAt: Date | null;
  failedAt: Date | null;
  failureReason: string | null;
}

const webhookDeliverySchema = new Schema<WebhookDeliveryRecord>(
  {
    _id: { type: String, required: true },
    channelId: { type: String, required: true },
    notificationKey: { type: String, required: true },
    payload: { type: Schema.Types.Mixed, required: true },
    status: { type: String, enum: DELIVERY_STATUSES, required: true },
    attempts: {
      type: [{ _id: false, at: Date, statusCode: { type: Number, default: null }, error: { type: String, default: null }, durationMs: Number }],
      default: [],
    },
    createdAt: { type: Date, required: true },
    deliveredAt: { type: Date, default: null },
    failedAt: { type: Date, default: null },
    failureReason: { type: String, default: null },
  },
  { collection: 'webhook_deliveries', versionKey: false },
);
// Serves: the deliveries of one notification (what happened to `rect:…:notice:red:1` on every channel).
webhookDeliverySchema.index({ notificationKey: 1, channelId: 1 });

export function webhookDeliveryModel(connection: Connection): Model<WebhookDeliveryRecord> {
  return (
    (connection.models.WebhookDelivery as Model<WebhookDeliveryRecord>) ??
    connection.model<WebhookDeliveryRecord>('WebhookDelivery', webhookDeliverySchema)
  );
}

/** The delivery id of a notification on a channel: the same business key always gives the same id. */
export function webhookDeliveryId(notificationKey: string, channelId: string): string {
  return createHash('sha256').update(`${notificationKey}\n${channelId}`).digest('hex').slice(0, 32);
}

const MAX_ERROR_LENGTH = 500;

export class WebhookDeliveryRepository {
  private readonly deliveries: Model<WebhookDeliveryRecord>;
  constructor(connection: Connection) {
    this.deliveries = webhookDeliveryModel(connection);
  }

  /** Stores a pending delivery of `payload` to the channel unless there is one already; answers the stored record. */
  async createIfAbsent(channelId: string, payload: NotificationRequest, at: Date): Promise<WebhookDeliveryRecord> {
    const id = webhookDeliveryId(payload.key, channelId);
    const existing = await this.findById(id);
    if (existing) return existing;
    try {
      await this.deliveries.create({
        _id: id,
        channelId,
        notificationKey: payload.key,
        payload: { ...payload, audience: [...payload.audience], subject: { ...payload.subject } },
        status: 'pending',
        attempts: [],
        createdAt: at,
      });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const stored = await this.findById(id);
    if (!stored) throw new Error(`delivery ${id} vanished`);
    return stored;
  }

  findById(id: string): Promise<WebhookDeliveryRecord | null> {
    return this.deliveries.findById(id).lean<WebhookDeliveryRecord>().exec();
  }

  listForNotification(notificationKey: string): Promise<WebhookDeliveryRecord[]> {
    return this.deliveries.find({ notificationKey }).sort({ channelId: 1 }).lean<WebhookDeliveryRecord[]>().exec();
  }

  async recordAttempt(id: string, attempt: DeliveryAttempt): Promise<void> {
    const error = attempt.error === null ? null : attempt.error.slice(0, MAX_ERROR_LENGTH);
    await this.deliveries.updateOne({ _id: id }, { $push: { attempts: { ...attempt, error } } }).exec();
  }

  async markDelivered(id: string, at: Date): Promise<void> {
    await this.deliveries.updateOne({ _id: id }, { $set: { status: 'delivered', deliveredAt: at } }).exec();
  }

  /** Gives up on a pending delivery; a delivered one stays delivered. */
  async markFailed(id: string, reason: string, at: Date): Promise<void> {
    await this.deliveries
      .updateOne({ _id: id, status: 'pending' }, { $set: { status: 'failed', failedAt: at, failureReason: reason.slice(0, MAX_ERROR_LENGTH) } })
      .exec();
  }
}
