import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import {
  DEFAULT_LIGHT_POLICY,
  OPEN_STATUSES,
  type Light,
  type LightPolicy,
  type RectificationState,
  type Status,
} from '@duban/domain';
import { isDuplicateKey } from './settings.js';

/** The read model of one item: its latest projected state plus fields that make queries indexable. */
export interface RectificationRecord extends RectificationState {
  _id: string;
  /** Every unit that may see the item: the lead and co-units and all their ancestors. */
  unitScope: string[];
  due: Date;
  /** When the light turns blue; together with `due` it lets the database filter by light. */
  blueFrom: Date;
  projectedAt: Date;
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
  },
  { collection: 'rectifications', versionKey: false, strict: false },
);
// Serves: the inbox — open items a unit (or one above it) may see, ordered by due date, keyset-paged.
rectificationSchema.index({ unitScope: 1, status: 1, due: 1, _id: 1 });
// Serves: the office's all-units views ordered by due date.
rectificationSchema.index({ status: 1, due: 1, _id: 1 });

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
  async project(state: RectificationState, unitScope: string[], policy: LightPolicy = DEFAULT_LIGHT_POLICY): Promise<void> {
    const due = new Date(state.dueAt);
    const record: Omit<RectificationRecord, '_id'> = {
      ...state,
      unitScope,
      due,
      blueFrom: new Date(due.getTime() - policy.blueBeforeMs),
      projectedAt: new Date(),
    };
    try {
      await this.items
        .updateOne({ _id: state.id, version: trusted({ $lt: state.version }) }, { $set: record }, { upsert: true })
        .exec();
    } catch (error) {
      // The filter missed because the stored version is not older, and the upsert hit the same _id.
      if (!isDuplicateKey(error)) throw error;
    }
  }

  findById(id: string): Promise<RectificationRecord | null> {
    return this.items.findById(id).lean<RectificationRecord>().exec();
  }

  async inbox(query: InboxQuery): Promise<RectificationRecord[]> {
    const filter: Record<string, unknown> = {
      status: trusted({ $in: [...(query.statuses ?? OPEN_STATUSES)] }),
    };
    if (query.unitId !== undefined) filter.unitScope = query.unitId;
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
    case 'blue':
      return { due: trusted({ $gte: now }), blueFrom: trusted({ $lte: now }) };
    case 'green':
      return { blueFrom: trusted({ $gt: now }) };
    case 'yellow':
      // Yellow comes from lagging progress, which arrives with the full lifecycle; nothing is yellow yet.
      return { _id: trusted({ $in: [] }) };
  }
}
