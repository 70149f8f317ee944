import type { Request } from 'express';
import type { RequestOrigin } from './auth.service.js';

/** Where a request came from: source address, client, and the request id the audit trail uses. */
export function originOf(request: Request): RequestOrigin {
  // Set by the audit middleware from a sane X-Request-Id or a new uuid; the raw header is not trusted.
  const requestId = (request as Request & { requestId?: string }).requestId;
  return {
    ip: request.ip ?? null,
    userAgent: request.header('user-agent') ?? null,
    ...(requestId ? { requestId } : {}),
  };
}
