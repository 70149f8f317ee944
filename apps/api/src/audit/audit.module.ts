import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditLog } from './audit-log.service.js';
import { AuditController } from './audit.controller.js';
import { AuditInterceptor } from './audit.interceptor.js';

/**
 * The audit trail (等保 2.0 安全审计): `AuditLog` for any module to record with, the interceptor that records
 * every state-changing request, and the auditor's read-only routes. The request id and the refusals answered
 * before any handler come from `auditRequests`, the app's first middleware (app.ts).
 */
@Global()
@Module({
  controllers: [AuditController],
  providers: [AuditLog, { provide: APP_INTERCEPTOR, useClass: AuditInterceptor }],
  exports: [AuditLog],
})
export class AuditModule {}
