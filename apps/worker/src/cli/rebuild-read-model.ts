import { readConfig } from '@duban/config';
import { RectificationCounts, backfillListKeys, openDatabase, syncIndexes } from '@duban/persistence';
import { connectTemporalClient } from '@duban/temporal';
import { rebuildReadModel } from '../rebuild-read-model.js';

/**
 * `npm run rebuild-read-model [-- --filter "TaskQueue = 'duban'"]`: exit 0 rebuilt, 2 could not.
 * `npm run rebuild-read-model -- --counts`: recounts the counts read model from the stored items instead (stop the
 * worker first: nothing may project meanwhile).
 */
async function main(): Promise<void> {
  const config = readConfig({ ...process.env });
  const filterAt = process.argv.indexOf('--filter');
  const filter = filterAt >= 0 ? process.argv[filterAt + 1] : undefined;
  const database = await openDatabase({ url: config.mongoUrl });
  await syncIndexes(database);
  if (process.argv.includes('--counts')) {
    try {
      const counted = await RectificationCounts.of(database).rebuild();
      process.stdout.write(`计数读模型已重建（counts rebuilt）: ${counted.items} items, ${counted.documents} count documents\n`);
    } finally {
      await database.close();
    }
    return;
  }
  const temporal = await connectTemporalClient({ address: config.temporalAddress, namespace: config.temporalNamespace });
  try {
    const backfilled = await backfillListKeys(database);
    process.stdout.write(`列表键已补齐（list keys backfilled）: ${backfilled.rectifications} items, ${backfilled.assignments} assignments\n`);
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
