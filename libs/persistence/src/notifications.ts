import { mongo, Schema, type Connection, type Model } from 'mongoose';
import type { NotificationLevel, NotificationRequest } from '@duban/contracts';
import { shanghaiDate } from '@duban/domain';

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
  /** `<userId>|<Shanghai day of createdAt>`: the bucket a user's list reads, one day at a time, newest first. */
  userDay: string;
  /** `<userId>|<YYYY-MM>` of the same day: a sparse month is read in one query. */
  userMonth: string;
  /** `readAt === null`, as a value FerretDB pushes down (it does not push `readAt: null`). */
  unread: boolean;
}

/** What a writer gives; the bucket and read-state keys are the repository's. */
export type NewNotification = Omit<NotificationRecord, 'readAt' | 'userDay' | 'userMonth' | 'unread'>;

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
    userDay: { type: String, required: true },
    userMonth: { type: String, required: true },
    unread: { type: Boolean, required: true },
  },
  { collection: 'notifications', versionKey: false },
);
// Only keys that are pushed as equality (docs/queries.md): a bucket holds a day of one user's notifications,
// sorted in memory. Serves: a user's list, newest day first (GET /api/notifications, ?unread=true adds `unread`).
notificationSchema.index({ userDay: 1 });
// Serves: a user's list through a month that holds at most MONTH_AT_ONCE notifications.
notificationSchema.index({ userMonth: 1 });
// Serves: mark all read and the read-model backfill (`{userId, unread: true}`).
notificationSchema.index({ userId: 1 });

/** The days of one month on which a user got notifications: `_id` `<userId>|<YYYY-MM-DD>`. */
interface NotificationDayRecord {
  _id: string;
  userMonth: string;
  /** About how many notifications the day holds (a planning hint: concurrent additions may lose one). */
  count: number;
}

/** The months in which a user got notifications: `_id` `<userId>|<YYYY-MM>`. */
interface NotificationMonthRecord {
  _id: string;
  userId: string;
}

const daySchema = new Schema<NotificationDayRecord>(
  { _id: { type: String, required: true }, userMonth: { type: String, required: true }, count: { type: Number, default: 0 } },
  { collection: 'notification_days', versionKey: false },
);
// Serves: the non-empty days of one user and month, so the list skips empty days.
daySchema.index({ userMonth: 1 });
const monthSchema = new Schema<NotificationMonthRecord>({ _id: { type: String, required: true }, userId: { type: String, required: true } }, { collection: 'notification_months', versionKey: false });
// Serves: the non-empty months of one user.
monthSchema.index({ userId: 1 });

/**
 * A user's unread count is Σ added − Σ read over the user's counter documents, one per writing process kind
 * (`_id` `<userId>|<writer>`). Each document is written by one kind of process only, one update at a time per
 * user (see `CounterWrites`): FerretDB v1 runs an update as a read and then a write, so two processes adding to
 * one document could lose an increment.
 */
interface NotificationCountRecord {
  _id: string;
  userId: string;
  added: number;
  read: number;
}

const countSchema = new Schema<NotificationCountRecord>(
  { _id: { type: String, required: true }, userId: { type: String, required: true }, added: { type: Number, required: true }, read: { type: Number, required: true } },
  { collection: 'notification_counts', versionKey: false },
);
// Serves: the unread count (every list answer).
countSchema.index({ userId: 1 });

export function notificationModel(connection: Connection): Model<NotificationRecord> {
  return (connection.models.Notification as Model<NotificationRecord>) ?? connection.model<NotificationRecord>('Notification', notificationSchema);
}

export function notificationDayModel(connection: Connection): Model<NotificationDayRecord> {
  return (connection.models.NotificationDay as Model<NotificationDayRecord>) ?? connection.model<NotificationDayRecord>('NotificationDay', daySchema);
}

export function notificationMonthModel(connection: Connection): Model<NotificationMonthRecord> {
  return (connection.models.NotificationMonth as Model<NotificationMonthRecord>) ?? connection.model<NotificationMonthRecord>('NotificationMonth', monthSchema);
}

export function notificationCountModel(connection: Connection): Model<NotificationCountRecord> {
  return (connection.models.NotificationCount as Model<NotificationCountRecord>) ?? connection.model<NotificationCountRecord>('NotificationCount', countSchema);
}

export const notificationId = (key: string, userId: string) => `${key}:${userId}`;

/** The bucket keys of a user's notifications created at `createdAt`. */
export function notificationBuckets(userId: string, createdAt: Date): Pick<NotificationRecord, 'userDay' | 'userMonth'> {
  const day = shanghaiDate(createdAt);
  return { userDay: `${userId}|${day}`, userMonth: `${userId}|${day.slice(0, 7)}` };
}

/** The stored document of a new notification: unread, in its day bucket. */
export function newNotificationRecord(row: NewNotification): NotificationRecord {
  return { ...row, readAt: null, ...notificationBuckets(row.userId, row.createdAt), unread: true };
}

/** Which process kind writes a counter document: the API (reads, look-back notices) or the worker (fan-out). */
export type NotificationWriter = 'api' | 'worker' | 'backfill';

export interface NotificationListQuery {
  readonly userId: string;
  readonly unreadOnly?: boolean;
  readonly limit: number;
  /** The last row of the previous page. */
  readonly after?: { readonly createdAt: Date; readonly id: string };
}

/** A month holding at most this many notifications (by its days' counts) is read in one query. */
export const MONTH_AT_ONCE = 60;
/** At most this many buckets are read in parallel. */
const MAX_BUCKETS_AT_ONCE = 8;
/** The day lists of this many months are read at once. */
const MONTHS_AT_ONCE = 4;

export class NotificationRepository {
  private readonly items: Model<NotificationRecord>;
  private readonly days: Model<NotificationDayRecord>;
  private readonly months: Model<NotificationMonthRecord>;
  private readonly counts: Model<NotificationCountRecord>;
  private readonly writes: CounterWrites;

  /** `writer`: the kind of process this is; each kind keeps its own counter documents. */
  constructor(
    connection: Connection,
    private readonly writer: NotificationWriter = 'api',
  ) {
    this.items = notificationModel(connection);
    this.days = notificationDayModel(connection);
    this.months = notificationMonthModel(connection);
    this.counts = notificationCountModel(connection);
    this.writes = CounterWrites.of(connection);
  }

  /**
   * Stores each row whose `_id` is not there yet; answers how many were new. The day and month buckets first
   * (idempotent), then one unordered insert for all recipients: the rows of a repeated key fail as duplicates,
   * the others go in, and only those are added to their user's unread count.
   */
  async createIfAbsent(rows: readonly NewNotification[]): Promise<number> {
    if (rows.length === 0) return 0;
    const records = rows.map(newNotificationRecord);
    const existingDays = await this.addBuckets(records);
    let inserted: NotificationRecord[];
    try {
      await this.items.collection.insertMany(records as never[], { ordered: false });
      inserted = records;
    } catch (error) {
      if (!(error instanceof mongo.MongoBulkWriteError) || !onlyDuplicateKeys(error)) throw error;
      const refused = new Set(writeErrorsOf(error).map((writeError) => writeError.index));
      inserted = records.filter((_, i) => !refused.has(i));
    }
    const perUser = new Map<string, number>();
    for (const record of inserted) perUser.set(record.userId, (perUser.get(record.userId) ?? 0) + 1);
    await Promise.all([...perUser].map(([userId, added]) => this.addToCount(userId, added, 0)));
    // New days were stored with their rows' count; days that existed before get the rows really inserted.
    await this.countInBuckets(inserted.filter((record) => existingDays.has(record.userDay)));
    return inserted.length;
  }

  /**
   * Records the day and month buckets of the rows (already present ones are left as they are); a new day is
   * stored with the number of these rows on it. Answers the days that existed before.
   */
  async addBuckets(records: readonly Pick<NotificationRecord, 'userId' | 'createdAt'>[]): Promise<Set<string>> {
    const days = new Map<string, NotificationDayRecord>();
    const months = new Map<string, NotificationMonthRecord>();
    for (const record of records) {
      const { userDay, userMonth } = notificationBuckets(record.userId, record.createdAt);
      const day = days.get(userDay);
      if (day) day.count++;
      else days.set(userDay, { _id: userDay, userMonth, count: 1 });
      months.set(userMonth, { _id: userMonth, userId: record.userId });
    }
    const [refusedDays] = await Promise.all([insertIgnoringDuplicates(this.days, [...days.values()]), insertIgnoringDuplicates(this.months, [...months.values()])]);
    return new Set(refusedDays.map((day) => day._id));
  }

  /** Adds the rows to their day buckets' counts (one bulk write; `updateMany` on `_id`, see CounterWrites). */
  async countInBuckets(records: readonly Pick<NotificationRecord, 'userDay'>[]): Promise<void> {
    const perDay = new Map<string, number>();
    for (const record of records) perDay.set(record.userDay, (perDay.get(record.userDay) ?? 0) + 1);
    if (perDay.size === 0) return;
    await this.days.collection.bulkWrite([...perDay].map(([_id, count]) => ({ updateMany: { filter: { _id }, update: { $inc: { count } } } })) as never[], { ordered: false });
  }

  findById(id: string): Promise<NotificationRecord | null> {
    return this.items.findById(id).lean<NotificationRecord>().exec();
  }

  /**
   * A page newest first (`createdAt`, then `_id`, both descending). Reads the user's non-empty months, then the
   * non-empty days (with their counts) of up to MONTHS_AT_ONCE months at once from the cursor's day back; a
   * month of at most MONTH_AT_ONCE notifications is one `{userMonth}` bucket, a fuller one a `{userDay}` bucket
   * per day. Buckets are read in parallel, as many at once as the page still needs by their counts, until the
   * page is full. Every query is pushed equality; rows are sorted in memory.
   */
  async listForUser(query: NotificationListQuery): Promise<NotificationRecord[]> {
    const { userId, after } = query;
    const fromDay = after ? `${userId}|${shanghaiDate(after.createdAt)}` : null;
    const unread = query.unreadOnly ? { unread: true } : {};
    const page: NotificationRecord[] = [];
    const months = (await this.months.find({ userId }).lean<NotificationMonthRecord[]>().exec())
      .map((month) => month._id)
      .filter((month) => fromDay === null || month <= fromDay.slice(0, month.length))
      .sort()
      .reverse();
    for (let m = 0; m < months.length; m += MONTHS_AT_ONCE) {
      const daysOfMonths = await Promise.all(months.slice(m, m + MONTHS_AT_ONCE).map((userMonth) => this.days.find({ userMonth }).lean<NotificationDayRecord[]>().exec()));
      const buckets: { filter: Record<string, string>; expected: number }[] = [];
      months.slice(m, m + MONTHS_AT_ONCE).forEach((userMonth, k) => {
        // The whole month counts: its bucket holds the days after the cursor too.
        const total = daysOfMonths[k]!.reduce((sum, day) => sum + Math.max(1, day.count ?? 0), 0);
        const days = daysOfMonths[k]!.filter((day) => fromDay === null || day._id <= fromDay).sort((a, b) => (a._id < b._id ? 1 : -1));
        if (total <= MONTH_AT_ONCE) buckets.push({ filter: { userMonth }, expected: total });
        else for (const day of days) buckets.push({ filter: { userDay: day._id }, expected: Math.max(1, day.count ?? 0) });
      });
      for (let b = 0; b < buckets.length; ) {
        const group: Record<string, string>[] = [];
        for (let expected = 0; b < buckets.length && group.length < MAX_BUCKETS_AT_ONCE && (group.length === 0 || expected < query.limit - page.length); b++) {
          group.push(buckets[b]!.filter);
          expected += buckets[b]!.expected;
        }
        const rows = await Promise.all(group.map((filter) => this.items.find({ ...filter, ...unread }).lean<NotificationRecord[]>().exec()));
        for (const bucket of rows) {
          page.push(...bucket.filter((row) => !after || isBefore(row, after)).sort(newestFirst));
          if (page.length >= query.limit) return page.slice(0, query.limit);
        }
      }
    }
    return page;
  }

  /**
   * Marks the user's own notification read (keeping the first time); null when it is not theirs or does not
   * exist. The count drops only when this call made it read: marks of one user run one at a time here
   * (FerretDB v1 would answer "modified" to two concurrent updates of one document).
   */
  async markRead(userId: string, id: string, at: Date): Promise<NotificationRecord | null> {
    await this.writes.serially(this.countId(userId), async () => {
      const changed = await this.items.updateOne({ _id: id, userId, unread: true }, { $set: { unread: false, readAt: at } }).exec();
      if (changed.modifiedCount > 0) await this.addToCount(userId, 0, changed.modifiedCount);
    });
    return this.items.findOne({ _id: id, userId }).lean<NotificationRecord>().exec();
  }

  /** Marks every unread notification of the user read; answers how many were unread. */
  markAllRead(userId: string, at: Date): Promise<number> {
    return this.writes.serially(this.countId(userId), async () => {
      const changed = await this.items.updateMany({ userId, unread: true }, { $set: { unread: false, readAt: at } }).exec();
      if (changed.modifiedCount > 0) await this.addToCount(userId, 0, changed.modifiedCount);
      return changed.modifiedCount;
    });
  }

  async countUnread(userId: string): Promise<number> {
    const counts = await this.counts.find({ userId }).lean<NotificationCountRecord[]>().exec();
    return Math.max(0, counts.reduce((sum, count) => sum + count.added - count.read, 0));
  }

  /** Adds to this writer's counter document of the user (summed with other additions into one bulk write). */
  addToCount(userId: string, added: number, read: number): Promise<void> {
    return this.writes.increment(this.countId(userId), userId, added, read);
  }

  private countId(userId: string): string {
    return `${userId}|${this.writer}`;
  }
}

/**
 * The counter writes of one connection. Increments are summed per counter document while a write is under way
 * and sent together as one bulk write, one at a time: FerretDB v1 runs each update as a read then a write (two
 * at once on one document could lose one), and its PostgreSQL backend holds a pool connection per update while
 * taking another to write, so 50 concurrent updates exhaust its pool (50 connections) and stall it. A burst of notifications
 * costs one round trip per batch, not one per user.
 * `serially` runs one task at a time per key (a user's read marks).
 */
class CounterWrites {
  private static readonly perConnection = new WeakMap<Connection, CounterWrites>();
  private readonly chains = new Map<string, Promise<unknown>>();
  private pending = new Map<string, { userId: string; added: number; read: number }>();
  /** The write that will take the pending increments (not started yet), if one is queued. */
  private nextWrite: Promise<void> | null = null;
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(private readonly counts: Model<NotificationCountRecord>) {}

  static of(connection: Connection): CounterWrites {
    let writes = CounterWrites.perConnection.get(connection);
    if (!writes) CounterWrites.perConnection.set(connection, (writes = new CounterWrites(notificationCountModel(connection))));
    return writes;
  }

  /** Adds to counter document `_id` (of `userId`); resolves once the write holding it is stored. */
  increment(_id: string, userId: string, added: number, read: number): Promise<void> {
    const entry = this.pending.get(_id);
    if (entry) {
      entry.added += added;
      entry.read += read;
    } else {
      this.pending.set(_id, { userId, added, read });
    }
    if (!this.nextWrite) {
      this.nextWrite = this.writes.then(() => this.writePending());
      this.writes = this.nextWrite.catch(() => undefined);
    }
    return this.nextWrite;
  }

  private async writePending(): Promise<void> {
    const batch = [...this.pending];
    this.pending = new Map();
    this.nextWrite = null;
    // `updateMany` on a unique `_id`: FerretDB reads a multi update's matches to the end, which returns the
    // connection; a single-document update keeps it until the whole command ends (≥ 50 in one command stall).
    let operations = batch.map(([_id, { userId, added, read }]) => ({
      updateMany: { filter: { _id }, update: { $inc: { added, read }, $setOnInsert: { userId } }, upsert: true },
    }));
    for (let attempt = 0; operations.length > 0; attempt++) {
      try {
        await this.counts.collection.bulkWrite(operations as never[], { ordered: false });
        return;
      } catch (error) {
        // Two first counts of one document at once (another process of the same kind) race on the upsert: the
        // refused ones again, as updates of the document the other one created.
        if (!(error instanceof mongo.MongoBulkWriteError) || !onlyDuplicateKeys(error) || attempt >= 5) throw error;
        const refused = new Set(writeErrorsOf(error).map((writeError) => writeError.index));
        operations = operations.filter((_, i) => refused.has(i));
      }
    }
  }

  serially<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const settled = next.catch(() => undefined);
    this.chains.set(key, settled);
    void settled.then(() => {
      if (this.chains.get(key) === settled) this.chains.delete(key);
    });
    return next;
  }
}

function isBefore(row: NotificationRecord, after: { readonly createdAt: Date; readonly id: string }): boolean {
  const at = row.createdAt.getTime();
  return at < after.createdAt.getTime() || (at === after.createdAt.getTime() && row._id < after.id);
}

function newestFirst(a: NotificationRecord, b: NotificationRecord): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || (a._id < b._id ? 1 : a._id > b._id ? -1 : 0);
}

/** Inserts the documents whose `_id` is new; answers the ones that were already there. */
async function insertIgnoringDuplicates<T>(model: Model<T>, documents: readonly T[]): Promise<T[]> {
  if (documents.length === 0) return [];
  try {
    await model.collection.insertMany(documents as never[], { ordered: false });
    return [];
  } catch (error) {
    if (!(error instanceof mongo.MongoBulkWriteError) || !onlyDuplicateKeys(error)) throw error;
    const refused = new Set(writeErrorsOf(error).map((writeError) => writeError.index));
    return documents.filter((_, i) => refused.has(i));
  }
}

function writeErrorsOf(error: InstanceType<typeof mongo.MongoBulkWriteError>) {
  return Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
}

function onlyDuplicateKeys(error: InstanceType<typeof mongo.MongoBulkWriteError>): boolean {
  const writeErrors = writeErrorsOf(error);
  return writeErrors.length > 0 && writeErrors.every((writeError) => writeError.code === 11000);
}
