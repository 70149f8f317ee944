import { HttpStatus, RequestMethod, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import type { Actor } from '@duban/domain';
import type { IdempotencyRepository } from '@duban/persistence';
import type { Request } from 'express';
import { createHash } from 'node:crypto';
import { catchError, from, mergeMap, throwError, type Observable } from 'rxjs';
import { ApiError } from './api-error.js';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** How long a key is remembered: long enough for any client's retries. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
const SANE_KEY = /^[\x21-\x7e]{1,255}$/;
const GUARDED_METHODS = new Set(['POST', 'PUT']);

/**
 * `Idempotency-Key` on POST and PUT: the first request with a key (per user) runs and its answer is stored;
 * the same request again gets that answer replayed — status and body — without running again; the same key
 * with another request is refused (422); while the first still runs, a second gets 409. A failed first request
 * frees the key. Requests without the header are not touched.
 */
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const key = request.headers['idempotency-key'];
    // Multipart uploads are left out: their files are read by the route's own interceptor, after this one, so
    // their content could not be part of the fingerprint.
    if (key === undefined || !GUARDED_METHODS.has(request.method) || !request.actor || request.is('multipart/form-data')) return next.handle();
    if (typeof key !== 'string' || !SANE_KEY.test(key)) {
      throw refusal(HttpStatus.BAD_REQUEST, 'invalid_input', `${IDEMPOTENCY_HEADER}: 须为 1–255 个可见 ASCII 字符`);
    }
    const id = `${request.actor.userId}:${key}`;
    const status = successStatus(context, request);
    return from(this.keys.claim(id, fingerprintOf(request), this.now(), IDEMPOTENCY_TTL_MS)).pipe(
      mergeMap((claim) => {
        if (!claim.claimed) return from([replay(claim.existing, fingerprintOf(request))]);
        return next.handle().pipe(
          mergeMap(async (body: unknown) => {
            await this.keys.complete(id, status, body);
            return body;
          }),
          catchError((error: unknown) =>
            from(this.keys.release(id).catch(() => undefined)).pipe(mergeMap(() => throwError(() => error))),
          ),
        );
      }),
    );
  }
}

function replay(existing: { fingerprint: string; state: string; body: string | null }, fingerprint: string): unknown {
  if (existing.fingerprint !== fingerprint) {
    throw refusal(HttpStatus.UNPROCESSABLE_ENTITY, 'idempotency_key_reused', `${IDEMPOTENCY_HEADER}: 该键已用于另一个不同的请求，请换一个键`);
  }
  if (existing.state !== 'done') {
    throw refusal(HttpStatus.CONFLICT, 'idempotency_key_in_progress', `${IDEMPOTENCY_HEADER}: 使用该键的请求仍在处理中，请稍后重试`);
  }
  // The route answers with the same status as the first time (its declared success status).
  return existing.body === null ? undefined : JSON.parse(existing.body);
}

function refusal(status: HttpStatus, code: string, message: string): ApiError {
  return new ApiError(status, code, message, { fields: [{ field: IDEMPOTENCY_HEADER, problems: [message] }] });
}

/** What makes two requests "the same": method, route pattern, path parameters and body. */
function fingerprintOf(request: Request): string {
  const route = (request as { route?: { path?: unknown } }).route?.path;
  const canonical = JSON.stringify(sortedKeys([request.method, `${request.baseUrl}${String(route)}`, request.params, request.body ?? null]));
  return createHash('sha256').update(canonical).digest('hex');
}

function successStatus(context: ExecutionContext, request: Request): number {
  const declared = Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined;
  return declared ?? (request.method === RequestMethod[RequestMethod.POST] ? 201 : 200);
}

/** The same JSON whatever the order of its object keys. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, sortedKeys(v)]),
  );
}
