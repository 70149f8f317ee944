import type { Connection } from 'mongoose';
import { AUDIT_HEAD_ID, auditHeadModel, auditModel, auditSearchKeys, type AuditRecord } from './audit.js';
import { NotificationRepository, notificationCountModel, notificationBuckets, notificationModel, type NotificationRecord } from './notifications.js';
import { SettingsRepository } from './settings.js';

/** The setting that lists the read-model shape steps done on this database, comma-separated. */
export const READ_MODEL_SHAPE_SETTING = 'readModelShape';
const STEP = 'notifications-audit';
const BATCH = 500;

/** Indexes earlier versions declared and the present ones no longer use (their keys are not pushed). */
const OBSOLETE_INDEXES: Record<string, readonly string[]> = {
  notifications: ['userId_1_createdAt_-1__id_-1', 'userId_1_readAt_1_createdAt_-1__id_-1'],
  audit_log: ['actor.userId_1__id_-1', 'at_1'],
};

/**
 * Gives documents stored before the present read-model shape the keys its queries filter on, once per
 * database (recorded in settings), before the API serves: notifications their `userDay` / `userMonth` keys, `unread` flag,
 * day and month buckets and their users' unread counts; audit entries their search keys and the trail its head
 * record. Each part is idempotent, so a start that stops halfway is finished by the next one.
 */
export async function reshapeReadModel(connection: Connection): Promise<void> {
  const settings = new SettingsRepository(connection);
  const done = ((await settings.get(READ_MODEL_SHAPE_SETTING)) ?? '').split(',').filter(Boolean);
  if (done.includes(STEP)) return;
  await backfillNotifications(connection);
  await backfillAudit(connection);
  for (const [collection, names] of Object.entries(OBSOLETE_INDEXES)) {
    for (const name of names) await connection.collection(collection).dropIndex(name).catch(() => undefined);
  }
  await settings.set(READ_MODEL_SHAPE_SETTING, [...done, STEP].join(','));
}

// The bulk writes below update one document each as `updateMany`: FerretDB v1 on PostgreSQL keeps a pool
// connection per single-document update until the command ends, and stalls at 50 (see notifications.ts).

/**
 * Notifications without `unread` get their keys and are marked `shapedBy: 'backfill'`; then each user's
 * backfill counter document is set (not added to) from the marked unread ones, so running it again counts
 * nothing twice. Notifications written by the present code are counted by their writers, never here.
 */
async function backfillNotifications(connection: Connection): Promise<void> {
  const items = notificationModel(connection).collection;
  const repository = new NotificationRepository(connection, 'backfill');
  const cursor = items.find({ unread: { $exists: false } }).batchSize(BATCH);
  let batch: NotificationRecord[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const existingDays = await repository.addBuckets(batch);
    await items.bulkWrite(
      batch.map((record) => ({
        updateMany: {
          filter: { _id: record._id },
          update: { $set: { ...notificationBuckets(record.userId, record.createdAt), unread: record.readAt === null || record.readAt === undefined, shapedBy: 'backfill' } },
        },
      })) as never[],
      { ordered: false },
    );
    await repository.countInBuckets(batch.map((record) => notificationBuckets(record.userId, record.createdAt)).filter((keys) => existingDays.has(keys.userDay)));
    batch = [];
  };
  for await (const record of cursor) {
    batch.push(record as unknown as NotificationRecord);
    if (batch.length >= BATCH) await flush();
  }
  await flush();

  const unread = new Map<string, number>();
  for await (const record of items.find({ shapedBy: 'backfill', unread: true }, { projection: { userId: 1 } })) {
    const userId = (record as unknown as { userId: string }).userId;
    unread.set(userId, (unread.get(userId) ?? 0) + 1);
  }
  const counts = notificationCountModel(connection).collection;
  for (const [userId, added] of unread) {
    await counts.updateOne({ _id: `${userId}|backfill` } as never, { $set: { userId, added, read: 0 } }, { upsert: true });
  }
}

/** Audit entries without `batch` get their search keys (outside the hash); the head record is written if absent. */
async function backfillAudit(connection: Connection): Promise<void> {
  const entries = auditModel(connection).collection;
  let batch: AuditRecord[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await entries.bulkWrite(batch.map((entry) => ({ updateMany: { filter: { _id: entry._id }, update: { $set: auditSearchKeys(entry) } } })) as never[], { ordered: false });
    batch = [];
  };
  for await (const entry of entries.find({ batch: { $exists: false } }).batchSize(BATCH)) {
    batch.push(entry as unknown as AuditRecord);
    if (batch.length >= BATCH) await flush();
  }
  await flush();

  const heads = auditHeadModel(connection);
  if (await heads.exists({ _id: AUDIT_HEAD_ID })) return;
  const [newest] = await entries.find({}).sort({ _id: -1 }).limit(1).toArray();
  if (newest) await heads.updateOne({ _id: AUDIT_HEAD_ID }, { $set: { seq: newest._id, hash: newest.hash } }, { upsert: true }).exec();
}
