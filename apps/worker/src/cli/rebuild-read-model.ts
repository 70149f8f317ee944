import { readConfig } from '@duban/config';
import { openDatabase, syncIndexes } from '@duban/persistence';
import { connectTemporalClient } from '@duban/temporal';
import { rebuildReadModel } from '../rebuild-read-model.js';

/** `npm run rebuild-read-model [-- --filter "TaskQueue = 'duban'"]`: exit 0 rebuilt, 2 could not. */
async function main(): Promise<void> {
  const config = readConfig({ ...process.env });
  const filterAt = process.argv.indexOf('--filter');
  const filter = filterAt >= 0 ? process.argv[filterAt + 1] : undefined;
  const database = await openDatabase({ url: config.mongoUrl });
  await syncIndexes(database);
  const temporal = await connectTemporalClient({ address: config.temporalAddress, namespace: config.temporalNamespace });
  try {
    const report = await rebuildReadModel({ temporal, database, ...(filter ? { filter } : {}) });
    const counts = Object.entries(report.byCollection).map(([collection, n]) => `${collection} ${n}`).join(', ');
    process.stdout.write(`读模型已重建（read model rebuilt）: ${report.projected} records projected (${counts}), ${report.skipped} runs skipped\n`);
  } finally {
    await temporal.connection.close();
    await database.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`重建失败（rebuild failed）: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
