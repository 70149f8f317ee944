import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKey } from './settings.js';

/**
 * An administrator's answer for one Shanghai calendar date, ahead of the holiday data package
 * (years it lacks, or a correction): `working: false` is a day off (e.g. 春节), `true` a make-up
 * working day (调休上班).
 */
export interface CalendarOverrideRecord {
  /** The date, YYYY-MM-DD: one override per day. */
  _id: string;
  working: boolean;
  /** zh-CN, e.g. '春节' or '春节调休上班'. */
  name: string;
  /** The user id of who set it last. */
  updatedBy: string;
  updatedAt: Date;
}

const calendarOverrideSchema = new Schema<CalendarOverrideRecord>(
  {
    _id: { type: String, required: true },
    working: { type: Boolean, required: true },
    name: { type: String, required: true },
    updatedBy: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'calendar_overrides', versionKey: false },
);
// Serves: overrides in a date range — a year for the admin list, the years a working-day shift spans —
// as `_id` between two dates. `_id` is the date and YYYY-MM-DD sorts as it reads, so the built-in
// `_id` index serves this range; no other index is declared.

export function calendarOverrideModel(connection: Connection): Model<CalendarOverrideRecord> {
  return (
    (connection.models.CalendarOverride as Model<CalendarOverrideRecord>) ??
    connection.model<CalendarOverrideRecord>('CalendarOverride', calendarOverrideSchema)
  );
}

export interface CalendarOverrideInput {
  readonly date: string;
  readonly working: boolean;
  readonly name: string;
  readonly updatedBy: string;
}

const { trusted } = mongoose;

export class CalendarOverrideRepository {
  private readonly overrides: Model<CalendarOverrideRecord>;
  constructor(connection: Connection) {
    this.overrides = calendarOverrideModel(connection);
  }

  /** Overrides from `from` to `to` (YYYY-MM-DD, both included), by date. */
  findInRange(from: string, to: string): Promise<CalendarOverrideRecord[]> {
    return this.overrides
      .find({ _id: trusted({ $gte: from, $lte: to }) })
      .sort({ _id: 1 })
      .lean<CalendarOverrideRecord[]>()
      .exec();
  }

  findByDate(date: string): Promise<CalendarOverrideRecord | null> {
    return this.overrides.findById(date).lean<CalendarOverrideRecord>().exec();
  }

  /** Sets the override of a date, replacing any earlier one. */
  async put(input: CalendarOverrideInput, now: Date = new Date()): Promise<CalendarOverrideRecord> {
    const record: CalendarOverrideRecord = {
      _id: input.date,
      working: input.working,
      name: input.name,
      updatedBy: input.updatedBy,
      updatedAt: now,
    };
    try {
      await this.overrides.replaceOne({ _id: input.date }, record, { upsert: true }).exec();
    } catch (error) {
      // Two first writers of the same date: the loser's upsert hit the winner's insert; now it replaces it.
      if (!isDuplicateKey(error)) throw error;
      await this.overrides.replaceOne({ _id: input.date }, record).exec();
    }
    return record;
  }

  /** Removes the override of a date; false when there was none. */
  async remove(date: string): Promise<boolean> {
    const result = await this.overrides.deleteOne({ _id: date }).exec();
    return result.deletedCount > 0;
  }
}
