// Copying a whole MongoDB-API store into another through the driver (npm run migrate-store): every collection of
// every non-system database, documents as stored (`_id` and BSON types kept), their indexes, and the checks that
// the copy is whole. Imported after `npm install` (it needs the `mongodb` package).
import { createHash } from 'node:crypto';
import { BSON, MongoBulkWriteError } from 'mongodb';

const SYSTEM_DATABASES = new Set(['admin', 'config', 'local']);
/** Numbers, binaries and regular expressions read as their BSON types, so that they are written back unchanged. */
const AS_STORED = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true };
const BATCH_DOCUMENTS = 1_000;
/** GridFS chunks are up to 255 KiB each: a batch is cut at this many bytes too, so memory stays bounded. */
const BATCH_BYTES = 16 * 1024 * 1024;
const DUPLICATE_KEY = 11000;

/** The databases and collections of a store, each collection with its document count: `[{ database, collections: [{ name, count }] }]`. */
export async function storeContents(client) {
  const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
  const contents = [];
  for (const { name } of databases.filter((d) => !SYSTEM_DATABASES.has(d.name)).sort((a, b) => a.name.localeCompare(b.name))) {
    const db = client.db(name);
    const names = (await db.listCollections({ type: 'collection' }, { nameOnly: true }).toArray()).map((c) => c.name).filter((c) => !c.startsWith('system.'));
    const collections = [];
    for (const collection of names.sort()) collections.push({ name: collection, count: await db.collection(collection).countDocuments({}) });
    if (collections.length > 0) contents.push({ database: name, collections });
  }
  return contents;
}

/**
 * Copies every document of `name` from `sourceDb` to `targetDb` in batches; a document whose `_id` is in the target
 * already is left as it is (a re-run after an interruption adds only what is missing). `{ inserted, present }`.
 * One batch is written while the next is read (two in memory at most): the source's decoding and the target's
 * writing take about as long each.
 */
export async function copyCollection(sourceDb, targetDb, name) {
  const target = targetDb.collection(name);
  await targetDb.createCollection(name).catch((error) => {
    if (error.codeName !== 'NamespaceExists' && error.code !== 48) throw error;
  });
  const totals = { inserted: 0, present: 0 };
  let writing = Promise.resolve();
  let batch = [];
  let bytes = 0;
  const flush = async () => {
    await writing;
    if (batch.length === 0) return;
    const documents = batch;
    batch = [];
    bytes = 0;
    writing = insertMissing(target, documents).then(({ inserted, present }) => {
      totals.inserted += inserted;
      totals.present += present;
    });
    // Seen by the next flush (or the last one); kept from counting as unhandled meanwhile.
    writing.catch(() => undefined);
  };
  const cursor = sourceDb.collection(name).find({}, { ...AS_STORED, batchSize: BATCH_DOCUMENTS });
  for await (const document of cursor) {
    batch.push(document);
    bytes += BSON.calculateObjectSize(document);
    if (batch.length >= BATCH_DOCUMENTS || bytes >= BATCH_BYTES) await flush();
  }
  await flush();
  await writing;
  return totals;
}

async function insertMissing(target, documents) {
  try {
    const result = await target.insertMany(documents, { ordered: false });
    return { inserted: result.insertedCount, present: 0 };
  } catch (error) {
    if (!(error instanceof MongoBulkWriteError)) throw error;
    const writeErrors = [error.writeErrors].flat();
    const other = writeErrors.find((e) => e.code !== DUPLICATE_KEY);
    if (other) throw error;
    return { inserted: error.insertedCount ?? documents.length - writeErrors.length, present: writeErrors.length };
  }
}

/**
 * Creates on the target the secondary indexes the source collection has (name, keys, unique, sparse, partial, TTL)
 * and the target lacks, one at a time: FerretDB v1.24 on PostgreSQL drops the connection (a panic, "slice bounds out
 * of range") on a `createIndexes` of several indexes that all exist already, as on a resumed run.
 */
export async function copyIndexes(sourceDb, targetDb, name) {
  const existing = new Set((await targetDb.collection(name).listIndexes().toArray()).map((index) => index.name));
  const specs = (await sourceDb.collection(name).listIndexes().toArray())
    .filter((index) => index.name !== '_id_')
    .map(({ key, name: indexName, unique, sparse, partialFilterExpression, expireAfterSeconds }) => ({
      key,
      name: indexName,
      ...(unique ? { unique } : {}),
      ...(sparse ? { sparse } : {}),
      ...(partialFilterExpression ? { partialFilterExpression } : {}),
      ...(expireAfterSeconds !== undefined ? { expireAfterSeconds } : {}),
    }));
  for (const { key, ...options } of specs.filter((spec) => !existing.has(spec.name))) await targetDb.collection(name).createIndex(key, options);
  return specs.length;
}

/** The GridFS buckets among a database's collection names: every `<bucket>.files` with its `<bucket>.chunks`. */
export function gridFsBuckets(collectionNames) {
  const names = new Set(collectionNames);
  return collectionNames.filter((n) => n.endsWith('.files') && names.has(n.replace(/\.files$/, '.chunks'))).map((n) => n.replace(/\.files$/, ''));
}

/**
 * Compares every GridFS file of `bucket` on both sides: the sha-256 over its chunks in order, read chunk by chunk by
 * `_id` (the one filter both FerretDB backends serve from an index). `{ files, mismatches: [{ id, reason }] }`.
 */
export async function compareGridFsFiles(sourceDb, targetDb, bucket) {
  const chunksOfFile = new Map();
  const chunkList = sourceDb.collection(`${bucket}.chunks`).find({}, { projection: { files_id: 1, n: 1 }, ...AS_STORED, batchSize: BATCH_DOCUMENTS });
  for await (const chunk of chunkList) {
    const key = keyOf(chunk.files_id);
    if (!chunksOfFile.has(key)) chunksOfFile.set(key, []);
    chunksOfFile.get(key).push({ n: Number(chunk.n), _id: chunk._id });
  }
  const mismatches = [];
  let files = 0;
  for await (const file of sourceDb.collection(`${bucket}.files`).find({}, { ...AS_STORED, batchSize: BATCH_DOCUMENTS })) {
    files++;
    const chunks = (chunksOfFile.get(keyOf(file._id)) ?? []).sort((a, b) => a.n - b.n);
    const [source, target] = await Promise.all([fileDigest(sourceDb, bucket, chunks), fileDigest(targetDb, bucket, chunks)]);
    const targetFile = await targetDb.collection(`${bucket}.files`).findOne({ _id: file._id });
    const label = file._id instanceof BSON.ObjectId ? file._id.toHexString() : String(file._id);
    if (!targetFile) mismatches.push({ id: label, reason: 'file' });
    else if (target.missing > 0) mismatches.push({ id: label, reason: 'chunks' });
    else if (source.sha256 !== target.sha256 || source.bytes !== target.bytes) mismatches.push({ id: label, reason: 'sha256' });
  }
  return { files, mismatches };
}

async function fileDigest(db, bucket, chunks) {
  const hash = createHash('sha256');
  let bytes = 0;
  let missing = 0;
  for (const { _id } of chunks) {
    const chunk = await db.collection(`${bucket}.chunks`).findOne({ _id }, AS_STORED);
    if (!chunk) {
      missing++;
      continue;
    }
    const data = chunk.data instanceof BSON.Binary ? chunk.data.buffer : chunk.data;
    hash.update(data);
    bytes += data.length;
  }
  return { sha256: hash.digest('hex'), bytes, missing };
}

function keyOf(value) {
  return BSON.EJSON.stringify(value, { relaxed: false });
}
