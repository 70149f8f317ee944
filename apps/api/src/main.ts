import { readConfig } from '@duban/config';
import { TASK_QUEUE } from '@duban/contracts';
import { openDatabase, reshapeReadModel, slowCommandLog, syncIndexes } from '@duban/persistence';
import { connectTemporalClient } from '@duban/temporal';
import { createApiApp } from './app.js';
import { createApiLogger } from './observability/logger.js';
import { resolveJwtSecret } from './auth/jwt-secret.js';
import { systemClock } from './infrastructure/tokens.js';
import { bootstrapAdmin } from './org/bootstrap.js';
import { loadOrgFileIfGiven } from './org/load-on-start.js';

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createApiLogger();
  const database = await openDatabase({ url: config.mongoUrl, ...slowCommandLog(config.slowQueryMs, logger) });
  await syncIndexes(database);
  // Documents stored before the present read-model shape get its keys, once, before anything reads them.
  await reshapeReadModel(database);
  const temporal = await connectTemporalClient({ address: config.temporalAddress, namespace: config.temporalNamespace });

  const generated = await bootstrapAdmin(database, config.adminPassword);
  if (generated) process.stdout.write(`\n[api] 首次启动：系统管理员 admin 的初始密码为 ${generated}（只显示这一次）\n\n`);
  await loadOrgFileIfGiven(database, process.env.DUBAN_ORG_FILE);

  const app = await createApiApp({
    database,
    temporal,
    jwtSecret: await resolveJwtSecret(database, config.jwtSecret),
    settings: { temporalNamespace: config.temporalNamespace, taskQueue: TASK_QUEUE, webOrigin: config.webOrigin, webhookAllowList: config.webhookAllowList },
    clock: systemClock,
  }, logger);
  await app.listen(config.port, process.env.HOST ?? '127.0.0.1');
  process.stdout.write(`[api] listening on http://127.0.0.1:${config.port}/api (docs: /api/docs)\n`);

  // Graceful stop: the server stops accepting, requests in flight finish (server.close waits for them), then the
  // connections close. A second signal, or 25 s, ends the process at once.
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stderr.write(`[api] ${signal}: finishing requests in flight, then stopping\n`);
    setTimeout(() => process.exit(1), 25_000).unref();
    await app.close();
    await temporal.connection.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error('[api] failed:', error);
  process.exit(1);
});
