import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Actor } from '@duban/domain';
import { AuditLogRepository, type AuditRecord } from '@duban/persistence';
import { CLOCK, DATABASE, type Clock } from '../infrastructure/tokens.js';
import type { AuditRequestContext } from './audit-context.js';

/** One event for the audit trail (等保 2.0 安全审计): who, what, on what, with which outcome. Never request bodies. */
export interface AuditEntryInput {
  /** e.g. 'auth.login', 'POST /api/rectifications/:id/sign'. */
  action: string;
  result: 'success' | 'failure' | 'refused';
  /** HTTP status answered. */
  status?: number;
  actor?: Actor | null;
  /** The user name typed at login (also when no such user exists). */
  username?: string;
  /** What was acted on, e.g. the item id. */
  target?: string;
  ip?: string;
  requestId?: string;
  /** Small, non-sensitive facts (an error code, a reason); never passwords, tokens or household data. */
  details?: Record<string, unknown>;
}

/**
 * Writes the append-only, hash-chained audit trail. `record` resolves once the entry is stored, so a caller that
 * awaits it before answering never loses an entry. A failure to write is logged as an error and rethrown.
 */
@Injectable()
export class AuditLog {
  private readonly logger = new Logger('AuditLog');
  /** The one repository of this process: appends are queued through it, verification knows its newest seq. */
  readonly entries: AuditLogRepository;

  constructor(@Inject(DATABASE) database: Connection, @Inject(CLOCK) clock: Clock) {
    this.entries = new AuditLogRepository(database, () => clock.now());
  }

  /** The request being handled, if any (set by AuditInterceptor around the handler). */
  private readonly scope = new AsyncLocalStorage<AuditRequestContext>();

  /**
   * Records an event. Called while a request is handled (e.g. from the auth service), it marks that request as
   * recorded by its handler, so no generic entry is added for it, and fills in the request id if not given.
   */
  async record(entry: AuditEntryInput): Promise<void> {
    const request = this.scope.getStore();
    if (request) request.recordedByHandler = true;
    await this.append(request && entry.requestId === undefined ? { ...entry, requestId: request.requestId } : entry);
  }

  /** Runs `handle` (the route handler) with `request` as the scope `record` sees. */
  withinRequest<T>(request: AuditRequestContext, handle: () => T): T {
    return this.scope.run(request, handle);
  }

  /** Stores the entry and returns it (seq and hash); does not mark the current request. */
  async append(entry: AuditEntryInput): Promise<AuditRecord> {
    try {
      return await this.entries.append(entry);
    } catch (error) {
      this.logger.error(`审计记录写入失败（audit append failed）: ${entry.action} ${entry.result} — ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  }
}
