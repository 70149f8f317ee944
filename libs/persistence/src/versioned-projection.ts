import { mongo, type Model } from 'mongoose';
import { isFerretDb } from './database.js';
import { isDuplicateKey } from './settings.js';

/** What the helper needs to know of a read-model record; the caller builds the rest with its final types. */
type ProjectedRecord = { _id: string; version: number } & Record<string, unknown>;

/**
 * Writes the projection of a workflow's state at `version` unless the stored record is as new or newer, so retries,
 * replays and a rebuild running beside the live system never move a record backwards.
 *
 * Steps, cheapest first: a read by `_id`; a plain insert for a record not yet stored (a fan-out's first write);
 * only then the update. On MongoDB the update is conditional (`version < ours`), atomic, served by the `_id` index.
 * FerretDB v1 (our development database) pushes a filter down only when it is `{ _id }` alone, so there the
 * conditional update read the whole collection for every projection (at 5,000 open items, seconds each); and it
 * runs any update as a read then a write, so the version check made just before an update by `_id` alone is as
 * safe as its own conditional update would be.
 *
 * Every step goes through the driver, as the insert does: the record is built by the caller with its final types,
 * and Mongoose's casting of a `$set` of a whole item (walking every nested path of steps, notices and history) was
 * the largest single cost on the worker's thread in the 5,000-deadline benchmark.
 *
 * Answers false when a newer version was found stored (this one is superseded), true otherwise — also for a retry of
 * the stored version, so what follows the write (list markers) is done again after a failure.
 */
export async function projectVersioned<T extends { version: number }>(model: Model<T>, id: string, version: number, record: Omit<T, '_id'>): Promise<boolean> {
  const items = model.collection as unknown as mongo.Collection<ProjectedRecord>;
  const versionOf = () => items.findOne({ _id: id }, { projection: { version: 1 } });
  const stored = await versionOf();
  if (stored && stored.version >= version) return stored.version === version;
  if (!stored) {
    // A plain insert: FerretDB v1 drops empty arrays from `$setOnInsert`, and `Model.create` would let the `id`
    // virtual swallow the state's own `id`. The read-model schemas are not strict: the record is stored as the
    // update below would store it. Another projection inserting first surfaces as a duplicate key: the update decides.
    try {
      await items.insertOne({ ...record, _id: id } as never, { ignoreUndefined: true });
      return true;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
  // Undefined fields are left out, as Mongoose did and as the insert above does.
  const set = { $set: record } as never;
  if (await isFerretDb(model.db)) {
    const current = stored ?? (await versionOf());
    if (current && current.version >= version) return current.version === version;
    await items.updateOne({ _id: id }, set, { upsert: true, ignoreUndefined: true });
    return true;
  }
  try {
    await items.updateOne({ _id: id, version: { $lt: version } }, set, { upsert: true, ignoreUndefined: true });
  } catch (error) {
    // The filter missed because the stored version is not older, and the upsert hit the same _id.
    if (!isDuplicateKey(error)) throw error;
  }
  return true;
}

/**
 * `projectVersioned` for many records at once (bulk loads): one unordered insert of the same records; each one
 * already stored (a duplicate `_id`) then goes through `projectVersioned`, so the version rule holds as for one.
 */
export async function projectVersionedMany<T extends { version: number }>(model: Model<T>, records: readonly { id: string; version: number; record: Omit<T, '_id'> }[]): Promise<void> {
  if (records.length === 0) return;
  const items = model.collection as unknown as mongo.Collection<ProjectedRecord>;
  try {
    await items.insertMany(records.map(({ id, record }) => ({ ...record, _id: id }) as never), { ordered: false, ignoreUndefined: true });
  } catch (error) {
    if (!(error instanceof mongo.MongoBulkWriteError)) throw error;
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    if (writeErrors.length === 0 || !writeErrors.every((writeError) => writeError.code === 11000)) throw error;
    for (const writeError of writeErrors) {
      const { id, version, record } = records[writeError.index]!;
      await projectVersioned(model, id, version, record);
    }
  }
}
