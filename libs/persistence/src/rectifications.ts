import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { OPEN_STATUSES, RUNNING_STATUSES, STATUSES, isLagging, light as lightNow, shanghaiDate, type CountedItem, type Light, type LookBackFailureMark, type RectificationState, type Status } from '@duban/domain';
import { BLUE_LEAD_DAYS, EVERY_UNIT, ListDirectory, backfillOnce, bucketKey, dayAfter, dueDayOf, mergedPage, walkList, type ListPosition, type ListShape } from './due-day-lists.js';
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
  /** The inbox buckets the item is in (`inboxLists`, due-day-lists.ts): one pushed equality per page step. */
  inboxKeys: string[];
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
    inboxKeys: { type: [String] },
    // Kept as the state has it (its `userId` also keys the inbox list 我发起的).
    registeredBy: { type: Schema.Types.Mixed },
    // Declared so a campaign's items can be found by `campaign.id` (strictQuery).
    campaign: { id: String, subActionId: String, checkId: String },
  },
  { collection: 'rectifications', versionKey: false, strict: false },
);
// Serves: the inbox (every kind of user, 我发起的, status and light filters) — one bucket per find.
rectificationSchema.index({ inboxKeys: 1 });
// Serves: the ledger and the dashboard of a unit's items.
rectificationSchema.index({ unitScope: 1, status: 1, due: 1, _id: 1 });
// Serves: a campaign's items (progress, summary).
rectificationSchema.index({ 'campaign.id': 1, _id: 1 });
// Serves: the office's all-units counts.
rectificationSchema.index({ status: 1, due: 1, _id: 1 });
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
  /** The position of the last row of the previous page. */
  readonly after?: ListPosition;
}

const { trusted } = mongoose;

export class RectificationReadModel {
  private readonly items: Model<RectificationRecord>;
  private readonly directory: ListDirectory;
  constructor(connection: Connection) {
    this.items = rectificationModel(connection);
    this.directory = new ListDirectory(connection, INBOX_SHAPE_OF_LISTS);
  }

  /**
   * Stores `state` unless a record of the same or a later version is there already, so a retried
   * or reordered projection never goes backwards or duplicates.
   */
  async project(state: RectificationState, unitScope: string[]): Promise<void> {
    const { _id, ...record } = rectificationRecord(state, unitScope);
    // The markers after the record (a reader prunes a marker only after finding its bucket empty), and on a retry of
    // the same version too, so a projection that failed between the two writes leaves no record off its lists.
    if (await projectVersioned(this.items, _id, state.version, record)) await this.directory.mark(inboxLists(record), dueDayOf(record.due), _id);
    // After the item, whichever version is stored now: a retry after a crash between the two still counts it.
    await RectificationCounts.of(this.items.db).reconcile(state.id);
  }

  /** Many states at once (bulk loads: `npm run bench`'s county seed): the records, markers and counts `project` writes. */
  async projectMany(entries: readonly { state: RectificationState; unitScope: string[] }[]): Promise<void> {
    const records = entries.map(({ state, unitScope }) => rectificationRecord(state, unitScope));
    await projectVersionedMany(this.items, records.map(({ _id, ...record }) => ({ id: _id, version: record.version, record })));
    await this.directory.markMany(records.map((record) => ({ lists: inboxLists(record), day: dueDayOf(record.due), id: record._id })));
    const counts = RectificationCounts.of(this.items.db);
    for (const record of records) await counts.reconcile(record._id);
  }

  /**
   * Inserts records built by `rectificationRecord` as they are, with their inbox directory markers but no counts
   * (the inbox and export benchmarks' seed: `RectificationCounts.rebuild()` counts them when needed).
   */
  async insertProjected(records: readonly RectificationRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.items.collection.insertMany(records as never[], { ordered: false });
    await this.directory.markMany(records.map((record) => ({ lists: inboxLists(record), day: dueDayOf(record.due), id: record._id })));
  }

  /**
   * Gives stored items that lack them (projected before the inbox buckets existed) their `inboxKeys` and markers:
   * idempotent, once per store (a marker records it is done). Answers how many items it changed.
   */
  async backfillInboxKeys(): Promise<number> {
    return backfillOnce(this.items, this.directory, INBOX_SHAPE, (record) => ({ inboxKeys: inboxKeysOf(record) }), (record) => inboxLists(record));
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

  /**
   * A page of the inbox in list order (due day, then spread and id: due-day-lists.ts), after `query.after`: one
   * walk per status class, merged. Every find is one bucket (`inboxKeys`), plus pushed equalities where a walk needs
   * them (`lagging` for the light, `unitScope` and `status` for 我发起的); the light of the moment is checked per row.
   */
  async inbox(query: InboxQuery): Promise<RectificationRecord[]> {
    const statuses = query.statuses?.filter((s) => !query.light || RUNNING_STATUSES.includes(s));
    if (statuses?.length === 0) return [];
    const today = shanghaiDate(query.now);
    const days = lightDays(query.light, today);
    const extra: Record<string, unknown> = { ...days.extra };
    let lists: string[];
    let accept: ((row: RectificationRecord) => boolean) | undefined;
    if (query.registeredBy !== undefined) {
      lists = [`me:${query.registeredBy}|all`];
      if (query.unitId !== undefined) extra.unitScope = query.unitId;
      const wanted = statuses ?? OPEN_STATUSES;
      if (wanted.length === 1) extra.status = wanted[0];
      else if (wanted.length < STATUSES.length) accept = (row) => wanted.includes(row.status);
    } else {
      const scope = query.unitId ?? EVERY_UNIT;
      const classes = statusClasses(statuses);
      if (query.light === 'yellow' && classes.length === 1 && classes[0] === 'open') {
        lists = [`${scope}|lagging`];
        delete extra.lagging;
      } else lists = classes.map((c) => `${scope}|${c}`);
    }
    const wantedLight = query.light;
    const check = wantedLight ? (row: RectificationRecord) => lightNow(row, query.now) === wantedLight && (accept?.(row) ?? true) : accept;
    const exact = Object.keys(extra).length === 0;
    const walks = lists.map((list) =>
      walkList<RectificationRecord>(this.directory, {
        list,
        fetch: (key) => this.items.find({ inboxKeys: key, ...extra }).lean<RectificationRecord[]>().exec(),
        exact,
        ...(query.after ? { after: query.after } : {}),
        ...(days.fromDay ? { fromDay: days.fromDay } : {}),
        ...(days.toDay ? { toDay: days.toDay } : {}),
        ...(check ? { accept: check } : {}),
      }),
    );
    return mergedPage(walks, query.limit);
  }
}

/**
 * Lists of a unit scope by status class: one per status, `open` for all open ones — also for all running ones (a light
 * filter): the deferred items among them have no light and fail the per-row check.
 */
function statusClasses(statuses: readonly Status[] | undefined): string[] {
  const wanted = statuses ?? OPEN_STATUSES;
  if (sameSet(wanted, RUNNING_STATUSES) || sameSet(wanted, OPEN_STATUSES)) return ['open'];
  return [...new Set(wanted)];
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && b.every((s) => a.includes(s));

/** Only the lists of every unit (the office's) are dense enough to split a day in 16 buckets; not the rare yellow ones. */
const INBOX_SHAPE_OF_LISTS: ListShape = {
  namespace: 'rectifications',
  spreadDigits: (list) => (list.startsWith(`${EVERY_UNIT}|`) && !list.endsWith('|lagging') ? 1 : 0),
};

/** The inbox lists an item is in: per unit of its scope and every unit, its status, `open`, `lagging` while yellow may show; its registrar's. */
export function inboxLists(record: Pick<RectificationRecord, 'unitScope' | 'status' | 'registeredBy' | 'lagging'>): string[] {
  const classes: string[] = [record.status];
  if (OPEN_STATUSES.includes(record.status)) classes.push('open');
  // Yellow is rare (a missed report, returns): its own list, or a yellow page would read most of the open one.
  if (RUNNING_STATUSES.includes(record.status) && record.lagging) classes.push('lagging');
  const lists = [...new Set([...record.unitScope, EVERY_UNIT])].flatMap((scope) => classes.map((c) => `${scope}|${c}`));
  if (record.registeredBy?.userId) lists.push(`me:${record.registeredBy.userId}|all`);
  return lists;
}

function inboxKeysOf(record: Pick<RectificationRecord, '_id' | 'unitScope' | 'status' | 'registeredBy' | 'lagging' | 'due'>): string[] {
  const day = dueDayOf(record.due);
  return inboxLists(record).map((list) => bucketKey(INBOX_SHAPE_OF_LISTS, list, day, record._id));
}

/** The read-model record of `state` as `project` stores it (without `_id`, which is `state.id`). */
export function rectificationRecord(state: RectificationState, unitScope: string[]): RectificationRecord {
  const due = new Date(state.dueAt);
  const record = {
    ...state,
    _id: state.id,
    unitScope,
    due,
    blueFrom: state.schedule.blueAt ? new Date(state.schedule.blueAt) : due,
    lagging: isLagging(state),
    escalationLevel: state.escalation.level,
    escalationOpen: state.escalation.level > 0 && state.escalation.handled === null && RUNNING_STATUSES.includes(state.status),
    projectedAt: new Date(),
  };
  return { ...record, inboxKeys: inboxKeysOf(record) };
}

/**
 * The due days a light can be found on, and what a bucket read adds: red is due before now (today or earlier),
 * the others are due from now on; yellow is lagging; blue comes on at most BLUE_LEAD_DAYS before the due day.
 */
function lightDays(wanted: Light | undefined, today: string): { fromDay?: string; toDay?: string; extra: Record<string, unknown> } {
  switch (wanted) {
    case undefined:
      return { extra: {} };
    case 'red':
      return { toDay: today, extra: {} };
    case 'yellow':
      return { fromDay: today, extra: { lagging: true } };
    case 'blue':
      return { fromDay: today, toDay: dayAfter(today, BLUE_LEAD_DAYS), extra: { lagging: false } };
    case 'green':
      return { fromDay: today, extra: { lagging: false } };
  }
}

/** The version of the inbox key shape; a store whose marker is older has its items' keys backfilled at start. */
const INBOX_SHAPE = { id: 'shape:rectifications', version: 2 };

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
