import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import {
  FINAL_ASSIGNMENT_STATUSES,
  RUNNING_ASSIGNMENT_STATUSES,
  awaitsEscalationHandling,
  assignmentLight,
  isAssignmentLagging,
  shanghaiDate,
  type AssignmentState,
  type AssignmentStatus,
  type Light,
} from '@duban/domain';
import { BLUE_LEAD_DAYS, EVERY_UNIT, ListDirectory, backfillOnce, bucketKey, dayAfter, dueDayOf, mergedPage, walkList, type ListPosition, type ListShape } from './due-day-lists.js';
import { projectVersioned, projectVersionedMany } from './versioned-projection.js';

/** The read model of one assignment, with fields that make the inbox and the month close simple indexed queries. */
export interface AssignmentRecord extends AssignmentState {
  _id: string;
  /** The lead unit and its ancestors: who may see it. */
  unitScope: string[];
  /** Users with a part of it (分解到人): it shows in their own inbox. */
  partAssignees: string[];
  due: Date;
  blueFrom: Date;
  /** Red from this instant: past due, or at once when a milestone passed unmet. */
  redFrom: Date;
  laggingNow: boolean;
  escalationLevel: 0 | 1 | 2;
  /** Escalated and waiting for the office (level 1) or the leader (level 2): the escalation queue. */
  escalationOpen: boolean;
  projectedAt: Date;
  /** The list buckets the assignment is in (`assignmentLists`, due-day-lists.ts): one pushed equality per page step. */
  listKeys: string[];
}

const assignmentSchema = new Schema<AssignmentRecord>(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true },
    listId: { type: String, required: true },
    status: { type: String, required: true },
    leadUnitId: { type: String, required: true },
    unitScope: { type: [String], required: true },
    partAssignees: { type: [String], required: true },
    due: { type: Date, required: true },
    blueFrom: { type: Date, required: true },
    redFrom: { type: Date, required: true },
    laggingNow: { type: Boolean, required: true },
    escalationLevel: { type: Number, required: true },
    escalationOpen: { type: Boolean, required: true },
    escalation: { type: Schema.Types.Mixed, required: true },
    listKeys: { type: [String] },
  },
  { collection: 'assignments', versionKey: false, strict: false },
);
// Serves: the assignment list (a unit's, a person's parts 分解到人, a list's, every unit's; status and light filters).
assignmentSchema.index({ listKeys: 1 });
// Serves: the escalation queue, longest waiting first.
assignmentSchema.index({ escalationOpen: 1, escalationLevel: 1, 'escalation.since': 1, _id: 1 });
// Serves: a list's assignments (month-end close, results, circulars).
assignmentSchema.index({ listId: 1, status: 1, _id: 1 });

export function assignmentModel(connection: Connection): Model<AssignmentRecord> {
  return (connection.models.Assignment as Model<AssignmentRecord>) ?? connection.model<AssignmentRecord>('Assignment', assignmentSchema);
}

export interface AssignmentQuery {
  readonly unitId?: string;
  /** Only those with a part for this user. */
  readonly assigneeUserId?: string;
  readonly listId?: string;
  readonly statuses?: readonly AssignmentStatus[];
  readonly light?: Light;
  readonly now: Date;
  readonly limit: number;
  /** The position of the last row of the previous page. */
  readonly after?: ListPosition;
}

const { trusted } = mongoose;

export class AssignmentReadModel {
  private readonly items: Model<AssignmentRecord>;
  private readonly directory: ListDirectory;
  constructor(connection: Connection) {
    this.items = assignmentModel(connection);
    this.directory = new ListDirectory(connection, ASSIGNMENT_SHAPE_OF_LISTS);
  }

  /** Stores `state` unless the same or a later version is there already; then its list markers (as items'). */
  async project(state: AssignmentState, unitScope: string[]): Promise<void> {
    const { _id, ...record } = assignmentRecord(state, unitScope);
    // The markers after the record (a reader prunes a marker only after finding its bucket empty), and on a retry of
    // the same version too, so a projection that failed between the two writes leaves no record off its lists.
    if (await projectVersioned(this.items, _id, state.version, record)) await this.directory.mark(assignmentLists(record), dueDayOf(record.due), _id);
  }

  /** Many states at once (bulk loads: `npm run bench`'s county seed): the records and markers `project` writes, together. */
  async projectMany(entries: readonly { state: AssignmentState; unitScope: string[] }[]): Promise<void> {
    const records = entries.map(({ state, unitScope }) => assignmentRecord(state, unitScope));
    await projectVersionedMany(this.items, records.map(({ _id, ...record }) => ({ id: _id, version: record.version, record })));
    await this.directory.markMany(records.map((record) => ({ lists: assignmentLists(record), day: dueDayOf(record.due), id: record._id })));
  }

  /** Inserts records built by `assignmentRecord` as they are (a seed of many at once), with their list markers. */
  async insertProjected(records: readonly AssignmentRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.items.collection.insertMany(records as never[], { ordered: false });
    await this.directory.markMany(records.map((record) => ({ lists: assignmentLists(record), day: dueDayOf(record.due), id: record._id })));
  }

  /** Gives stored assignments that lack them their `listKeys` and markers, once per store (see items' backfill). */
  async backfillListKeys(): Promise<number> {
    return backfillOnce(this.items, this.directory, LIST_SHAPE, (record) => ({ listKeys: listKeysOf(record) }), (record) => assignmentLists(record));
  }

  findById(id: string): Promise<AssignmentRecord | null> {
    return this.items.findById(id).lean<AssignmentRecord>().exec();
  }

  /**
   * A page of assignments in list order (due day, spread, id), after `query.after`: one walk per status class
   * (red adds the running assignments that missed a milestone and are due later), merged; a bucket per find.
   */
  async find(query: AssignmentQuery): Promise<AssignmentRecord[]> {
    const statuses = query.statuses?.filter((s) => !query.light || RUNNING_ASSIGNMENT_STATUSES.includes(s));
    if (statuses?.length === 0) return [];
    const extra: Record<string, unknown> = {};
    let scope: string;
    if (query.assigneeUserId !== undefined) scope = `part:${query.assigneeUserId}`;
    else if (query.unitId !== undefined) scope = query.unitId;
    else if (query.listId !== undefined) scope = `list:${query.listId}`;
    else scope = EVERY_UNIT;
    if (query.listId !== undefined && !scope.startsWith('list:')) extra.listId = query.listId;
    const wanted = statuses ?? RUNNING_ASSIGNMENT_STATUSES;
    const classes = sameSet(wanted, RUNNING_ASSIGNMENT_STATUSES) ? ['running'] : [...new Set(wanted)];
    const today = shanghaiDate(query.now);
    const wantedLight = query.light;
    const accept = wantedLight ? (row: AssignmentRecord) => assignmentLight(row, query.now) === wantedLight : undefined;
    const walk = (list: string, days: { fromDay?: string; toDay?: string }, more: Record<string, unknown> = {}) => {
      const filter = { ...extra, ...more };
      return walkList<AssignmentRecord>(this.directory, {
        list,
        fetch: (key) => this.items.find({ listKeys: key, ...filter }).lean<AssignmentRecord[]>().exec(),
        exact: Object.keys(filter).length === 0,
        ...(query.after ? { after: query.after } : {}),
        ...days,
        ...(accept ? { accept } : {}),
      });
    };
    const walks = classes.map((c) => {
      const list = `${scope}|${c}`;
      switch (wantedLight) {
        case undefined:
          return walk(list, {});
        case 'red':
          return walk(list, { toDay: today });
        case 'yellow':
          return walk(list, { fromDay: today }, { laggingNow: true });
        case 'blue':
          return walk(list, { fromDay: today, toDay: dayAfter(today, BLUE_LEAD_DAYS) }, { laggingNow: false });
        case 'green':
          return walk(list, { fromDay: today }, { laggingNow: false });
      }
    });
    // Red from the start: a milestone passed unmet, whatever the due day (those due by today are in the walks above).
    if (wantedLight === 'red') {
      const missed = walk(`${scope}|missed`, { fromDay: dayAfter(today, 1) });
      walks.push(classes[0] === 'running' ? missed : onlyStatuses(missed, wanted));
    }
    return mergedPage(walks, query.limit);
  }

  /** Ids of a list's assignments still open, up to `limit`. */
  async openIds(listId: string, limit: number): Promise<string[]> {
    const rows = await this.items
      .find({ listId, status: trusted({ $in: [...RUNNING_ASSIGNMENT_STATUSES] }) }, { _id: 1 })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<{ _id: string }[]>()
      .exec();
    return rows.map((row) => row._id);
  }

  /** Every assignment of a list (lean, outcome fields), for results and circulars. */
  ofList(listId: string): Promise<AssignmentRecord[]> {
    return this.items.find({ listId }).sort({ _id: 1 }).lean<AssignmentRecord[]>().exec();
  }

  /** A list's assignments one at a time (exports of any size in bounded memory). */
  streamOfList(listId: string): AsyncIterable<AssignmentRecord> {
    return this.items.find({ listId }).sort({ _id: 1 }).lean<AssignmentRecord[]>().cursor();
  }

  /** Assignments escalated to `level` that still wait for an action, longest waiting first. */
  escalated(query: { readonly level: 1 | 2; readonly limit: number; readonly after?: { readonly since: string; readonly id: string } }): Promise<AssignmentRecord[]> {
    const filter: Record<string, unknown> = { escalationOpen: true, escalationLevel: query.level };
    if (query.after) {
      filter.$or = [
        { 'escalation.since': trusted({ $gt: query.after.since }) },
        { 'escalation.since': query.after.since, _id: trusted({ $gt: query.after.id }) },
      ];
    }
    return this.items.find(filter).sort({ 'escalation.since': 1, _id: 1 }).limit(query.limit).lean<AssignmentRecord[]>().exec();
  }

  countOfList(listId: string): Promise<number> {
    return this.items.countDocuments({ listId }).exec();
  }

  countFinal(listId: string): Promise<number> {
    return this.items.countDocuments({ listId, status: trusted({ $in: [...FINAL_ASSIGNMENT_STATUSES] }) }).exec();
  }
}

async function* onlyStatuses(rows: AsyncGenerator<AssignmentRecord>, statuses: readonly AssignmentStatus[]): AsyncGenerator<AssignmentRecord> {
  for await (const row of rows) if (statuses.includes(row.status)) yield row;
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && b.every((s) => a.includes(s));

/**
 * A task list's assignments are all due on the same day: every unit's and a list's days are split over 256 buckets
 * (15,000 assignments of a county's month → about 60 each), a unit's over 16, a person's parts not at all.
 */
const ASSIGNMENT_SHAPE_OF_LISTS: ListShape = {
  namespace: 'assignments',
  spreadDigits: (list) => (list.startsWith(`${EVERY_UNIT}|`) || list.startsWith('list:') ? 2 : list.startsWith('part:') ? 0 : 1),
};

/**
 * The lists an assignment is in: per unit of its scope, every unit, each part's person and its task list — by its
 * status, `running` while it runs, and `missed` while it runs with a milestone missed (red whatever the due day).
 */
export function assignmentLists(record: Pick<AssignmentRecord, 'unitScope' | 'partAssignees' | 'listId' | 'status' | 'missedMilestone'>): string[] {
  const running = RUNNING_ASSIGNMENT_STATUSES.includes(record.status);
  const classes: string[] = [record.status];
  if (running) classes.push('running');
  if (running && record.missedMilestone) classes.push('missed');
  const scopes = new Set([...record.unitScope, EVERY_UNIT, ...record.partAssignees.map((user) => `part:${user}`), `list:${record.listId}`]);
  return [...scopes].flatMap((scope) => classes.map((c) => `${scope}|${c}`));
}

function listKeysOf(record: Pick<AssignmentRecord, '_id' | 'unitScope' | 'partAssignees' | 'listId' | 'status' | 'missedMilestone' | 'due'>): string[] {
  const day = dueDayOf(record.due);
  return assignmentLists(record).map((list) => bucketKey(ASSIGNMENT_SHAPE_OF_LISTS, list, day, record._id));
}

/** The read-model record of `state` as `project` stores it. */
export function assignmentRecord(state: AssignmentState, unitScope: string[]): AssignmentRecord {
  const due = new Date(state.dueAt);
  const record = {
    ...state,
    _id: state.id,
    unitScope,
    partAssignees: [...new Set(state.parts.map((part) => part.assigneeUserId))],
    due,
    blueFrom: state.schedule.blueAt ? new Date(state.schedule.blueAt) : due,
    redFrom: state.missedMilestone ? new Date(0) : new Date(due.getTime() + 1),
    laggingNow: isAssignmentLagging(state),
    escalationLevel: state.escalation.level,
    escalationOpen: awaitsEscalationHandling(state, RUNNING_ASSIGNMENT_STATUSES.includes(state.status)),
    projectedAt: new Date(),
  };
  return { ...record, listKeys: listKeysOf(record) };
}

const LIST_SHAPE = { id: 'shape:assignments', version: 1 };
