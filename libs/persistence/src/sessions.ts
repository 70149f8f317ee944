import { Schema, type Connection, type Model } from 'mongoose';

/**
 * A login session: the server-side half of a token pair. Access tokens name their session; each
 * request checks it, so logout, a password change or disabling the user ends access at once.
 */
export interface SessionRecord {
  _id: string;
  userId: string;
  /** sha256 of the current refresh token; refreshing replaces it (rotation). */
  refreshHash: string;
  createdAt: Date;
  lastSeenAt: Date;
  /** Absolute end, however active the session is. */
  expiresAt: Date;
  revokedAt: Date | null;
  revokedReason: string | null;
  ip: string | null;
  userAgent: string | null;
}

const sessionSchema = new Schema<SessionRecord>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    refreshHash: { type: String, required: true },
    createdAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
    revokedReason: { type: String, default: null },
    ip: { type: String, default: null },
    userAgent: { type: String, default: null },
  },
  { collection: 'sessions', versionKey: false },
);
// Serves: ending every session of a user (password change, disable).
sessionSchema.index({ userId: 1, revokedAt: 1 });

export function sessionModel(connection: Connection): Model<SessionRecord> {
  return (connection.models.Session as Model<SessionRecord>) ?? connection.model<SessionRecord>('Session', sessionSchema);
}

export class SessionRepository {
  private readonly sessions: Model<SessionRecord>;
  constructor(connection: Connection) {
    this.sessions = sessionModel(connection);
  }

  async create(session: SessionRecord): Promise<void> {
    await this.sessions.create(session);
  }

  findById(id: string): Promise<SessionRecord | null> {
    return this.sessions.findById(id).lean<SessionRecord>().exec();
  }

  /** Replaces the refresh token hash only if it is still `expected`: a reused old token loses the race and is detected. */
  async rotate(id: string, expected: string, next: string, at: Date): Promise<boolean> {
    const result = await this.sessions.updateOne({ _id: id, refreshHash: expected, revokedAt: null }, { $set: { refreshHash: next, lastSeenAt: at } }).exec();
    return result.modifiedCount === 1;
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.sessions.updateOne({ _id: id }, { $set: { lastSeenAt: at } }).exec();
  }

  async revoke(id: string, at: Date, reason: string): Promise<void> {
    await this.sessions.updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: at, revokedReason: reason } }).exec();
  }

  async revokeAllForUser(userId: string, at: Date, reason: string): Promise<number> {
    const result = await this.sessions.updateMany({ userId, revokedAt: null }, { $set: { revokedAt: at, revokedReason: reason } }).exec();
    return result.modifiedCount;
  }
}

