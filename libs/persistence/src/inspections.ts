import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { lastTimelineSeq, type ActorRef, type Category, type Finding, type FindingEvidence, type InspectionStatus, type LookBackFailureMark, type LookBackOutcome, type Source } from '@duban/domain';
import { rectificationModel } from './rectifications.js';
import { isDuplicateKey } from './settings.js';

const { trusted } = mongoose;

/**
 * 暗访督导 plan and findings. Confidential until published: only the inspection routes (inspectors and the
 * office) read this collection; nothing that serves a unit (inbox, lists, counts, notifications) touches it.
 */
export interface InspectionRecord {
  _id: string;
  title: string;
  targetUnitIds: string[];
  /** When targets were drawn at random: the seed and the pool, so the draw can be reproduced. */
  targetDraw: { seed: string; poolUnitIds: string[]; count: number } | null;
  windowFrom: string;
  windowTo: string;
  team: string[];
  status: InspectionStatus;
  findings: Finding[];
  /** Rectification item ids, one per finding, once published. */
  itemIds: string[];
  plannedBy: ActorRef;
  plannedAt: Date;
  publishedAt: Date | null;
  version: number;
}

const inspectionSchema = new Schema<InspectionRecord>(
  {
    _id: { type: String, required: true },
    status: { type: String, required: true },
    plannedAt: { type: Date, required: true },
    version: { type: Number, required: true },
  },
  { collection: 'inspections', versionKey: false, strict: false },
);
// Serves: the inspectors' and the office's list of inspections, newest first.
inspectionSchema.index({ plannedAt: -1, _id: -1 });

export function inspectionModel(connection: Connection): Model<InspectionRecord> {
  return (connection.models.Inspection as Model<InspectionRecord>) ?? connection.model<InspectionRecord>('Inspection', inspectionSchema);
}

export class InspectionRepository {
  private readonly model: Model<InspectionRecord>;
  constructor(connection: Connection) {
    this.model = inspectionModel(connection);
  }

  async insert(record: InspectionRecord): Promise<void> {
    await this.model.create(record);
  }

  findById(id: string): Promise<InspectionRecord | null> {
    return this.model.findById(id).lean<InspectionRecord>().exec();
  }

  list(limit: number): Promise<InspectionRecord[]> {
    return this.model.find({}).sort({ plannedAt: -1, _id: -1 }).limit(limit).lean<InspectionRecord[]>().exec();
  }

  /** Publication: once, whatever the version (a retried activity finds it published and changes nothing). */
  async markPublished(id: string, itemIds: string[], publishedAt: Date): Promise<void> {
    await this.model
      .updateOne({ _id: id, status: trusted({ $ne: 'published' }) }, { $set: { status: 'published', itemIds, publishedAt }, $inc: { version: 1 } })
      .exec();
  }

  /** Optimistic write: applies `set` only if the record is still at `version`; false when another write came first. */
  async replace(id: string, version: number, set: Partial<InspectionRecord>): Promise<boolean> {
    const result = await this.model.updateOne({ _id: id, version }, { $set: { ...set, version: version + 1 } }).exec();
    return result.modifiedCount === 1;
  }
}

/** One drawn item of a look-back and what the check found. */
export interface LookBackEntry {
  itemId: string;
  unitId: string;
  title: string;
  outcome: LookBackOutcome;
  note: string | null;
  evidenceAttachmentIds: string[];
  checkedBy: ActorRef | null;
  checkedAt: Date | null;
}

/** 回头看: the filters, ratio and seed of one draw, and the drawn items (the inspector's queue). */
export interface LookBackRecord {
  _id: string;
  filters: { source: Source | null; unitId: string | null; category: Category | null; closedFrom: string | null; closedTo: string | null };
  ratio: number;
  seed: string;
  strata: { unitId: string; population: number; drawn: string[] }[];
  entries: LookBackEntry[];
  inspectorId: string;
  startedBy: ActorRef;
  startedAt: Date;
  version: number;
}

const lookBackSchema = new Schema<LookBackRecord>(
  {
    _id: { type: String, required: true },
    inspectorId: { type: String, required: true },
    startedAt: { type: Date, required: true },
    version: { type: Number, required: true },
  },
  { collection: 'lookbacks', versionKey: false, strict: false },
);
// Serves: the list of look-backs, newest first, and an inspector's queue.
lookBackSchema.index({ inspectorId: 1, startedAt: -1, _id: -1 });
lookBackSchema.index({ startedAt: -1, _id: -1 });

export function lookBackModel(connection: Connection): Model<LookBackRecord> {
  return (connection.models.LookBack as Model<LookBackRecord>) ?? connection.model<LookBackRecord>('LookBack', lookBackSchema);
}

export class LookBackRepository {
  private readonly model: Model<LookBackRecord>;
  constructor(connection: Connection) {
    this.model = lookBackModel(connection);
  }

  async insert(record: LookBackRecord): Promise<void> {
    try {
      await this.model.create(record);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  findById(id: string): Promise<LookBackRecord | null> {
    return this.model.findById(id).lean<LookBackRecord>().exec();
  }

  list(query: { inspectorId?: string; limit: number }): Promise<LookBackRecord[]> {
    const filter: Record<string, unknown> = query.inspectorId ? { inspectorId: query.inspectorId } : {};
    return this.model.find(filter).sort({ startedAt: -1, _id: -1 }).limit(query.limit).lean<LookBackRecord[]>().exec();
  }

  async replace(id: string, version: number, entries: LookBackEntry[]): Promise<boolean> {
    const result = await this.model.updateOne({ _id: id, version }, { $set: { entries, version: version + 1 } }).exec();
    return result.modifiedCount === 1;
  }
}

export type { FindingEvidence };

export interface LookBackFilters {
  readonly source: string | null;
  readonly unitId: string | null;
  readonly category: string | null;
  /** Instants (ISO), inclusive. */
  readonly closedFrom: string | null;
  readonly closedTo: string | null;
}

/**
 * Closed items matching a look-back's filters, read through the driver: the read model's schema declares only
 * the fields its own queries use (strictQuery), and every value here comes from a validated DTO as a plain string.
 */
export function closedItemsForLookBack(connection: Connection, filters: LookBackFilters): Promise<{ _id: string; leadUnitId: string; title: string }[]> {
  const query: Record<string, unknown> = { status: 'closed' };
  if (filters.source) query.source = String(filters.source);
  if (filters.category) query.category = String(filters.category);
  if (filters.unitId) query.unitScope = String(filters.unitId);
  const closed: Record<string, string> = {};
  if (filters.closedFrom) closed.$gte = String(filters.closedFrom);
  if (filters.closedTo) closed.$lte = String(filters.closedTo);
  if (Object.keys(closed).length > 0) query.closedAt = closed;
  return rectificationModel(connection)
    .collection.find<{ _id: string; leadUnitId: string; title: string }>(query as never, { projection: { leadUnitId: 1, title: 1 } })
    .toArray();
}

/** A look-back's result as the item's read model keeps it (`lookBackFailures` feeds the unit evaluation). */
export interface LookBackMark {
  readonly at: string;
  readonly lookBackId: string;
  readonly note: string;
}

type MarkedItem = { timeline?: { seq: number }[]; lookBackFailures?: LookBackFailureMark[] };

/** A pass sets `lookBackVerified` on the item's read-model record (the same pass again changes nothing). */
export async function markLookBackPassed(connection: Connection, itemId: string, mark: LookBackMark): Promise<void> {
  const entry = { at: String(mark.at), lookBackId: String(mark.lookBackId), note: String(mark.note) };
  await rectificationModel(connection).collection.updateOne({ _id: String(itemId) } as never, { $set: { lookBackVerified: entry } });
}

/**
 * Marks a failure (整改不到位) on the item's read-model record, once per look-back: a retried check finds the
 * mark of its first attempt and adds none. Written before the item is reopened, so the reopened run carries the
 * field in its state and later projections keep it. Answers the mark kept (null when the item does not exist).
 */
export async function markLookBackFailure(connection: Connection, itemId: string, mark: LookBackMark): Promise<LookBackFailureMark | null> {
  const items = rectificationModel(connection).collection;
  const id = String(itemId);
  const lookBackId = String(mark.lookBackId);
  const read = () => items.findOne<MarkedItem>({ _id: id } as never, { projection: { 'timeline.seq': 1, lookBackFailures: 1 } });
  const before = await read();
  if (!before) return null;
  const existing = before.lookBackFailures?.find((m) => m.lookBackId === lookBackId);
  if (existing) return existing;
  const entry: LookBackFailureMark = { at: String(mark.at), lookBackId, note: String(mark.note), afterSeq: lastTimelineSeq(before.timeline ?? []) };
  // Conditional on no mark of this look-back, so two attempts at once still leave one.
  await items.updateOne({ _id: id, 'lookBackFailures.lookBackId': { $ne: lookBackId } } as never, { $push: { lookBackFailures: entry } } as never);
  return (await read())?.lookBackFailures?.find((m) => m.lookBackId === lookBackId) ?? null;
}

/**
 * Removes a look-back's failure mark again (its reopening was refused): the mark as stored, pulled as a whole
 * document (FerretDB pulls by equality, not by a condition on the element's fields).
 */
export async function unmarkLookBackFailure(connection: Connection, itemId: string, mark: LookBackFailureMark): Promise<void> {
  await rectificationModel(connection).collection.updateOne({ _id: String(itemId) } as never, { $pull: { lookBackFailures: mark } } as never);
}
