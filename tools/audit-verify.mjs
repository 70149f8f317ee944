#!/usr/bin/env node
// `npm run audit:verify [-- --from N --to N --expect SEQ:HASH]`: builds (tsc -b, incremental) and runs
// apps/api/dist/cli/audit-verify.js against MONGO_URL (default: the embedded FerretDB of `npm start`,
// mongodb://127.0.0.1:27017/duban — start it first). Exit 0: intact; 1: an entry changed, unlinked or missing; 2: could not check.
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
const run = spawnSync(process.execPath, ['--enable-source-maps', join(repoRoot, 'apps', 'api', 'dist', 'cli', 'audit-verify.js'), ...process.argv.slice(2)], {
  cwd: repoRoot,
  stdio: 'inherit',
});
process.exit(run.status ?? 2);
