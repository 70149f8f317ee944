import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { ROLES, type Role } from '@duban/domain';

export interface UserRecord {
  _id: string;
  username: string;
  name: string;
  unitId: string;
  roles: Role[];
  passwordHash: string;
  mustChangePassword: boolean;
  disabled: boolean;
  createdAt: Date;
}

const userSchema = new Schema<UserRecord>(
  {
    _id: { type: String, required: true },
    username: { type: String, required: true },
    name: { type: String, required: true },
    unitId: { type: String, required: true },
    roles: { type: [String], enum: ROLES, required: true },
    passwordHash: { type: String, required: true },
    mustChangePassword: { type: Boolean, default: false },
    disabled: { type: Boolean, default: false },
    createdAt: { type: Date, default: () => new Date() },
  },
  { collection: 'users', versionKey: false },
);
// Serves: login by username.
userSchema.index({ username: 1 }, { unique: true });
// Serves: users of a unit (notifications to the handler and the unit leader).
userSchema.index({ unitId: 1 });
// Serves: users holding a role in any unit (notifications to the office and the leaders).
userSchema.index({ roles: 1 });

export function userModel(connection: Connection): Model<UserRecord> {
  return (connection.models.User as Model<UserRecord>) ?? connection.model<UserRecord>('User', userSchema);
}

export class UserRepository {
  private readonly users: Model<UserRecord>;
  constructor(connection: Connection) {
    this.users = userModel(connection);
  }

  findByUsername(username: string): Promise<UserRecord | null> {
    return this.users.findOne({ username }).lean<UserRecord>().exec();
  }

  findById(id: string): Promise<UserRecord | null> {
    return this.users.findById(id).lean<UserRecord>().exec();
  }

  count(): Promise<number> {
    return this.users.countDocuments().exec();
  }

  /** Enabled users of a unit holding one of `roles` (the handlers and the unit leader to notify). */
  listActiveInUnit(unitId: string, roles: readonly Role[]): Promise<UserRecord[]> {
    return this.users
      .find({ unitId, roles: mongoose.trusted({ $in: [...roles] }), disabled: mongoose.trusted({ $ne: true }) })
      .lean<UserRecord[]>()
      .exec();
  }

  /** Enabled users holding one of `roles` in any unit (the office, the leaders). */
  listActiveWithRoles(roles: readonly Role[]): Promise<UserRecord[]> {
    return this.users
      .find({ roles: mongoose.trusted({ $in: [...roles] }), disabled: mongoose.trusted({ $ne: true }) })
      .lean<UserRecord[]>()
      .exec();
  }

  /** Creates the user, or replaces the one with the same username (org file reloads). */
  async upsertByUsername(user: UserRecord): Promise<void> {
    const existing = await this.findByUsername(user.username);
    await this.users.replaceOne({ _id: existing?._id ?? user._id }, { ...user, _id: existing?._id ?? user._id }, { upsert: true }).exec();
  }
}
