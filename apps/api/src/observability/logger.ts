import type { LoggerService } from '@nestjs/common';
import type { Request, RequestHandler } from 'express';
import { pino, type DestinationStream, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { requestIdOf } from '../audit/audit-context.js';

/** `LOG_LEVEL` (pino levels: fatal … trace, silent); `info` by default, `silent` inside the test runner. */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.LOG_LEVEL || (env.VITEST ? 'silent' : 'info');
}

/** The API's structured JSON log, one line per event: on stdout, or on the given stream (a test reads it). */
export function createApiLogger(level = logLevelFromEnv(), destination?: DestinationStream): Logger {
  const options = { name: 'api', level, base: { service: 'duban-api', pid: process.pid } };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * One line per answered request with the request id the audit middleware gave it (echoed in X-Request-Id),
 * the route pattern, status and duration. Placed after `auditRequests`, which assigns the id.
 */
export function requestLogger(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (request) => requestIdOf(request as Request) ?? 'unknown',
    customLogLevel: (_request, response, error) => (error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info'),
    serializers: {
      req: (request: { id: unknown; method: string; url: string }) => ({ id: request.id, method: request.method, url: request.url.split('?')[0] }),
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
    },
    customProps: (request) => ({ requestId: requestIdOf(request as Request) }),
  }) as RequestHandler;
}

/** NestJS's own messages (start-up, unhandled errors) into the same JSON log. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
