import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKey } from './settings.js';

/**
 * One `Idempotency-Key` of one user: the request it stood for (a fingerprint) and, once answered, the answer.
 * `_id` is `<userId>:<key>`, so the unique `_id` lets exactly one of two requests with the same key run.
 */
export interface IdempotencyRecord {
  _id: string;
  /** sha-256 of method, route and body: the same key with another request is refused. */
  fingerprint: string;
  /** `pending` while the first request runs; `done` once its answer is stored. */
  state: 'pending' | 'done';
  status: number | null;
  /** The answer's body as JSON text (field names of any shape, stored as they were sent). */
  body: string | null;
  createdAt: Date;
  /** After this the key is forgotten: taken over by the next claim, and purged (see `purgeExpired`). */
  expiresAt: Date;
}

const idempotencySchema = new Schema<IdempotencyRecord>(
  {
    _id: { type: String, required: true },
    fingerprint: { type: String, required: true },
    state: { type: String, required: true },
    status: { type: Number, default: null },
    body: { type: String, default: null },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'idempotency_keys', versionKey: false },
);
// Serves: purging expired keys. Not a TTL index: FerretDB v1 refuses `expireAfterSeconds` ("not implemented yet").
idempotencySchema.index({ expiresAt: 1 });

export function idempotencyModel(connection: Connection): Model<IdempotencyRecord> {
  return (connection.models.IdempotencyKey as Model<IdempotencyRecord>) ?? connection.model<IdempotencyRecord>('IdempotencyKey', idempotencySchema);
}

export type IdempotencyClaim = { readonly claimed: true } | { readonly claimed: false; readonly existing: IdempotencyRecord };

const { trusted } = mongoose;

/** Expired keys are deleted at most this often, by whichever claim comes first. */
const PURGE_EVERY_MS = 10 * 60 * 1000;

export class IdempotencyRepository {
  private readonly keys: Model<IdempotencyRecord>;
  private lastPurge = 0;
  constructor(connection: Connection) {
    this.keys = idempotencyModel(connection);
  }

  /** Claims the key for this request, or answers what is stored under it. An expired key is taken over. */
  async claim(id: string, fingerprint: string, now: Date, ttlMs: number): Promise<IdempotencyClaim> {
    if (now.getTime() - this.lastPurge >= PURGE_EVERY_MS) {
      this.lastPurge = now.getTime();
      await this.purgeExpired(now);
    }
    const fresh = { fingerprint, state: 'pending' as const, status: null, body: null, createdAt: now, expiresAt: new Date(now.getTime() + ttlMs) };
    try {
      await this.keys.create({ _id: id, ...fresh });
      return { claimed: true };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const taken = await this.keys.updateOne({ _id: id, expiresAt: trusted({ $lte: now }) }, { $set: fresh }).exec();
    if (taken.modifiedCount === 1) return { claimed: true };
    const existing = await this.keys.findById(id).lean<IdempotencyRecord>().exec();
    // Deleted between the two reads (its request failed): claim again.
    return existing ? { claimed: false, existing } : this.claim(id, fingerprint, now, ttlMs);
  }

  async complete(id: string, status: number, body: unknown): Promise<void> {
    await this.keys.updateOne({ _id: id }, { $set: { state: 'done', status, body: body === undefined ? null : JSON.stringify(body) } }).exec();
  }

  /** Deletes keys past their expiry (what a TTL index would do on MongoDB). */
  async purgeExpired(now: Date): Promise<number> {
    return (await this.keys.deleteMany({ expiresAt: trusted({ $lte: now }) }).exec()).deletedCount;
  }

  /** The request failed: the key is free again, so the client may retry it. */
  async release(id: string): Promise<void> {
    await this.keys.deleteOne({ _id: id, state: 'pending' }).exec();
  }
}
