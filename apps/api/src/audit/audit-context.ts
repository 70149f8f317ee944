import { Logger } from '@nestjs/common';
import type { Actor } from '@duban/domain';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { AuditEntryInput, AuditLog } from './audit-log.service.js';

/** What the audit recording knows about one request; hung on the request by `auditRequests`. */
export interface AuditRequestContext {
  readonly requestId: string;
  /** The generic entry for this request is written (or being written): nothing else may write one. */
  recorded: boolean;
  /**
   * The handler wrote entries of its own for this request (`AuditLog.record` called while handling it, e.g. the
   * auth service recording a login with the user name typed): no generic entry then, so nothing is recorded twice.
   */
  recordedByHandler: boolean;
}

export const AUDIT_CONTEXT = Symbol('duban:audit-context');
export const REQUEST_ID_HEADER = 'X-Request-Id';

type AuditedRequest = Request & { [AUDIT_CONTEXT]?: AuditRequestContext; actor?: Actor; requestId?: string };

const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** An incoming X-Request-Id is kept if it is a sane token (≤ 64 of [A-Za-z0-9._-]); otherwise a new uuid. */
export function requestIdFrom(header: unknown): string {
  return typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}

export function auditContextOf(request: Request): AuditRequestContext | undefined {
  return (request as AuditedRequest)[AUDIT_CONTEXT];
}

/** The request id of this request (for logs and for callers of `AuditLog.record`, e.g. the auth service). */
export function requestIdOf(request: Request): string | undefined {
  return auditContextOf(request)?.requestId;
}

/** The route pattern as registered, e.g. `POST /api/rectifications/:id/sign`, if a route (not a catch-all) matched. */
function routePattern(request: Request): string | undefined {
  const path = (request as { route?: { path?: unknown } }).route?.path;
  return typeof path === 'string' && !path.includes('*') ? `${request.baseUrl}${path}` : undefined;
}

/** `METHOD /route/:pattern`; requests no route matched (404, unreadable bodies) keep their path, bounded. */
export function actionOf(request: Request): string {
  return `${request.method} ${routePattern(request) ?? (request.originalUrl ?? request.url).split('?')[0]!.slice(0, 200)}`;
}

/**
 * Which answers get a generic entry: every state-changing request, reads refused with 401 or 403, and reads of a
 * route that answered 404 — how another unit's object is hidden, so a probe of object ids (BOLA) leaves a trace.
 * A 404 no route matched (a scanner's guess at a path) is not recorded for reads.
 */
export function isAudited(request: Request, status: number): boolean {
  return STATE_CHANGING.has(request.method) || status === 401 || status === 403 || (status === 404 && routePattern(request) !== undefined);
}

/** Still to be recorded: audited, and neither recorded generically nor by the handler itself. */
export function awaitsEntry(request: Request, status: number): boolean {
  const context = auditContextOf(request);
  return context !== undefined && !context.recorded && !context.recordedByHandler && isAudited(request, status);
}

export const resultOf = (status: number): AuditEntryInput['result'] => (status >= 500 ? 'failure' : status >= 400 ? 'refused' : 'success');

/** The entry for an answered request: no body is ever recorded, only the route, its ids, the outcome and the error code. */
export function entryFor(request: Request, status: number, errorCode?: string): AuditEntryInput {
  // Route parameters are ids; they come from the URL, so they are bounded like everything else taken from it.
  const params = Object.fromEntries(
    Object.entries((routePattern(request) ? (request.params ?? {}) : {}) as Record<string, unknown>).map(([name, value]) => [name, String(value).slice(0, 200)]),
  );
  const { id, ...otherParams } = params;
  const details: Record<string, unknown> = {};
  if (errorCode) details.code = errorCode;
  if (Object.keys(otherParams).length > 0) details.params = otherParams;
  const context = auditContextOf(request);
  return {
    action: actionOf(request),
    result: resultOf(status),
    status,
    actor: (request as AuditedRequest).actor ?? null,
    ...(typeof id === 'string' ? { target: id } : {}),
    ...(request.ip ? { ip: request.ip } : {}),
    ...(context ? { requestId: context.requestId } : {}),
    ...(Object.keys(details).length > 0 ? { details } : {}),
  };
}

/**
 * First middleware of the app: gives the request its id (echoed in X-Request-Id) and records the answers that
 * never reach a handler — guard refusals (401/403), unknown routes, unreadable bodies. Those answers are written
 * by the error filter with `res.json`; the append is awaited before the answer leaves, as for handled requests
 * (AuditInterceptor), and the recorded status and error code are exactly the ones the client gets.
 */
export function auditRequests(audit: AuditLog): RequestHandler {
  const logger = new Logger('AuditRequests');
  return (request: Request, response: Response, next: NextFunction) => {
    const context: AuditRequestContext = { requestId: requestIdFrom(request.headers['x-request-id']), recorded: false, recordedByHandler: false };
    (request as AuditedRequest)[AUDIT_CONTEXT] = context;
    (request as AuditedRequest).requestId = context.requestId; // read by the auth service (request-origin.ts)
    response.setHeader(REQUEST_ID_HEADER, context.requestId);

    const pending = (status: number) => awaitsEntry(request, status);
    const json = response.json.bind(response);
    response.json = (body?: unknown) => {
      const status = response.statusCode;
      if (!pending(status)) return json(body);
      context.recorded = true;
      const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
      audit
        .append(entryFor(request, status, typeof code === 'string' ? code : undefined))
        .catch(() => undefined) // logged by AuditLog; the answer still goes out
        .then(() => json(body))
        .catch((error: unknown) => logger.error(String(error)));
      return response;
    };
    // Safety net for answers written some other way: recorded after the fact.
    response.on('finish', () => {
      if (!pending(response.statusCode)) return;
      context.recorded = true;
      audit.append(entryFor(request, response.statusCode)).catch((error: unknown) => logger.error(String(error)));
    });
    next();
  };
}
