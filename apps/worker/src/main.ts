import { Client } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { TASK_QUEUE } from '@duban/contracts';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { readConfig, readWorkerConfig } from '@duban/config';
import { backfillListKeys, openDatabase, slowCommandLog, syncIndexes } from '@duban/persistence';
import { bundleWorkflows } from './bundle.js';
import { crashAfterWrites, injectedCrashesFromEnv } from './fault-injection.js';
import { createWorkerLogger, temporalLogger } from './logger.js';
import { WorkerMetrics } from './metrics.js';
import { createDubanWorker } from './worker.js';
import { runWithHeartbeat } from './heartbeat.js';
import { ensureMonthlyTaskListSchedule } from './monthly-schedule.js';

async function main(): Promise<void> {
  const config = readConfig();
  const workerConfig = readWorkerConfig();
  const logger = createWorkerLogger();
  // Temporal's runtime exports its worker metrics on an internal loopback port; /metrics passes them through.
  const metricsPort = workerConfig.metricsPort;
  const temporalExporterPort = metricsPort > 0 ? await freeLoopbackPort() : undefined;
  Runtime.install({
    logger: temporalLogger(logger),
    ...(temporalExporterPort ? { telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${temporalExporterPort}` } } } } : {}),
  });
  const database = await openDatabase({ url: config.mongoUrl, ...slowCommandLog(config.slowQueryMs, logger) });
  await syncIndexes(database);
  // Records projected before the list buckets existed: keyed once, beside the running projections (idempotent).
  void backfillListKeys(database).then(
    (changed) => logger.info(changed, 'list keys backfilled'),
    (error: unknown) => logger.error({ err: error }, 'list key backfill failed'),
  );
  const temporal = await NativeConnection.connect({ address: config.temporalAddress });
  // DUBAN_WORKFLOW_BUNDLE: a bundle built ahead of time (bundleWorkflowCode), instead of bundling at every start.
  const prebuilt = process.env.DUBAN_WORKFLOW_BUNDLE;
  const workflowBundle = prebuilt ? { code: readFileSync(prebuilt, 'utf8') } : await bundleWorkflows({ fromSource: false });
  const crashes = injectedCrashesFromEnv();
  const worker = await createDubanWorker({
    temporal,
    namespace: config.temporalNamespace,
    database,
    workflowBundle,
    maxCachedWorkflows: workerConfig.maxCachedWorkflows,
    webhookAllowList: config.webhookAllowList,
    ...(crashes > 0 ? { activityInterceptors: [crashAfterWrites(crashes)] } : {}),
  });
  if (crashes > 0) logger.warn({ crashes }, 'fault injection: activities crash after their writes');
  // The worker owns the monthly task-list Schedule (1st of the month, 09:00 Shanghai): created or updated at every start.
  const schedule = await ensureMonthlyTaskListSchedule(new Client({ connection: temporal, namespace: config.temporalNamespace }), TASK_QUEUE);
  logger.info({ scheduleId: schedule.scheduleId }, 'monthly task-list schedule in place');
  const metrics = temporalExporterPort ? await new WorkerMetrics(database, `http://127.0.0.1:${temporalExporterPort}/metrics`).listen(metricsPort, workerConfig.metricsHost) : undefined;
  logger.info({ temporalAddress: config.temporalAddress, metricsPort: metrics?.port }, 'worker polling');
  // Worker.run installs SIGINT/SIGTERM handlers: polling stops, activities in flight get the grace time
  // (worker.ts) to finish, workflow tasks complete; then it resolves. Meanwhile its heartbeat feeds /api/health.
  await runWithHeartbeat(worker, database);
  logger.info('worker stopped');
  metrics?.server.close();
  await temporal.close();
  await database.close();
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

main().catch((error: unknown) => {
  console.error('[worker] failed:', error);
  process.exit(1);
});
