#!/usr/bin/env node
// `npm run demo`: loads the recurring obligations of seed 002's 2024 work points (tools/demo/recurring-obligations-2024.json)
// as templates of the example county and issues this month's list from them through the worker's monthly Schedule;
// then defines and starts the demo campaigns of seeds 003 and 000 (tools/demo/campaigns/).
// Writes the templates through the persistence layer (MONGO_URL) and triggers the Schedule (TEMPORAL_ADDRESS); defaults:
// the embedded servers of `npm start`, which must be running with its worker. Idempotent. Exit 0: loaded; 2: failed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoCampaigns } from './demo/campaigns.mjs';
import { ensureNodeModules, repoRoot } from './lib/servers.mjs';

ensureNodeModules();
const build = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'tsconfig.build.json'], { cwd: repoRoot, stdio: 'inherit' });
if (build.status !== 0) {
  process.stderr.write('[duban] 构建失败（build failed）\n');
  process.exit(2);
}
const env = {
  TEMPORAL_ADDRESS: `127.0.0.1:${process.env.TEMPORAL_PORT ?? 7233}`,
  MONGO_URL: `mongodb://127.0.0.1:${process.env.MONGO_PORT ?? 27017}/duban`,
  ...process.env,
};
// The demo campaigns (seeds 003 and 000), dated from today in Beijing time.
const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
const campaignsFile = join(mkdtempSync(join(tmpdir(), 'duban-demo-')), 'campaigns.json');
writeFileSync(campaignsFile, JSON.stringify(demoCampaigns(today)));
const run = spawnSync(
  process.execPath,
  ['--enable-source-maps', join(repoRoot, 'apps', 'worker', 'dist', 'cli', 'load-demo.js'), join(repoRoot, 'tools', 'demo', 'recurring-obligations-2024.json'), campaignsFile],
  { cwd: repoRoot, stdio: 'inherit', env },
);
process.exit(run.status ?? 2);
