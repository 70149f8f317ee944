export { createApiApp } from './app.js';
export { createApiLogger } from './observability/logger.js';
export type { ApiDependencies } from './infrastructure/infrastructure.module.js';
export { systemClock, type Clock } from './infrastructure/tokens.js';
export { loadOrg, parseOrgFile, type OrgFile } from './org/org-file.js';
export { bootstrapAdmin } from './org/bootstrap.js';
export { resolveJwtSecret } from './auth/jwt-secret.js';
export { totpCode } from './auth/totp.js';
export { DashboardBuilder, type DashboardView } from './report/dashboard.js';
