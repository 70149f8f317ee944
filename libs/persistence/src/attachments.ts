import { createHash, randomUUID } from 'node:crypto';
import { Readable, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import mongoose, { Schema, type Connection, type Model, type mongo } from 'mongoose';
import { isDuplicateKey } from './settings.js';

/**
 * Evidence attachments (整改材料/佐证材料) of rectification items.
 *
 * - `attachments`: one metadata row per upload.
 * - GridFS bucket `attachment_content` (`attachment_content.files` / `.chunks`): the bytes, one GridFS file per
 *   distinct content; its `_id` (an ObjectId, kept as hex in `storageKey`) is the storage key. Everything lives in
 *   MongoDB, so every API replica reads what another stored.
 * - `attachment_content.digests`: `_id` = sha256 → the storage key holding those bytes. Inserting it claims the
 *   content, so equal bytes uploaded twice (even at the same moment) end up stored once.
 */
export const ATTACHMENT_BUCKET = 'attachment_content';
export const ATTACHMENT_DIGESTS = `${ATTACHMENT_BUCKET}.digests`;
/** GridFS chunk size (its default): 255 KiB, below every document size limit. */
export const ATTACHMENT_CHUNK_BYTES = 255 * 1024;
/** How many leading bytes `ContentLimits.detectType` is shown (fewer for a shorter file). */
export const CONTENT_HEAD_BYTES = 16;

export interface AttachmentUploader {
  userId: string;
  name: string;
  unitId: string;
}

export interface AttachmentRecord {
  /** uuid */
  _id: string;
  itemId: string;
  /** Lowercase hex. */
  sha256: string;
  size: number;
  contentType: string;
  /** The name on the uploader's computer, as sent (UTF-8). */
  filename: string;
  uploadedBy: AttachmentUploader;
  uploadedAt: Date;
  /** Where the bytes are: a GridFS file id (hex); shared by uploads of equal bytes. */
  storageKey: string;
}

/** Content written but not yet an attachment: private to one upload until `commit()` (or `discard()`). */
export interface StagedContent {
  readonly storageKey: string;
  readonly sha256: string;
  readonly size: number;
  readonly contentType: string;
}

export interface ContentLimits {
  /** Largest accepted size in bytes; one byte more refuses the content (`too_large`) and keeps nothing. */
  readonly maxBytes: number;
  /** The content type decided from the first `CONTENT_HEAD_BYTES` bytes; `null` refuses the content (`type_not_allowed`). */
  readonly detectType: (head: Buffer) => string | null;
}

export interface NewAttachment {
  readonly itemId: string;
  readonly filename: string;
  readonly uploadedBy: AttachmentUploader;
  readonly uploadedAt?: Date;
}

export type AttachmentRefusal = 'empty' | 'too_large' | 'type_not_allowed';

/** The content was refused by its limits; nothing of it stays stored. */
export class AttachmentRefused extends Error {
  constructor(
    readonly reason: AttachmentRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'AttachmentRefused';
  }
}

const attachmentSchema = new Schema<AttachmentRecord>(
  {
    _id: { type: String, required: true },
    itemId: { type: String, required: true },
    sha256: { type: String, required: true },
    size: { type: Number, required: true },
    contentType: { type: String, required: true },
    filename: { type: String, required: true },
    uploadedBy: {
      type: new Schema<AttachmentUploader>(
        {
          userId: { type: String, required: true },
          name: { type: String, required: true },
          unitId: { type: String, required: true },
        },
        { _id: false },
      ),
      required: true,
    },
    uploadedAt: { type: Date, required: true },
    storageKey: { type: String, required: true },
  },
  { collection: 'attachments', versionKey: false },
);
// Serves: an item's attachments in upload order (listForItem), and the itemId match of findForItem.
attachmentSchema.index({ itemId: 1, uploadedAt: 1, _id: 1 });

interface DigestRecord {
  /** sha256, lowercase hex */
  _id: string;
  storageKey: string;
  size: number;
  storedAt: Date;
}

// No secondary index: the only query is by _id (sha256).
const digestSchema = new Schema<DigestRecord>(
  {
    _id: { type: String, required: true },
    storageKey: { type: String, required: true },
    size: { type: Number, required: true },
    storedAt: { type: Date, required: true },
  },
  { collection: ATTACHMENT_DIGESTS, versionKey: false },
);

export function attachmentModel(connection: Connection): Model<AttachmentRecord> {
  return (
    (connection.models.Attachment as Model<AttachmentRecord>) ??
    connection.model<AttachmentRecord>('Attachment', attachmentSchema)
  );
}

function digestModel(connection: Connection): Model<DigestRecord> {
  return (
    (connection.models.AttachmentDigest as Model<DigestRecord>) ??
    connection.model<DigestRecord>('AttachmentDigest', digestSchema)
  );
}

const { trusted } = mongoose;

/**
 * Attachments and their content. An upload is `stage()` (bytes, hashed and checked while they are written)
 * then `commit()` (the metadata row, then sharing equal bytes); `store()` does both. Either step that fails
 * leaves neither a row nor content behind.
 */
export class AttachmentRepository {
  private readonly attachments: Model<AttachmentRecord>;
  private readonly digests: Model<DigestRecord>;
  private gridFs: mongo.GridFSBucket | undefined;

  constructor(private readonly connection: Connection) {
    this.attachments = attachmentModel(connection);
    this.digests = digestModel(connection);
  }

  /** Stages then commits: the whole upload of one attachment. */
  async store(content: Readable | Uint8Array, attachment: NewAttachment, limits: ContentLimits): Promise<AttachmentRecord> {
    return this.commit(await this.stage(content, limits), attachment);
  }

  /**
   * Writes `content` under a new storage key, computing its sha256 and size and deciding its type while it is
   * written. Refused or failed content is removed before this rejects ({@link AttachmentRefused} for limits).
   */
  async stage(content: Readable | Uint8Array, limits: ContentLimits): Promise<StagedContent> {
    const id = new mongoose.mongo.ObjectId();
    const upload = this.bucket().openUploadStreamWithId(id, id.toHexString(), { chunkSizeBytes: ATTACHMENT_CHUNK_BYTES });
    // Failures arrive through the write and end callbacks; an unheard 'error' event would end the process.
    upload.on('error', () => undefined);
    const hash = createHash('sha256');
    let size = 0;
    let head = Buffer.alloc(0);
    let contentType: string | undefined;
    const decideType = (): string => {
      const type = limits.detectType(head);
      if (type === null) throw new AttachmentRefused('type_not_allowed', 'content type not allowed');
      return type;
    };
    try {
      await consume(toReadable(content), async (chunk) => {
        size += chunk.length;
        if (size > limits.maxBytes) throw new AttachmentRefused('too_large', `content larger than ${limits.maxBytes} bytes`);
        if (contentType === undefined) {
          head = Buffer.concat([head, chunk.subarray(0, CONTENT_HEAD_BYTES - head.length)]);
          if (head.length >= CONTENT_HEAD_BYTES) contentType = decideType();
        }
        hash.update(chunk);
        await write(upload, chunk);
      });
      if (size === 0) throw new AttachmentRefused('empty', 'content is empty');
      contentType ??= decideType();
      upload.end();
      await finished(upload);
    } catch (error) {
      await this.abandon(upload, id);
      throw error;
    }
    return { storageKey: id.toHexString(), sha256: hash.digest('hex'), size, contentType };
  }

  /**
   * Makes staged content an attachment of `attachment.itemId`. The row is written first; only then are equal
   * bytes shared (the row moves to the content stored earlier and its own copy is removed), so content another
   * upload may share always has a row. If the row cannot be written the staged content is removed.
   */
  async commit(staged: StagedContent, attachment: NewAttachment): Promise<AttachmentRecord> {
    const record: AttachmentRecord = {
      _id: randomUUID(),
      itemId: attachment.itemId,
      sha256: staged.sha256,
      size: staged.size,
      contentType: staged.contentType,
      filename: attachment.filename,
      uploadedBy: { userId: attachment.uploadedBy.userId, name: attachment.uploadedBy.name, unitId: attachment.uploadedBy.unitId },
      uploadedAt: attachment.uploadedAt ?? new Date(),
      storageKey: staged.storageKey,
    };
    try {
      await this.attachments.create(record);
    } catch (error) {
      // A write that failed on the way back may have been applied: keep the content then (better unused bytes
      // than a row without them); remove it only when the row is known to be absent.
      const written = await this.attachments.exists({ _id: record._id }).exec().catch(() => 'unknown' as const);
      if (written === null) await this.discard(staged);
      if (written === null || written === 'unknown') throw error;
    }
    return { ...record, storageKey: await this.share(record) };
  }

  /** Removes staged content that will not become an attachment. Safe to call twice. */
  async discard(staged: Pick<StagedContent, 'storageKey'>): Promise<void> {
    await this.removeContent(new mongoose.mongo.ObjectId(staged.storageKey));
  }

  findById(id: string): Promise<AttachmentRecord | null> {
    return this.attachments.findById(id).lean<AttachmentRecord>().exec();
  }

  /**
   * The attachments among `ids` that belong to item `itemId`, in the order of `ids` (duplicates once). An id
   * that does not exist or belongs to another item is left out: compare lengths to refuse such references.
   */
  async findForItem(itemId: string, ids: readonly string[]): Promise<AttachmentRecord[]> {
    const wanted = [...new Set(ids.filter((id) => typeof id === 'string'))];
    if (wanted.length === 0) return [];
    const found = await this.attachments
      .find({ itemId, _id: trusted({ $in: wanted }) })
      .lean<AttachmentRecord[]>()
      .exec();
    const byId = new Map(found.map((record) => [record._id, record]));
    return wanted.flatMap((id) => byId.get(id) ?? []);
  }

  /** An item's attachments in upload order. */
  listForItem(itemId: string): Promise<AttachmentRecord[]> {
    return this.attachments.find({ itemId }).sort({ uploadedAt: 1, _id: 1 }).lean<AttachmentRecord[]>().exec();
  }

  /** The stored bytes of an attachment, or null when its content is missing. */
  async openDownloadStream(attachment: Pick<AttachmentRecord, 'storageKey'>): Promise<Readable | null> {
    const id = new mongoose.mongo.ObjectId(attachment.storageKey);
    const stored = await this.bucket().find({ _id: id }, { limit: 1 }).toArray();
    return stored.length === 0 ? null : this.bucket().openDownloadStream(id);
  }

  /**
   * Claims the content's sha256 for the record's storage key, or moves the record to the key that holds the same
   * bytes already and removes its own copy. Returns the key the row references. Never throws: whatever fails
   * here leaves the row on whole content, at worst not shared.
   */
  private async share(record: AttachmentRecord): Promise<string> {
    try {
      await this.digests.create({ _id: record.sha256, storageKey: record.storageKey, size: record.size, storedAt: new Date() });
      return record.storageKey;
    } catch (error) {
      if (!isDuplicateKey(error)) return record.storageKey;
    }
    let referenced = record.storageKey;
    try {
      const existing = await this.digests.findById(record.sha256).lean<DigestRecord>().exec();
      if (!existing || existing.storageKey === record.storageKey) return record.storageKey;
      await this.attachments.updateOne({ _id: record._id }, { $set: { storageKey: existing.storageKey } }).exec();
      referenced = existing.storageKey;
      await this.removeContent(new mongoose.mongo.ObjectId(record.storageKey));
    } catch {
      // Left as it is: the row references whole content either way.
    }
    return referenced;
  }

  /** Stops an upload that failed and removes what it wrote. */
  private async abandon(upload: mongo.GridFSBucketWriteStream, id: mongo.ObjectId): Promise<void> {
    // abort() marks the stream so no later write lands; it refuses a stream that was ended already.
    if (!upload.writableEnded) await upload.abort().catch(() => undefined);
    upload.destroy();
    await this.removeContent(id);
  }

  private async removeContent(id: mongo.ObjectId): Promise<void> {
    const db = this.db();
    await db.collection(`${ATTACHMENT_BUCKET}.files`).deleteOne({ _id: id });
    await db.collection(`${ATTACHMENT_BUCKET}.chunks`).deleteMany({ files_id: id });
  }

  // GridFS creates its own indexes on first upload: chunks { files_id, n } unique (reads a file's chunks in
  // order), files { filename, uploadDate }.
  private bucket(): mongo.GridFSBucket {
    this.gridFs ??= new mongoose.mongo.GridFSBucket(this.db(), { bucketName: ATTACHMENT_BUCKET, chunkSizeBytes: ATTACHMENT_CHUNK_BYTES });
    return this.gridFs;
  }

  private db(): mongo.Db {
    const db = this.connection.db;
    if (!db) throw new Error('database connection is not open');
    return db;
  }
}

function toReadable(content: Readable | Uint8Array): Readable {
  // Readable.from() hands a Buffer over as one chunk, not byte by byte.
  return content instanceof Readable ? content : Readable.from(Buffer.from(content.buffer, content.byteOffset, content.byteLength));
}

function write(stream: Writable, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}

/**
 * Reads `source` to its end, one `onChunk` at a time (the source waits meanwhile). When `onChunk` or the source
 * fails, this rejects only once the chunk in hand has settled (nothing is still being written), and the rest of
 * the source is drained, so a producer such as a multipart parser is not left waiting.
 */
function consume(source: Readable, onChunk: (chunk: Buffer) => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    let pending: Promise<void> = Promise.resolve();
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      source.off('data', onData);
      source.resume();
      const settle = () => reject(error instanceof Error ? error : new Error(String(error)));
      pending.then(settle, settle);
    };
    const onData = (chunk: Buffer | string) => {
      source.pause();
      pending = pending
        .then(() => onChunk(typeof chunk === 'string' ? Buffer.from(chunk) : chunk))
        .then(() => {
          if (!failed) source.resume();
        });
      pending.catch(fail);
    };
    source.on('data', onData);
    // `on`, not `once`: a source may fail again after the first failure, and an unheard 'error' ends the process.
    source.on('error', fail);
    source.once('close', () => {
      if (!source.readableEnded) fail(new Error('content stream closed before its end'));
    });
    source.once('end', () => {
      pending.then(() => {
        if (!failed) resolve();
      }, fail);
    });
  });
}
