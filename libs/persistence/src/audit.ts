import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { shanghaiDate } from '@duban/domain';
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

const auditSchema = new Schema<StoredAuditRecord>(
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
    // Search keys, outside the hashed content (canonicalAuditJson names its fields): see AuditSearchKeys.
    actorUserId: { type: String, default: null },
    day: { type: String, required: true },
    batch: { type: Number, required: true },
  },
  { collection: 'audit_log', versionKey: false, minimize: false },
);
// Only keys FerretDB pushes down as equality (docs/queries.md); `_id` (the seq) orders the rows, in memory there.
// Serves: one user's actions, on a day or newest first (GET /api/audit?actorId=&from=&to=, ?username=).
auditSchema.index({ actorUserId: 1, day: 1, _id: -1 });
// Serves: one day or a few (GET /api/audit?from=&to=).
auditSchema.index({ day: 1, _id: -1 });
// Serves: login attempts typed with one name, newest first (GET /api/audit?username=, with the index above).
auditSchema.index({ username: 1, _id: -1 });
// Serves: one kind of action, newest first (GET /api/audit?action=).
auditSchema.index({ action: 1, _id: -1 });
// Serves: refusals / failures, newest first (GET /api/audit?result=refused).
auditSchema.index({ result: 1, _id: -1 });
// Serves: the export and the verification walk, 500 seqs at a time.
auditSchema.index({ batch: 1 });

/** Keys stored with each entry for the searches, derived from it and not hashed. */
export interface AuditSearchKeys {
  /** `actor.userId` at the top level (FerretDB pushes no dotted path); null without an actor. */
  actorUserId: string | null;
  /** The Shanghai calendar day (YYYY-MM-DD) of `at`. */
  day: string;
  /** `floor(seq / 500)`: the export and `verify` read one batch at a time. */
  batch: number;
}

export type StoredAuditRecord = AuditRecord & AuditSearchKeys;

const BATCH = 500;

export function auditSearchKeys(entry: Pick<AuditRecord, '_id' | 'at' | 'actor'>): AuditSearchKeys {
  return { actorUserId: entry.actor?.userId ?? null, day: shanghaiDate(entry.at), batch: Math.floor(entry._id / BATCH) };
}

export function auditModel(connection: Connection): Model<StoredAuditRecord> {
  return (connection.models.AuditEntry as Model<StoredAuditRecord>) ?? connection.model<StoredAuditRecord>('AuditEntry', auditSchema);
}

/** The chain's last link as the last append left it: one document, `_id` HEAD_ID, in `audit_head`. */
interface AuditHeadRecord {
  _id: string;
  seq: number;
  hash: string;
}

/** `_id` of the head record. */
export const AUDIT_HEAD_ID = 'audit_log';
const HEAD_ID = AUDIT_HEAD_ID;

const auditHeadSchema = new Schema<AuditHeadRecord>(
  { _id: { type: String, required: true }, seq: { type: Number, required: true }, hash: { type: String, required: true } },
  { collection: 'audit_head', versionKey: false },
);

export function auditHeadModel(connection: Connection): Model<AuditHeadRecord> {
  return (connection.models.AuditHead as Model<AuditHeadRecord>) ?? connection.model<AuditHeadRecord>('AuditHead', auditHeadSchema);
}

/** A seq and its hash: what the next entry links to. */
export interface AuditChainLink {
  seq: number;
  hash: string;
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

/** A report stays readable when a whole range was rewritten: the first this many problems are listed. */
export const MAX_REPORTED_PROBLEMS = 1000;
const MAX_APPEND_ATTEMPTS = 50;

export class AuditLogRepository {
  private readonly entries: Model<StoredAuditRecord>;
  private readonly heads: Model<AuditHeadRecord>;
  /** Appends of this process, one at a time: other processes are the only competitors for a seq. */
  private queue: Promise<unknown> = Promise.resolve();
  /** The newest entry this process has seen; a tail read below it means entries were removed. */
  private newestSeen: AuditChainLink | null = null;

  constructor(
    connection: Connection,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.entries = auditModel(connection);
    this.heads = auditHeadModel(connection);
  }

  /**
   * Appends one entry at the end of the chain and returns it. Without transactions: take the tail, insert
   * `_id = tail + 1` with `prevHash = tail.hash`; if another process took that seq first the unique `_id`
   * refuses the insert (11000), so re-read the tail and try again. Two entries can never share a seq, and each
   * one links to the entry that really precedes it. Appends of one repository run one at a time (in order).
   * The head record is written after each insert, so it may lag behind: the tail read follows the seqs after it.
   */
  append(input: AuditAppend): Promise<AuditRecord> {
    return this.queued(() => this.appendNow(input));
  }

  private queued<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Appends entries in order with one insert, linked as `append` links them (bulk loads by a single writer:
   * `npm run bench`'s county seed). Another process appending meanwhile makes the insert fail on a taken seq.
   */
  appendMany(inputs: readonly AuditAppend[]): Promise<AuditRecord[]> {
    return this.queued(async () => {
      let tail = this.newestSeen ?? (await this.tail());
      const entries = inputs.map((input) => {
        const entry = this.entryAfter(tail, normalise(input));
        tail = { seq: entry._id, hash: entry.hash };
        return entry;
      });
      if (entries.length === 0) return entries;
      await this.entries.collection.insertMany(entries as never[], { ordered: true });
      this.newestSeen = tail;
      await this.recordHead(tail!);
      return entries;
    });
  }

  /** The stored document of the entry after `tail`: hashed, plus its search keys (outside the hash). */
  private entryAfter(tail: AuditChainLink | null, fields: ReturnType<typeof normalise>): StoredAuditRecord {
    const unsigned: Omit<AuditRecord, 'hash'> = {
      _id: (tail?.seq ?? 0) + 1,
      at: this.now(),
      ...fields,
      prevHash: tail?.hash ?? GENESIS_HASH,
    };
    return { ...unsigned, hash: auditHash(unsigned), ...auditSearchKeys(unsigned) };
  }

  private async appendNow(input: AuditAppend): Promise<AuditRecord> {
    const fields = normalise(input);
    for (let attempt = 1; ; attempt++) {
      // First try after the newest entry this process knows (no read when it is the only writer); after a
      // lost race, read the real tail.
      const tail = attempt === 1 && this.newestSeen ? this.newestSeen : await this.tail();
      const entry = this.entryAfter(tail, fields);
      try {
        // The driver's insertOne: the stored document is exactly the hashed one plus its search keys (no mongoose
        // casting or defaults).
        await this.entries.collection.insertOne(entry as never);
        this.newestSeen = { seq: entry._id, hash: entry.hash };
        // The entry is stored: a head write that fails only leaves the head behind, which the tail read walks past.
        await this.recordHead(this.newestSeen).catch(() => undefined);
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
  private async tail(): Promise<AuditChainLink | null> {
    const stored = await this.storedTail();
    if (this.newestSeen && (!stored || stored.seq < this.newestSeen.seq)) return this.newestSeen;
    if (stored) this.newestSeen = stored;
    return stored;
  }

  /**
   * The last stored link: the head record, then every entry after it (an append whose head write has not landed
   * yet, or was overtaken). Without a head record (a trail from before it) the newest entry, found by sorting.
   */
  private async storedTail(): Promise<AuditChainLink | null> {
    const head = await this.heads.findById(HEAD_ID).lean<AuditHeadRecord>().exec();
    let link: AuditChainLink | null = head ? { seq: head.seq, hash: head.hash } : null;
    if (!link) {
      const newest = await this.entries.findOne().sort({ _id: -1 }).lean<AuditRecord>().exec();
      link = newest ? { seq: newest._id, hash: newest.hash } : null;
    }
    for (let next = link ? await this.findBySeq(link.seq + 1) : null; next; next = await this.findBySeq(next._id + 1)) link = { seq: next._id, hash: next.hash };
    return link;
  }

  private findBySeq(seq: number): Promise<AuditRecord | null> {
    return this.entries.findById(seq).lean<AuditRecord>().exec();
  }

  /** Notes the newest link; a slower writer may set an older one, which the next tail read walks past. */
  private async recordHead(link: AuditChainLink): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.heads.updateOne({ _id: HEAD_ID }, { $set: { seq: link.seq, hash: link.hash } }, { upsert: true }).exec();
        return;
      } catch (error) {
        if (!isDuplicateKey(error) || attempt >= 5) throw error;
      }
    }
  }

  /** The highest seq known to exist or to have existed: the head record's, or this process's newest. */
  private async knownTailSeq(): Promise<number> {
    const stored = await this.storedTail();
    return Math.max(stored?.seq ?? 0, this.newestSeen?.seq ?? 0);
  }

  /** The entries of one batch (seqs 500·b … 500·b + 499) in seq order; one pushed equality on `batch`. */
  private async batchOf(batch: number): Promise<AuditRecord[]> {
    const entries = await this.entries.find({ batch }).lean<AuditRecord[]>().exec();
    return entries.sort((a, b) => a._id - b._id);
  }

  /**
   * Newest first, keyset-paged by seq. Every filter is top-level equality where it can be (FerretDB pushes
   * nothing of an `$or`: a person's two forms are two queries, merged); a period of up to MAX_DAYS_BY_DAY days
   * is read one Shanghai day at a time, newest first, with `day` in the filter.
   */
  async list(query: AuditQuery): Promise<AuditRecord[]> {
    const common: Record<string, unknown> = {};
    if (query.action !== undefined) common.action = query.action;
    if (query.result !== undefined) common.result = query.result;
    const at = timeRange(query.from, query.to);
    if (at) common.at = mongoose.trusted(at);
    if (query.before !== undefined) common._id = mongoose.trusted({ $lt: query.before });
    let who: Record<string, unknown>[] = [{}];
    if (query.person !== undefined) {
      const { userId, username } = query.person;
      who = userId === null ? [{ username }] : [{ actorUserId: userId }, { username }];
    }
    if (query.actorId !== undefined) {
      who = who.filter((form) => form.actorUserId === undefined || form.actorUserId === query.actorId).map((form) => ({ ...form, actorUserId: query.actorId }));
    }
    const found: AuditRecord[] = [];
    for (const day of daysNewestFirst(query.from, query.to) ?? [null]) {
      found.push(...(await this.newestFirst(who.map((form) => ({ ...common, ...form, ...(day === null ? {} : { day }) })), query.limit - found.length)));
      if (found.length >= query.limit) break;
    }
    return found;
  }

  /** The newest `limit` entries matching any of `filters` (one query each), merged by seq. */
  private async newestFirst(filters: Record<string, unknown>[], limit: number): Promise<AuditRecord[]> {
    const answers = await Promise.all(filters.map((filter) => this.entries.find(filter).sort({ _id: -1 }).limit(limit).lean<AuditRecord[]>().exec()));
    const merged = new Map<number, AuditRecord>();
    for (const entry of answers.flat()) merged.set(entry._id, entry);
    return [...merged.values()].sort((a, b) => b._id - a._id).slice(0, limit);
  }

  /**
   * Every entry of a period in seq order, read batch by batch (bounded memory, for the export). Entries are
   * written in time order, so the period starts in the batch a binary search over the batches' first entries
   * finds, and ends at the first batch that lies wholly after it.
   */
  async *stream(from?: Date, to?: Date): AsyncGenerator<AuditRecord> {
    const lastBatch = Math.floor((await this.knownTailSeq()) / BATCH);
    for (let batch = from ? await this.batchHolding(from, lastBatch) : 0; batch <= lastBatch; batch++) {
      const entries = await this.batchOf(batch);
      for (const entry of entries) if ((!from || entry.at >= from) && (!to || entry.at <= to)) yield entry;
      if (to && entries.length > 0 && entries.every((entry) => entry.at > to)) return;
    }
  }

  /** The last batch whose first entry is before `from` (0 if none): no entry of an earlier batch is in the period. */
  private async batchHolding(from: Date, lastBatch: number): Promise<number> {
    let [low, high] = [0, lastBatch];
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      const first = (await this.findBySeq(middle * BATCH)) ?? (await this.batchOf(middle))[0];
      if (first && first.at < from) low = middle;
      else high = middle - 1;
    }
    return low;
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
    const tailSeq = await this.knownTailSeq();
    for (let batchNumber = Math.floor(expected / BATCH); batchNumber * BATCH <= to && batchNumber <= Math.floor(tailSeq / BATCH); batchNumber++) {
      const batch = (await this.batchOf(batchNumber)).filter((entry) => entry._id >= expected && entry._id <= to);
      for (const entry of batch) {
        if (entry._id !== expected) {
          gap(expected, typeof entry._id === 'number' ? entry._id - 1 : expected);
          previousHash = null;
        }
        const { hash, ...unsigned } = entry;
        // canonicalAuditJson reads only the hashed fields: the search keys stored beside them do not count.
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
    }
    // Entries missing at the very end are only visible against a seq known to exist (the head record, this process).
    if (to === Number.MAX_SAFE_INTEGER && tailSeq >= expected) gap(expected, tailSeq);
    return { ok: problemsFound === 0, checked, problems, problemsTruncated: problemsFound > problems.length, firstProblem: problems[0] ?? null, head };
  }
}

/** A period of at most this many days is searched day by day (`day` pushed); a longer one in one query. */
const MAX_DAYS_BY_DAY = 62;

/** The Shanghai days of [from, to], newest first; null when either end is open or the period is longer. */
function daysNewestFirst(from?: Date, to?: Date): string[] | null {
  if (!from || !to || from > to) return null;
  const days: string[] = [];
  const first = shanghaiDate(from);
  for (let instant = to.getTime(); ; instant -= 24 * 3600_000) {
    const day = shanghaiDate(new Date(instant));
    if (day < first) break;
    if (days.length === MAX_DAYS_BY_DAY) return null;
    days.push(day);
  }
  if (days.at(-1) !== first) days.push(first);
  return days;
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
