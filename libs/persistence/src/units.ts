import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { UNIT_KINDS, type UnitKind } from '@duban/domain';
import { isDuplicateKey } from './settings.js';

export interface UnitRecord {
  _id: string;
  name: string;
  kind: UnitKind;
  parentId: string | null;
  /** Ids from the root down to this unit, itself included. */
  path: string[];
}

const unitSchema = new Schema<UnitRecord>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    kind: { type: String, enum: UNIT_KINDS, required: true },
    parentId: { type: String, default: null },
    path: { type: [String], required: true },
  },
  { collection: 'units', versionKey: false },
);
// Serves: children of a unit (org tree), units of a kind below a unit (targets like "every township").
unitSchema.index({ path: 1, kind: 1 });

export function unitModel(connection: Connection): Model<UnitRecord> {
  return (connection.models.Unit as Model<UnitRecord>) ?? connection.model<UnitRecord>('Unit', unitSchema);
}

export class UnitRepository {
  private readonly units: Model<UnitRecord>;
  constructor(connection: Connection) {
    this.units = unitModel(connection);
  }

  findById(id: string): Promise<UnitRecord | null> {
    return this.units.findById(id).lean<UnitRecord>().exec();
  }

  async findMany(ids: readonly string[]): Promise<UnitRecord[]> {
    if (ids.length === 0) return [];
    return this.units.find({ _id: mongoose.trusted({ $in: [...ids] }) }).lean<UnitRecord[]>().exec();
  }

  /** Units of a kind, e.g. the office (领导小组办公室); the unit table is small, no index needed. */
  listByKind(kind: UnitKind): Promise<UnitRecord[]> {
    return this.units.find({ kind }).sort({ _id: 1 }).lean<UnitRecord[]>().exec();
  }

  list(): Promise<UnitRecord[]> {
    return this.units.find().sort({ _id: 1 }).lean<UnitRecord[]>().exec();
  }

  async upsert(unit: UnitRecord): Promise<void> {
    await this.units.replaceOne({ _id: unit._id }, unit, { upsert: true }).exec();
  }

  /** Creates a new unit; false when the id is taken. */
  async insert(unit: UnitRecord): Promise<boolean> {
    try {
      await this.units.create(unit);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** The unit after renaming it, or null when there is no such unit. */
  rename(id: string, name: string): Promise<UnitRecord | null> {
    return this.units.findOneAndUpdate({ _id: id }, { $set: { name } }, { returnDocument: 'after' }).lean<UnitRecord>().exec();
  }
}
