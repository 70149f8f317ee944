import { createHash } from 'node:crypto';

export type AuditResult = 'success' | 'failure' | 'refused';
export const AUDIT_RESULTS: readonly AuditResult[] = ['success', 'failure', 'refused'];

/** Who acted, as known when the entry was written (copied, so later org changes do not rewrite history). */
export interface AuditActorRecord {
  userId: string;
  name: string;
  unitId: string;
  roles: string[];
}

/** One audit entry as stored in `audit_log`. Absent values are stored as null, never left out. */
export interface AuditRecord {
  /** Sequence number: 1, 2, 3 … without gaps; the unique `_id` makes the chain linear. */
  _id: number;
  at: Date;
  requestId: string | null;
  ip: string | null;
  actor: AuditActorRecord | null;
  /** The name typed at login (also for unknown users); null elsewhere. */
  username: string | null;
  action: string;
  target: string | null;
  result: AuditResult;
  status: number | null;
  details: Record<string, unknown> | null;
  /** `hash` of the entry before (`GENESIS_HASH` for entry 1). */
  prevHash: string;
  /** sha256 (hex) of `canonicalAuditJson(entry)`. */
  hash: string;
}

/** prevHash of entry 1. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The exact text that is hashed: every field except `hash`, in this fixed order, with absent values as null,
 * the instant as ISO-8601 UTC with milliseconds and nested objects (`actor`, `details`) with their keys sorted.
 * Changing this function invalidates every stored chain: never change it, add a versioned one instead.
 */
export function canonicalAuditJson(entry: Omit<AuditRecord, 'hash'>): string {
  // Only the four actor fields count (nested keys are sorted like any object's).
  const actor = entry.actor
    ? { userId: entry.actor.userId, name: entry.actor.name, unitId: entry.actor.unitId, roles: [...entry.actor.roles] }
    : null;
  const ordered: [string, unknown][] = [
    ['seq', entry._id],
    ['at', entry.at instanceof Date ? entry.at.toISOString() : entry.at],
    ['requestId', entry.requestId ?? null],
    ['ip', entry.ip ?? null],
    ['actor', actor],
    ['username', entry.username ?? null],
    ['action', entry.action],
    ['target', entry.target ?? null],
    ['result', entry.result],
    ['status', entry.status ?? null],
    ['details', entry.details ?? null],
    ['prevHash', entry.prevHash],
  ];
  return `{${ordered.map(([key, value]) => `${JSON.stringify(key)}:${canonicalValue(value)}`).join(',')}}`;
}

/** sha256 (lower-case hex) of the canonical serialization. */
export function auditHash(entry: Omit<AuditRecord, 'hash'>): string {
  return createHash('sha256').update(canonicalAuditJson(entry), 'utf8').digest('hex');
}

/** JSON with object keys sorted (code-point order) at every depth; undefined becomes null. */
function canonicalValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalValue).join(',')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalValue((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
