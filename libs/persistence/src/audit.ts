import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { AUDIT_RESULTS, auditHash, GENESIS_HASH, type AuditActorRecord, type AuditRecord, type AuditResult } from './audit-hash.js';
import { isDuplicateKey } from './settings.js';

export * from './audit-hash.js';

/**
 * The audit trail (等保 2.0 安全审计): append-only. This module has no update or delete path on purpose, and
 * nothing else in the code touches `audit_log`; retention is therefore unlimited (≥ 180 days required).
 */
const actorSchema = new Schema<AuditActorRecord>(
  {
    userId: { type: String, required: true },
    name: { type: String, required: true },
    unitId: { type: String, required: true },
    roles: { type: [String], required: true },
  },
  { _id: false },
);

const auditSchema = new Schema<AuditRecord>(
  {
    _id: { type: Number, required: true },
    at: { type: Date, required: true },
    requestId: { type: String, default: null },
    ip: { type: String, default: null },
    actor: { type: actorSchema, default: null },
    username: { type: String, default: null },
    action: { type: String, required: true },
    target: { type: String, default: null },
    result: { type: String, enum: AUDIT_RESULTS, required: true },
    status: { type: Number, default: null },
    details: { type: Schema.Types.Mixed, default: null },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
  },
  { collection: 'audit_log', versionKey: false, minimize: false },
);
// `_id` (the seq) serves: the chain's tail (append), the verification walk and keyset paging, newest first.
// Serves: one user's actions, newest first (GET /api/audit?actorId=).
auditSchema.index({ 'actor.userId': 1, _id: -1 });
// Serves: login attempts typed with one name, newest first (GET /api/audit?username=, with the index above).
auditSchema.index({ username: 1, _id: -1 });
// Serves: one kind of action, newest first (GET /api/audit?action=).
auditSchema.index({ action: 1, _id: -1 });
// Serves: refusals / failures, newest first (GET /api/audit?result=refused).
auditSchema.index({ result: 1, _id: -1 });
// Serves: a period (GET /api/audit?from=&to=, the export); entries are written in time order, so the range is contiguous in seq.
auditSchema.index({ at: 1 });

export function auditModel(connection: Connection): Model<AuditRecord> {
  return (connection.models.AuditEntry as Model<AuditRecord>) ?? connection.model<AuditRecord>('AuditEntry', auditSchema);
}

/** What the caller says about an event; seq, time and hashes are the repository's. */
export interface AuditAppend {
  action: string;
  result: AuditResult;
  status?: number | null;
  actor?: { readonly userId: string; readonly name: string; readonly unitId: string; readonly roles: readonly string[] } | null;
  username?: string | null;
  target?: string | null;
  ip?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown> | null;
}

export interface AuditQuery {
  from?: Date;
  to?: Date;
  actorId?: string;
  /** One person: what the user did (their id, when the login name exists) or login attempts typed with that name. */
  person?: { userId: string | null; username: string };
  action?: string;
  result?: AuditResult;
  /** Entries with a seq below this one (the previous page's last seq). */
  before?: number;
  limit: number;
}

export type AuditProblemKind = 'changed' | 'broken_link' | 'gap';

export interface AuditProblem {
  seq: number;
  kind: AuditProblemKind;
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  /** Entries whose hash and link were checked (the whole range, problems or not). */
  checked: number;
  /** Every problem found, in seq order (at most MAX_REPORTED_PROBLEMS; `problemsTruncated` says when more were found). */
  problems: AuditProblem[];
  problemsTruncated: boolean;
  /** The first of `problems`, or null: kept for callers that read only the first. */
  firstProblem: AuditProblem | null;
  /** The last entry checked: note its seq and hash elsewhere (e.g. in a signed report) to detect truncation later. */
  head: { seq: number; hash: string } | null;
}

const BATCH = 500;
/** A report stays readable when a whole range was rewritten: the first this many problems are listed. */
export const MAX_REPORTED_PROBLEMS = 1000;
const MAX_APPEND_ATTEMPTS = 50;

export class AuditLogRepository {
  private readonly entries: Model<AuditRecord>;
  /** Appends of this process, one at a time: other processes are the only competitors for a seq. */
  private queue: Promise<unknown> = Promise.resolve();
  /** The newest entry this process has seen; a tail read below it means entries were removed. */
  private newestSeen: AuditRecord | null = null;

  constructor(
    connection: Connection,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.entries = auditModel(connection);
  }

  /**
   * Appends one entry at the end of the chain and returns it. Without transactions: take the tail, insert
   * `_id = tail + 1` with `prevHash = tail.hash`; if another process took that seq first the unique `_id`
   * refuses the insert (11000), so re-read the tail and try again. Two entries can never share a seq, and each
   * one links to the entry that really precedes it. Appends of one repository run one at a time (in order).
   */
  append(input: AuditAppend): Promise<AuditRecord> {
    const next = this.queue.then(() => this.appendNow(input));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Appends entries in order with one insert, linked as `append` links them (bulk loads by a single writer:
   * `npm run bench`'s county seed). Another process appending meanwhile makes the insert fail on a taken seq.
   */
  appendMany(inputs: readonly AuditAppend[]): Promise<AuditRecord[]> {
    const next = this.queue.then(async () => {
      let tail = this.newestSeen ?? (await this.tail());
      const entries = inputs.map((input) => (tail = this.entryAfter(tail, normalise(input))));
      if (entries.length > 0) await this.entries.collection.insertMany(entries as never[], { ordered: true });
      this.newestSeen = tail;
      return entries;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private entryAfter(tail: AuditRecord | null, fields: ReturnType<typeof normalise>): AuditRecord {
    const unsigned: Omit<AuditRecord, 'hash'> = {
      _id: (tail?._id ?? 0) + 1,
      at: this.now(),
      ...fields,
      prevHash: tail?.hash ?? GENESIS_HASH,
    };
    return { ...unsigned, hash: auditHash(unsigned) };
  }

  private async appendNow(input: AuditAppend): Promise<AuditRecord> {
    const fields = normalise(input);
    for (let attempt = 1; ; attempt++) {
      // First try after the newest entry this process knows (no read when it is the only writer); after a
      // lost race, read the real tail.
      const tail = attempt === 1 && this.newestSeen ? this.newestSeen : await this.tail();
      const entry = this.entryAfter(tail, fields);
      try {
        // The driver's insertOne: the stored document is exactly the hashed one (no mongoose casting or defaults).
        await this.entries.collection.insertOne(entry as never);
        this.newestSeen = entry;
        return entry;
      } catch (error) {
        if (!isDuplicateKey(error) || attempt >= MAX_APPEND_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, attempt * 5)));
      }
    }
  }

  /**
   * The entry to link to. If the stored tail is older than an entry this process wrote or saw, the newest
   * entries were deleted: continue after the one we know, so verification reports the hole as a gap instead of
   * the chain silently re-growing over it.
   */
  private async tail(): Promise<AuditRecord | null> {
    const stored = await this.entries.findOne().sort({ _id: -1 }).lean<AuditRecord>().exec();
    if (this.newestSeen && (!stored || stored._id < this.newestSeen._id)) return this.newestSeen;
    if (stored) this.newestSeen = stored;
    return stored;
  }

  /** Newest first, keyset-paged by seq. */
  list(query: AuditQuery): Promise<AuditRecord[]> {
    const filter: Record<string, unknown> = {};
    if (query.actorId !== undefined) filter['actor.userId'] = query.actorId;
    if (query.person !== undefined) {
      const { userId, username } = query.person;
      filter.$or = userId === null ? [{ username }] : [{ 'actor.userId': userId }, { username }];
    }
    if (query.action !== undefined) filter.action = query.action;
    if (query.result !== undefined) filter.result = query.result;
    const at = timeRange(query.from, query.to);
    if (at) filter.at = mongoose.trusted(at);
    if (query.before !== undefined) filter._id = mongoose.trusted({ $lt: query.before });
    return this.entries.find(filter).sort({ _id: -1 }).limit(query.limit).lean<AuditRecord[]>().exec();
  }

  /** Every entry of a period in seq order, read in batches (bounded memory, for the export). */
  async *stream(from?: Date, to?: Date): AsyncGenerator<AuditRecord> {
    const at = timeRange(from, to);
    let after = 0;
    for (;;) {
      const filter: Record<string, unknown> = { _id: mongoose.trusted({ $gt: after }) };
      if (at) filter.at = mongoose.trusted(at);
      const batch = await this.entries.find(filter).sort({ _id: 1 }).limit(BATCH).lean<AuditRecord[]>().exec();
      for (const entry of batch) yield entry;
      if (batch.length < BATCH) return;
      after = batch[batch.length - 1]!._id;
    }
  }

  /**
   * Walks the chain in seq order from `from` (default 1) to `to` (default the tail), in batches, and reports every
   * problem, so that one broken entry cannot hide later ones: an entry whose content no longer matches its hash
   * (changed), an entry whose prevHash is not the previous entry's hash (broken_link), or missing seqs (gap). After
   * a problem the walk goes on from the stored entry as it is; the entry after a gap has no predecessor to link to.
   */
  async verify(from = 1, to = Number.MAX_SAFE_INTEGER): Promise<AuditVerification> {
    let checked = 0;
    let expected = Math.max(1, Math.floor(from));
    /** The hash the next entry must link to; null when its predecessor is missing (already reported as a gap). */
    let previousHash: string | null = GENESIS_HASH;
    let head: AuditVerification['head'] = null;
    const problems: AuditProblem[] = [];
    let problemsFound = 0;
    const report = (problem: AuditProblem) => {
      problemsFound++;
      if (problems.length < MAX_REPORTED_PROBLEMS) problems.push(problem);
    };
    const gap = (first: number, last: number) =>
      report({
        seq: first,
        kind: 'gap',
        message: first === last ? `缺少第 ${first} 条审计记录（missing entry ${first}）` : `缺少第 ${first}–${last} 条审计记录（missing entries ${first}–${last}）`,
      });

    if (expected > 1) {
      const before = await this.entries.findById(expected - 1).lean<AuditRecord>().exec();
      previousHash = before ? before.hash : null;
      if (!before) gap(expected - 1, expected - 1);
    }
    for (;;) {
      const batch = await this.entries
        .find({ _id: mongoose.trusted({ $gte: expected, $lte: to }) })
        .sort({ _id: 1 })
        .limit(BATCH)
        .lean<AuditRecord[]>()
        .exec();
      for (const entry of batch) {
        if (entry._id !== expected) {
          gap(expected, typeof entry._id === 'number' ? entry._id - 1 : expected);
          previousHash = null;
        }
        const { hash, ...unsigned } = entry;
        if (auditHash(unsigned) !== hash) {
          report({ seq: entry._id, kind: 'changed', message: `第 ${entry._id} 条审计记录的内容与其哈希不符，已被修改（entry ${entry._id} was changed）` });
        } else if (previousHash !== null && entry.prevHash !== previousHash) {
          report({
            seq: entry._id,
            kind: 'broken_link',
            message: `第 ${entry._id} 条审计记录未链接到第 ${entry._id - 1} 条（entry ${entry._id} does not link to entry ${entry._id - 1}）`,
          });
        }
        checked++;
        previousHash = hash;
        head = { seq: entry._id, hash };
        expected = typeof entry._id === 'number' ? entry._id + 1 : expected + 1;
      }
      if (batch.length < BATCH) break;
    }
    // Entries missing at the very end are only visible against a seq this process knows to exist.
    if (to === Number.MAX_SAFE_INTEGER && this.newestSeen && this.newestSeen._id >= expected) gap(expected, this.newestSeen._id);
    return { ok: problemsFound === 0, checked, problems, problemsTruncated: problemsFound > problems.length, firstProblem: problems[0] ?? null, head };
  }
}

function timeRange(from?: Date, to?: Date): Record<string, Date> | null {
  if (!from && !to) return null;
  return { ...(from ? { $gte: from } : {}), ...(to ? { $lte: to } : {}) };
}

/**
 * Absent values as null, `details` as plain JSON and every string as the database stores it (a lone surrogate
 * becomes U+FFFD when encoded as UTF-8), so that what is stored is exactly what was hashed.
 */
function normalise(input: AuditAppend): Omit<AuditRecord, '_id' | 'at' | 'prevHash' | 'hash'> {
  const details = input.details && Object.keys(input.details).length > 0 ? (storable(JSON.parse(JSON.stringify(input.details))) as Record<string, unknown>) : null;
  return {
    requestId: storableText(input.requestId),
    ip: storableText(input.ip),
    actor: input.actor
      ? { userId: storableText(input.actor.userId), name: storableText(input.actor.name), unitId: storableText(input.actor.unitId), roles: input.actor.roles.map((role) => storableText(role)) }
      : null,
    username: storableText(input.username),
    action: storableText(input.action),
    target: storableText(input.target),
    result: input.result,
    status: input.status ?? null,
    details,
  };
}

const LONE_SURROGATES = /\p{Surrogate}/gu;

function storableText(text: string): string;
function storableText(text: string | null | undefined): string | null;
function storableText(text: string | null | undefined): string | null {
  return text === undefined || text === null ? null : text.replace(LONE_SURROGATES, '\uFFFD');
}

/** Plain JSON (as JSON.parse gives it) with every string and key as the database stores it. */
function storable(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storable);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [storableText(key), storable(item)]));
  return value;
}
