import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import {
  FINAL_ASSIGNMENT_STATUSES,
  RUNNING_ASSIGNMENT_STATUSES,
  awaitsEscalationHandling,
  isAssignmentLagging,
  type AssignmentState,
  type AssignmentStatus,
  type Light,
} from '@duban/domain';
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
  },
  { collection: 'assignments', versionKey: false, strict: false },
);
// Serves: a unit's open assignments by due date, keyset-paged.
assignmentSchema.index({ unitScope: 1, status: 1, due: 1, _id: 1 });
// Serves: a person's parts (分解到人).
assignmentSchema.index({ partAssignees: 1, status: 1, due: 1, _id: 1 });
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
  readonly after?: { readonly due: Date; readonly id: string };
}

const { trusted } = mongoose;

export class AssignmentReadModel {
  private readonly items: Model<AssignmentRecord>;
  constructor(connection: Connection) {
    this.items = assignmentModel(connection);
  }

  /** Stores `state` unless the same or a later version is there already. */
  async project(state: AssignmentState, unitScope: string[]): Promise<void> {
    await projectVersioned(this.items, state.id, state.version, this.recordOf(state, unitScope));
  }

  /** Many states at once (bulk loads: `npm run bench`'s county seed): the records `project` writes, inserted together. */
  async projectMany(entries: readonly { state: AssignmentState; unitScope: string[] }[]): Promise<void> {
    await projectVersionedMany(this.items, entries.map(({ state, unitScope }) => ({ id: state.id, version: state.version, record: this.recordOf(state, unitScope) })));
  }

  private recordOf(state: AssignmentState, unitScope: string[]): Omit<AssignmentRecord, '_id'> {
    const due = new Date(state.dueAt);
    return {
      ...state,
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
  }

  findById(id: string): Promise<AssignmentRecord | null> {
    return this.items.findById(id).lean<AssignmentRecord>().exec();
  }

  async find(query: AssignmentQuery): Promise<AssignmentRecord[]> {
    const statuses = (query.statuses ?? RUNNING_ASSIGNMENT_STATUSES).filter((s) => !query.light || RUNNING_ASSIGNMENT_STATUSES.includes(s));
    const filter: Record<string, unknown> = { status: trusted({ $in: statuses }) };
    if (query.unitId !== undefined) filter.unitScope = query.unitId;
    if (query.assigneeUserId !== undefined) filter.partAssignees = query.assigneeUserId;
    if (query.listId !== undefined) filter.listId = query.listId;
    Object.assign(filter, lightFilter(query.light, query.now));
    if (query.after) {
      filter.$or = [{ due: trusted({ $gt: query.after.due }) }, { due: query.after.due, _id: trusted({ $gt: query.after.id }) }];
    }
    return this.items.find(filter).sort({ due: 1, _id: 1 }).limit(query.limit).lean<AssignmentRecord[]>().exec();
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

function lightFilter(light: Light | undefined, now: Date): Record<string, unknown> {
  switch (light) {
    case undefined:
      return {};
    case 'red':
      return { redFrom: trusted({ $lte: now }) };
    case 'yellow':
      return { redFrom: trusted({ $gt: now }), laggingNow: true };
    case 'blue':
      return { redFrom: trusted({ $gt: now }), laggingNow: false, blueFrom: trusted({ $lte: now }) };
    case 'green':
      return { laggingNow: false, redFrom: trusted({ $gt: now }), blueFrom: trusted({ $gt: now }) };
  }
}
