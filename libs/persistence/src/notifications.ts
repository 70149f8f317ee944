import mongoose, { mongo, Schema, type Connection, type Model } from 'mongoose';
import type { NotificationLevel, NotificationRequest } from '@duban/contracts';

/** One in-app notification for one recipient; `_id` is `${key}:${userId}`, so a repeated key never duplicates. */
export interface NotificationRecord {
  _id: string;
  key: string;
  userId: string;
  unitId: string;
  level: NotificationLevel;
  title: string;
  body: string;
  subject: NotificationRequest['subject'];
  createdAt: Date;
  readAt: Date | null;
}

const notificationSchema = new Schema<NotificationRecord>(
  {
    _id: { type: String, required: true },
    key: { type: String, required: true },
    userId: { type: String, required: true },
    unitId: { type: String, required: true },
    level: { type: String, required: true },
    title: { type: String, required: true },
    body: { type: String, required: true },
    subject: { kind: { type: String, required: true }, id: { type: String, required: true } },
    createdAt: { type: Date, required: true },
    readAt: { type: Date, default: null },
  },
  { collection: 'notifications', versionKey: false },
);
// Serves: a user's notifications, newest first, keyset-paged (GET /api/notifications).
notificationSchema.index({ userId: 1, createdAt: -1, _id: -1 });
// Serves: a user's unread notifications newest first (?unread=true) and the unread count.
notificationSchema.index({ userId: 1, readAt: 1, createdAt: -1, _id: -1 });

export function notificationModel(connection: Connection): Model<NotificationRecord> {
  return (
    (connection.models.Notification as Model<NotificationRecord>) ??
    connection.model<NotificationRecord>('Notification', notificationSchema)
  );
}

export const notificationId = (key: string, userId: string) => `${key}:${userId}`;

export interface NotificationListQuery {
  readonly userId: string;
  readonly unreadOnly?: boolean;
  readonly limit: number;
  /** The last row of the previous page. */
  readonly after?: { readonly createdAt: Date; readonly id: string };
}

const { trusted } = mongoose;

export class NotificationRepository {
  private readonly items: Model<NotificationRecord>;
  constructor(connection: Connection) {
    this.items = notificationModel(connection);
  }

  /**
   * Stores each row whose `_id` is not there yet; answers how many were new. One unordered insert for all
   * recipients: the rows of a repeated key fail as duplicates, the others go in.
   */
  async createIfAbsent(rows: readonly Omit<NotificationRecord, 'readAt'>[]): Promise<number> {
    if (rows.length === 0) return 0;
    try {
      const result = await this.items.collection.insertMany(
        rows.map((row) => ({ ...row, readAt: null })) as never[],
        { ordered: false },
      );
      return result.insertedCount;
    } catch (error) {
      if (error instanceof mongo.MongoBulkWriteError && onlyDuplicateKeys(error)) return error.insertedCount;
      throw error;
    }
  }

  findById(id: string): Promise<NotificationRecord | null> {
    return this.items.findById(id).lean<NotificationRecord>().exec();
  }

  listForUser(query: NotificationListQuery): Promise<NotificationRecord[]> {
    const filter: Record<string, unknown> = { userId: query.userId };
    if (query.unreadOnly) filter.readAt = null;
    if (query.after) {
      filter.$or = [
        { createdAt: trusted({ $lt: query.after.createdAt }) },
        { createdAt: query.after.createdAt, _id: trusted({ $lt: query.after.id }) },
      ];
    }
    return this.items
      .find(filter)
      .sort({ createdAt: -1, _id: -1 })
      .limit(query.limit)
      .lean<NotificationRecord[]>()
      .exec();
  }

  /** Marks the user's own notification read (keeping the first time); null when it is not theirs or does not exist. */
  async markRead(userId: string, id: string, at: Date): Promise<NotificationRecord | null> {
    await this.items.updateOne({ _id: id, userId, readAt: null }, { $set: { readAt: at } }).exec();
    return this.items.findOne({ _id: id, userId }).lean<NotificationRecord>().exec();
  }

  countUnread(userId: string): Promise<number> {
    return this.items.countDocuments({ userId, readAt: null }).exec();
  }
}

function onlyDuplicateKeys(error: InstanceType<typeof mongo.MongoBulkWriteError>): boolean {
  const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  return writeErrors.length > 0 && writeErrors.every((writeError) => writeError.code === 11000);
}
