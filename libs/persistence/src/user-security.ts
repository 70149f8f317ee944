import { Schema, type Connection, type Model } from 'mongoose';

/** A user's security state, kept apart from the profile: failed logins, lockout, second factor. */
export interface UserSecurityRecord {
  /** The user id. */
  _id: string;
  failedLogins: number;
  lockedUntil: Date | null;
  passwordChangedAt: Date | null;
  /** Base32 TOTP secret once the second factor is enabled. */
  totpSecret: string | null;
  /** Secret offered during enrolment, until the user proves it with a code. */
  totpPendingSecret: string | null;
  /** The last accepted TOTP time step: a code is accepted once (RFC 6238 §5.2). */
  totpLastStep: number | null;
}

const userSecuritySchema = new Schema<UserSecurityRecord>(
  {
    _id: { type: String, required: true },
    failedLogins: { type: Number, default: 0 },
    lockedUntil: { type: Date, default: null },
    passwordChangedAt: { type: Date, default: null },
    totpSecret: { type: String, default: null },
    totpPendingSecret: { type: String, default: null },
    totpLastStep: { type: Number, default: null },
  },
  { collection: 'user_security', versionKey: false },
);

export function userSecurityModel(connection: Connection): Model<UserSecurityRecord> {
  return (connection.models.UserSecurity as Model<UserSecurityRecord>) ?? connection.model<UserSecurityRecord>('UserSecurity', userSecuritySchema);
}

const EMPTY: Omit<UserSecurityRecord, '_id'> = {
  failedLogins: 0,
  lockedUntil: null,
  passwordChangedAt: null,
  totpSecret: null,
  totpPendingSecret: null,
  totpLastStep: null,
};

export class UserSecurityRepository {
  private readonly records: Model<UserSecurityRecord>;
  constructor(connection: Connection) {
    this.records = userSecurityModel(connection);
  }

  /**
   * The user's record with every field present: a record started by a partial upsert (a failed login,
   * a TOTP setup) lacks the fields it never set, and those read as their empty value, not undefined.
   */
  async get(userId: string): Promise<UserSecurityRecord> {
    const stored = await this.records.findById(userId).lean<Partial<UserSecurityRecord>>().exec();
    return { ...EMPTY, ...withoutUndefined(stored ?? {}), _id: userId };
  }

  async update(userId: string, changes: Partial<Omit<UserSecurityRecord, '_id'>>): Promise<void> {
    await this.records.updateOne({ _id: userId }, { $set: changes }, { upsert: true }).exec();
  }

  /** Counts a failed login atomically and returns the new count. */
  async countFailure(userId: string): Promise<number> {
    const record = await this.records
      .findOneAndUpdate({ _id: userId }, { $inc: { failedLogins: 1 } }, { upsert: true, returnDocument: 'after' })
      .lean<UserSecurityRecord>()
      .exec();
    return record?.failedLogins ?? 1;
  }
}

function withoutUndefined<T extends object>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}
