import { Inject, Injectable, Logger, RequestMethod, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { mergeMap, Observable } from 'rxjs';
import { auditContextOf, awaitsEntry, entryFor } from './audit-context.js';
import { AuditLog } from './audit-log.service.js';

export const AUDITED_READ = 'duban:audited-read';
/** A read that is recorded like a state change (e.g. the export of the audit trail itself). */
export const AuditedRead = () => SetMetadata(AUDITED_READ, true);

/**
 * Records every successful state-changing request (and reads marked @AuditedRead()) before the answer leaves,
 * unless the handler recorded entries of its own for it (the auth service: logins, refresh, logout, password).
 * Errors are not recorded here: they travel on to the error filter, whose answer `auditRequests` records with the
 * exact status and error code the client receives — the same path as refusals by guards, which never reach an
 * interceptor.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger('AuditInterceptor');

  constructor(
    @Inject(AuditLog) private readonly audit: AuditLog,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request>();
    const status = this.successStatus(context, request);
    const requestContext = auditContextOf(request);
    if (!requestContext) return next.handle();
    const auditedRead = this.reflector.get<boolean | undefined>(AUDITED_READ, context.getHandler()) === true;

    // The handler runs inside the request's scope: entries it records itself replace the generic one.
    const handled = new Observable<unknown>((subscriber) => this.audit.withinRequest(requestContext, () => next.handle().subscribe(subscriber)));
    return handled.pipe(
      mergeMap(async (value: unknown) => {
        if (!(awaitsEntry(request, status) || (auditedRead && !requestContext.recorded))) return value;
        requestContext.recorded = true;
        try {
          await this.audit.append(entryFor(request, status));
        } catch {
          // Logged by AuditLog. The step has happened: answering with an error would tell the caller otherwise.
          this.logger.warn(`未记录审计（not audited）: ${request.method} ${request.originalUrl}`);
        }
        return value;
      }),
    );
  }

  /** The status Nest will answer a successful call with: @HttpCode(), else 201 for POST and 200 otherwise. */
  private successStatus(context: ExecutionContext, request: Request): number {
    const declared = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler());
    if (declared !== undefined) return declared;
    return request.method === RequestMethod[RequestMethod.POST] ? 201 : 200;
  }
}
