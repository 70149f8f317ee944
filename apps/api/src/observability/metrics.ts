import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The API's Prometheus metrics: request latency by route pattern, method and status, plus Node's process
 * metrics. Served at `GET /api/metrics` (text exposition format), outside the OpenAPI document.
 */
export class ApiMetrics {
  readonly registry = new Registry();
  private readonly latency = new Histogram({
    name: 'duban_http_request_duration_seconds',
    help: 'Duration of HTTP requests answered by the API, by route pattern, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor() {
    this.registry.setDefaultLabels({ service: 'duban-api' });
    collectDefaultMetrics({ register: this.registry });
  }

  /** Times every request; routes are the registered patterns (`/api/rectifications/:id/sign`), never raw paths. */
  middleware(): RequestHandler {
    return (request: Request, response: Response, next: NextFunction) => {
      const stop = this.latency.startTimer();
      response.on('finish', () => stop({ method: request.method, route: routeOf(request), status: String(response.statusCode) }));
      next();
    };
  }

  handler(): RequestHandler {
    return (_request: Request, response: Response, next: NextFunction) => {
      this.registry
        .metrics()
        .then((text) => response.status(200).type(this.registry.contentType).send(text))
        .catch(next);
    };
  }
}

function routeOf(request: Request): string {
  const path = (request as { route?: { path?: unknown } }).route?.path;
  // Unmatched paths are not labels: one label per probed URL would grow without bound.
  return typeof path === 'string' ? `${request.baseUrl}${path}` : 'unmatched';
}
