import type { Connection } from 'mongoose';
import { sleep } from './stats.js';

/**
 * Waits until a document with each of `ids` (and matching `filter`, if given) is in the collection, or `until`
 * (epoch ms) has passed; true when all are. Ids are looked up by `_id` in the given order, from the first one not
 * yet seen, every `pollMs`: on FerretDB v1 a count reads every document of the collection (2.5 s for 5,000 items),
 * and polling that way loaded the very database the benchmark measures.
 */
export async function untilAllPresent(
  database: Connection,
  collectionName: string,
  ids: readonly string[],
  options: { pollMs: number; until?: number; filter?: Record<string, unknown> },
): Promise<boolean> {
  const collection = database.collection<{ _id: string }>(collectionName);
  let firstUnseen = 0;
  for (;;) {
    while (firstUnseen < ids.length && (await collection.findOne({ ...options.filter, _id: ids[firstUnseen]! }, { projection: { _id: 1 } }))) firstUnseen++;
    if (firstUnseen >= ids.length) return true;
    if (options.until !== undefined && Date.now() >= options.until) return false;
    await sleep(options.pollMs);
  }
}
