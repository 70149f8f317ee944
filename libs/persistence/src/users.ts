import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { ROLES, type Role } from '@duban/domain';
import { isDuplicateKey } from './settings.js';

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
  /** Tokens issued before this instant are no longer accepted (set on disable and password reset). */
  sessionsRevokedAt: Date | null;
}

/** A user as written by org-file loads: sessionsRevokedAt is kept from the stored user when left out. */
export type UserUpsert = Omit<UserRecord, 'sessionsRevokedAt'> & Partial<Pick<UserRecord, 'sessionsRevokedAt'>>;

/** The sysadmin's user list (GET /api/users): by username, keyset-paged. */
export interface UserListQuery {
  readonly unitId?: string;
  readonly role?: Role;
  /** Part of the name or the username, matched literally and (for Latin letters) ignoring case. */
  readonly text?: string;
  readonly limit: number;
  /** The username of the last row of the previous page. */
  readonly afterUsername?: string;
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
    sessionsRevokedAt: { type: Date, default: null },
  },
  { collection: 'users', versionKey: false },
);
// Serves: login by username; the user list without filters, by username (GET /api/users).
userSchema.index({ username: 1 }, { unique: true });
// Serves: users of a unit (notifications to the handler and the unit leader); the user list of a unit (GET /api/users?unitId=).
userSchema.index({ unitId: 1, username: 1 });
// Serves: users holding a role in any unit (notifications to the office and the leaders); the user list by role (GET /api/users?role=).
userSchema.index({ roles: 1, username: 1 });

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

  /** Creates the user, or replaces the one with the same username (org file reloads); a reload does not undo a revocation. */
  async upsertByUsername(user: UserUpsert): Promise<void> {
    const existing = await this.findByUsername(user.username);
    const sessionsRevokedAt = user.sessionsRevokedAt ?? existing?.sessionsRevokedAt ?? null;
    await this.users
      .replaceOne({ _id: existing?._id ?? user._id }, { ...user, _id: existing?._id ?? user._id, sessionsRevokedAt }, { upsert: true })
      .exec();
  }

  /** Creates a new user; false when the username is taken (the unique index decides, so concurrent creates cannot both win). */
  async insert(user: UserRecord): Promise<boolean> {
    try {
      await this.users.create(user);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** A page of users by username, optionally of one unit or holding one role. */
  list(query: UserListQuery): Promise<UserRecord[]> {
    const filter: Record<string, unknown> = {};
    if (query.unitId !== undefined) filter.unitId = query.unitId;
    if (query.role !== undefined) filter.roles = query.role;
    if (query.text !== undefined) {
      const pattern = () => mongoose.trusted({ $regex: escapeRegExp(query.text!), $options: 'i' });
      filter.$or = [{ username: pattern() }, { name: pattern() }];
    }
    if (query.afterUsername !== undefined) filter.username = mongoose.trusted({ $gt: query.afterUsername });
    return this.users.find(filter).sort({ username: 1 }).limit(query.limit).lean<UserRecord[]>().exec();
  }

  /** Changes profile fields; the user after the change, or null when there is no such user. */
  update(id: string, changes: Partial<Pick<UserRecord, 'name' | 'unitId' | 'roles'>>): Promise<UserRecord | null> {
    return this.users.findOneAndUpdate({ _id: id }, { $set: changes }, { returnDocument: 'after' }).lean<UserRecord>().exec();
  }

  setDisabled(id: string, disabled: boolean): Promise<UserRecord | null> {
    return this.users.findOneAndUpdate({ _id: id }, { $set: { disabled } }, { returnDocument: 'after' }).lean<UserRecord>().exec();
  }

  setPasswordHash(id: string, passwordHash: string, mustChangePassword: boolean): Promise<UserRecord | null> {
    return this.users.findOneAndUpdate({ _id: id }, { $set: { passwordHash, mustChangePassword } }, { returnDocument: 'after' }).lean<UserRecord>().exec();
  }

  /** Ends every session the user has: tokens issued before `at` are refused from now on. */
  async revokeSessions(userId: string, at: Date): Promise<void> {
    await this.users.updateOne({ _id: userId }, { $set: { sessionsRevokedAt: at } }).exec();
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
