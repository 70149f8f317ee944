#!/usr/bin/env node
// `npm run rebuild-read-model [-- --filter "<visibility query>"]`: builds (tsc -b, incremental) and runs
// apps/worker/dist/cli/rebuild-read-model.js against TEMPORAL_ADDRESS and MONGO_URL (defaults: the embedded servers
// of `npm start`, which must be running with its worker — running items answer a query). Exit 0: rebuilt; 2: failed.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureNodeModules, repoRoot } from './lib/servers.mjs';

ensureNodeModules();
const build = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'tsconfig.build.json'], {
  cwd: repoRoot,
  stdio: 'inherit',
});
if (build.status !== 0) {
  process.stderr.write('[duban] 构建失败（build failed）\n');
  process.exit(2);
}
const env = {
  TEMPORAL_ADDRESS: `127.0.0.1:${process.env.TEMPORAL_PORT ?? 7233}`,
  MONGO_URL: `mongodb://127.0.0.1:${process.env.MONGO_PORT ?? 27017}/duban`,
  ...process.env,
};
const run = spawnSync(process.execPath, ['--enable-source-maps', join(repoRoot, 'apps', 'worker', 'dist', 'cli', 'rebuild-read-model.js'), ...process.argv.slice(2)], {
  cwd: repoRoot,
  stdio: 'inherit',
  env,
});
process.exit(run.status ?? 2);
