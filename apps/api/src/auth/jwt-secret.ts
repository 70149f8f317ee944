import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { SettingsRepository } from '@duban/persistence';

/** JWT_SECRET when given; otherwise one generated on first start and kept in the database, shared by all API replicas. */
export function resolveJwtSecret(database: Connection, configured: string | undefined): Promise<string> {
  if (configured) return Promise.resolve(configured);
  return new SettingsRepository(database).getOrCreate('auth.jwtSecret', () => randomBytes(48).toString('base64url'));
}
