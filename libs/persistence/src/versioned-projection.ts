import mongoose, { type Model } from 'mongoose';
import { isFerretDb } from './database.js';
import { isDuplicateKey } from './settings.js';

const { trusted } = mongoose;

/** What the helper needs to know of a read-model record; the model's own schema casts the rest. */
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
 */
export async function projectVersioned<T extends { version: number }>(model: Model<T>, id: string, version: number, record: Omit<T, '_id'>): Promise<void> {
  const items = model as unknown as Model<ProjectedRecord>;
  const stored = await items.findById(id, { version: 1 }).lean<{ version: number }>().exec();
  if (stored && stored.version >= version) return;
  if (!stored) {
    // A plain insert: FerretDB v1 drops empty arrays from `$setOnInsert`, and `Model.create` would let the `id`
    // virtual swallow the state's own `id`. The read-model schemas are not strict: the record is stored as the
    // update below would store it. Another projection inserting first surfaces as a duplicate key: the update decides.
    try {
      await items.collection.insertOne({ ...record, _id: id } as never, { ignoreUndefined: true });
      return;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
  if (await isFerretDb(items.db)) {
    const current = stored ?? (await items.findById(id, { version: 1 }).lean<{ version: number }>().exec());
    if (current && current.version >= version) return;
    await items.updateOne({ _id: id }, { $set: record }, { upsert: true }).exec();
    return;
  }
  try {
    await items.updateOne({ _id: id, version: trusted({ $lt: version }) }, { $set: record }, { upsert: true }).exec();
  } catch (error) {
    // The filter missed because the stored version is not older, and the upsert hit the same _id.
    if (!isDuplicateKey(error)) throw error;
  }
}
