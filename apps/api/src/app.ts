import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { auditRequests } from './audit/audit-context.js';
import { AuditLog } from './audit/audit-log.service.js';
import { ErrorFilter } from './common/error.filter.js';
import { securityHeaders } from './common/security-headers.js';
import { documentErrors } from './common/openapi-errors.js';
import { createValidationPipe } from './common/validation.js';
import { BodylessRouteInterceptor, ScreenParamsPipe, screenRequestInput } from './common/screen-input.js';
import type { ApiDependencies } from './infrastructure/infrastructure.module.js';
import { serveWeb } from './web/serve-web.js';
import { IdempotencyInterceptor } from './common/idempotency.interceptor.js';
import { DATABASE } from './infrastructure/tokens.js';
import { createApiLogger, NestPinoLogger, requestLogger } from './observability/logger.js';
import type { Logger } from 'pino';
import { ApiMetrics } from './observability/metrics.js';
import { IdempotencyRepository } from '@duban/persistence';
import type { Connection } from 'mongoose';

export const API_PREFIX = 'api';

/** Builds the HTTP API on connections the caller owns; the caller listens and closes. Logs with `logger` if given. */
export async function createApiApp(deps: ApiDependencies, logger: Logger = createApiLogger()): Promise<NestExpressApplication> {
  const metrics = new ApiMetrics();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(deps), {
    logger: new NestPinoLogger(logger),
    bodyParser: false,
    // Throw on a wiring error instead of exiting the process: the caller (main, a test) decides.
    abortOnError: false,
  });
  app.use(securityHeaders(`/${API_PREFIX}/docs`)); // first, so every answer carries them (body-parser errors included)
  app.use(auditRequests(app.get(AuditLog))); // before the body parser: request id, and refusals answered before any handler
  app.use(requestLogger(logger)); // after auditRequests: logs carry its request id
  app.use(metrics.middleware());
  // Prometheus scrape endpoint: plain Express, so it is neither in the OpenAPI document nor behind the auth guard.
  app.use(`/${API_PREFIX}/metrics`, metrics.handler());
  app.useBodyParser('json', { limit: '1mb' });
  app.use(screenRequestInput()); // right after parsing: malformed bodies and query strings never reach a route
  serveWeb(app, API_PREFIX); // the web workbench at `/` (apps/web/dist), when built
  app.setGlobalPrefix(API_PREFIX);
  app.useGlobalPipes(new ScreenParamsPipe(), createValidationPipe());
  app.useGlobalFilters(new ErrorFilter());
  app.useGlobalInterceptors(new BodylessRouteInterceptor(), new IdempotencyInterceptor(new IdempotencyRepository(app.get<Connection>(DATABASE)), () => deps.clock.now()));
  app.disable('x-powered-by');
  // A list, not a string: cors then answers Access-Control-Allow-Origin only to that origin (a string is sent to everyone).
  if (deps.settings.webOrigin) app.enableCors({ origin: [deps.settings.webOrigin], exposedHeaders: ['X-Request-Id'] });
  // No enableShutdownHooks(): the host (main.ts) owns SIGTERM/SIGINT and closes the app, then its connections.
  SwaggerModule.setup(`${API_PREFIX}/docs`, app, () => openApiDocument(app), {
    jsonDocumentUrl: `${API_PREFIX}/openapi.json`,
    customSiteTitle: '督办 Duban API',
  });
  return app;
}

function openApiDocument(app: NestExpressApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('督办 Duban API')
    .setDescription('整改督办：整改问题、重点工作清单、专项行动、暗访督导的接口。错误统一为 { error: { code, message, details } }。')
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  return documentErrors(SwaggerModule.createDocument(app, config));
}
