import { NativeConnection } from '@temporalio/worker';
import { readConfig } from '@duban/config';
import { openDatabase, syncIndexes } from '@duban/persistence';
import { bundleWorkflows } from './bundle.js';
import { createDubanWorker } from './worker.js';

async function main(): Promise<void> {
  const config = readConfig();
  const database = await openDatabase({ url: config.mongoUrl });
  await syncIndexes(database);
  const temporal = await NativeConnection.connect({ address: config.temporalAddress });
  const workflowBundle = await bundleWorkflows({ fromSource: false });
  const worker = await createDubanWorker({ temporal, namespace: config.temporalNamespace, database, workflowBundle });
  process.stderr.write(`[worker] polling task queue on ${config.temporalAddress}\n`);
  // Worker.run installs SIGINT/SIGTERM handlers and drains in-flight tasks before it resolves.
  await worker.run();
  await temporal.close();
  await database.close();
}

main().catch((error: unknown) => {
  console.error('[worker] failed:', error);
  process.exit(1);
});
