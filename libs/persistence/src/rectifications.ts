import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { OPEN_STATUSES, RUNNING_STATUSES, isLagging, type CountedItem, type Light, type LookBackFailureMark, type RectificationState, type Status } from '@duban/domain';
import { RectificationCounts } from './rectification-counts.js';
import { projectVersioned, projectVersionedMany } from './versioned-projection.js';

/** The read model of one item: its latest projected state plus fields that make queries indexable. */
export interface RectificationRecord extends RectificationState {
  _id: string;
  /** Every unit that may see the item: the lead and co-units, the verifier, and all their ancestors. */
  unitScope: string[];
  due: Date;
  /** When the light turns blue; with `due` and `lagging` it lets the database filter by light. */
  blueFrom: Date;
  /** Yellow: a missed progress report or too many returns. */
  lagging: boolean;
  escalationLevel: 0 | 1 | 2;
  /** Escalated and waiting for the office's (level 1) or the leader's (level 2) action: the escalation queue. */
  escalationOpen: boolean;
  projectedAt: Date;
  /** 回头看未通过 (整改不到位), one per look-back: written by the look-back, not by the item's process (whose projections keep it). */
  lookBackFailures?: LookBackFailureMark[];
  /** What the counts read model counted the item as, and its JSON (rectification-counts.ts). */
  counted?: CountedItem;
  countedKey?: string;
}

const rectificationSchema = new Schema<RectificationRecord>(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true },
    status: { type: String, required: true },
    unitScope: { type: [String], required: true },
    leadUnitId: { type: String, required: true },
    due: { type: Date, required: true },
    blueFrom: { type: Date, required: true },
    lagging: { type: Boolean, required: true },
    escalationLevel: { type: Number, required: true },
    escalationOpen: { type: Boolean, required: true },
    // Declared so the inbox may filter on `registeredBy.userId` (strictQuery); kept as the state has it.
    registeredBy: { type: Schema.Types.Mixed },
    // Declared so a campaign's items can be found by `campaign.id` (strictQuery).
    campaign: { id: String, subActionId: String, checkId: String },
  },
  { collection: 'rectifications', versionKey: false, strict: false },
);
// Serves: the inbox — open items a unit (or one above it) may see, ordered by due date, keyset-paged.
rectificationSchema.index({ unitScope: 1, status: 1, due: 1, _id: 1 });
// Serves: a campaign's items (progress, summary).
rectificationSchema.index({ 'campaign.id': 1, _id: 1 });
// Serves: the office's all-units views ordered by due date.
rectificationSchema.index({ status: 1, due: 1, _id: 1 });
// Serves: the inbox's 我发起的 — items a user registered, ordered by due date.
rectificationSchema.index({ 'registeredBy.userId': 1, status: 1, due: 1, _id: 1 });
// Serves: the escalation queue — items waiting for the office (level 1) or the leader (level 2), longest waiting first.
rectificationSchema.index({ escalationOpen: 1, escalationLevel: 1, 'escalation.since': 1, _id: 1 });

export function rectificationModel(connection: Connection): Model<RectificationRecord> {
  return (
    (connection.models.Rectification as Model<RectificationRecord>) ??
    connection.model<RectificationRecord>('Rectification', rectificationSchema)
  );
}

export interface InboxQuery {
  /** Limit to items this unit may see; absent for roles that see every unit. */
  readonly unitId?: string;
  readonly statuses?: readonly Status[];
  readonly light?: Light;
  /** Only items this user registered (我发起的). */
  readonly registeredBy?: string;
  readonly now: Date;
  readonly limit: number;
  readonly after?: { readonly due: Date; readonly id: string };
}

const { trusted } = mongoose;

export class RectificationReadModel {
  private readonly items: Model<RectificationRecord>;
  constructor(connection: Connection) {
    this.items = rectificationModel(connection);
  }

  /**
   * Stores `state` unless a record of the same or a later version is there already, so a retried
   * or reordered projection never goes backwards or duplicates.
   */
  async project(state: RectificationState, unitScope: string[]): Promise<void> {
    await projectVersioned(this.items, state.id, state.version, this.recordOf(state, unitScope));
    // After the item, whichever version is stored now: a retry after a crash between the two still counts it.
    await RectificationCounts.of(this.items.db).reconcile(state.id);
  }

  /** Many states at once (bulk loads: `npm run bench`'s county seed): the records `project` writes, inserted together. */
  async projectMany(entries: readonly { state: RectificationState; unitScope: string[] }[]): Promise<void> {
    await projectVersionedMany(this.items, entries.map(({ state, unitScope }) => ({ id: state.id, version: state.version, record: this.recordOf(state, unitScope) })));
    const counts = RectificationCounts.of(this.items.db);
    for (const { state } of entries) await counts.reconcile(state.id);
  }

  private recordOf(state: RectificationState, unitScope: string[]): Omit<RectificationRecord, '_id'> {
    const due = new Date(state.dueAt);
    return {
      ...state,
      unitScope,
      due,
      blueFrom: state.schedule.blueAt ? new Date(state.schedule.blueAt) : due,
      lagging: isLagging(state),
      escalationLevel: state.escalation.level,
      escalationOpen: state.escalation.level > 0 && state.escalation.handled === null && RUNNING_STATUSES.includes(state.status),
      projectedAt: new Date(),
    };
  }

  findById(id: string): Promise<RectificationRecord | null> {
    return this.items.findById(id).lean<RectificationRecord>().exec();
  }

  /** Every item a campaign found (its progress and summary). */
  ofCampaign(campaignId: string): Promise<RectificationRecord[]> {
    return this.items.find({ 'campaign.id': campaignId }).sort({ _id: 1 }).lean<RectificationRecord[]>().exec();
  }

  /** A campaign's items one at a time in registration order, without their timelines (the campaign ledger). */
  streamOfCampaign(campaignId: string): AsyncIterable<RectificationRecord> {
    return this.items
      .find({ 'campaign.id': campaignId }, { timeline: 0, fired: 0 })
      .sort({ registeredAt: 1, _id: 1 })
      .lean<RectificationRecord[]>()
      .cursor({ batchSize: 500 }) as unknown as AsyncIterable<RectificationRecord>;
  }

  /** How many running items show each light now (the open-items gauge of the metrics). */
  async countRunningByLight(now: Date): Promise<Record<Light, number>> {
    const lights: Light[] = ['green', 'blue', 'yellow', 'red'];
    const counts = await Promise.all(
      lights.map((light) => this.items.countDocuments({ status: trusted({ $in: RUNNING_STATUSES }), ...lightFilter(light, now) }).exec()),
    );
    return Object.fromEntries(lights.map((light, i) => [light, counts[i]!])) as Record<Light, number>;
  }

  async inbox(query: InboxQuery): Promise<RectificationRecord[]> {
    // A light exists only while the deadline runs (not for deferred items).
    const statuses = (query.statuses ?? OPEN_STATUSES).filter((s) => !query.light || RUNNING_STATUSES.includes(s));
    // One status as plain equality, the same match for MongoDB: FerretDB v1 on PostgreSQL pushes equality into
    // SQL but not `$in` (npm run bench, BENCH_DATABASE=ferretdb-postgres).
    const filter: Record<string, unknown> = { status: statuses.length === 1 ? statuses[0] : trusted({ $in: statuses }) };
    if (query.unitId !== undefined) filter.unitScope = query.unitId;
    if (query.registeredBy !== undefined) filter['registeredBy.userId'] = query.registeredBy;
    Object.assign(filter, lightFilter(query.light, query.now));
    if (query.after) {
      filter.$or = [
        { due: trusted({ $gt: query.after.due }) },
        { due: query.after.due, _id: trusted({ $gt: query.after.id }) },
      ];
    }
    return this.items
      .find(filter)
      .sort({ due: 1, _id: 1 })
      .limit(query.limit)
      .lean<RectificationRecord[]>()
      .exec();
  }
}

function lightFilter(light: Light | undefined, now: Date): Record<string, unknown> {
  switch (light) {
    case undefined:
      return {};
    case 'red':
      return { due: trusted({ $lt: now }) };
    case 'yellow':
      return { due: trusted({ $gte: now }), lagging: true };
    case 'blue':
      return { due: trusted({ $gte: now }), lagging: false, blueFrom: trusted({ $lte: now }) };
    case 'green':
      return { lagging: false, blueFrom: trusted({ $gt: now }) };
  }
}

export interface EscalationQuery {
  readonly level: 1 | 2;
  readonly unitId?: string;
  readonly limit: number;
  readonly after?: { readonly since: string; readonly id: string };
}

export class EscalationQueue {
  private readonly items: Model<RectificationRecord>;
  constructor(connection: Connection) {
    this.items = rectificationModel(connection);
  }

  /** Items escalated to `level` that still wait for an action, longest waiting first. */
  list(query: EscalationQuery): Promise<RectificationRecord[]> {
    const filter: Record<string, unknown> = { escalationOpen: true, escalationLevel: query.level };
    if (query.unitId !== undefined) filter.unitScope = query.unitId;
    if (query.after) {
      filter.$or = [
        { 'escalation.since': trusted({ $gt: query.after.since }) },
        { 'escalation.since': query.after.since, _id: trusted({ $gt: query.after.id }) },
      ];
    }
    return this.items.find(filter).sort({ 'escalation.since': 1, _id: 1 }).limit(query.limit).lean<RectificationRecord[]>().exec();
  }
}
