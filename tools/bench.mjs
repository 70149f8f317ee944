#!/usr/bin/env node
// `npm run bench`: builds (tsc -b, as `npm start` does, plus bench/), then runs bench/dist/main.js, which starts
// its own servers (or uses TEMPORAL_ADDRESS / MONGO_URL) and writes bench/results/latest.{json,md}.
// Sizes and sections: BENCH_* variables, see bench/src/main.ts.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureNodeModules, provisionAll, repoRoot } from './lib/servers.mjs';
import { buildWeb } from './lib/web.mjs';

ensureNodeModules();
if (!process.env.TEMPORAL_ADDRESS || !process.env.MONGO_URL) provisionAll({ testServer: false });

const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
for (const args of [['-b', 'tsconfig.build.json'], ['-p', 'bench/tsconfig.json']]) {
  const build = spawnSync(process.execPath, [tsc, ...args], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
// The API serves the web workbench only when built: the `web` section loads it in Chromium.
buildWeb();
const bench = spawnSync(process.execPath, ['--enable-source-maps', join(repoRoot, 'bench', 'dist', 'main.js')], { cwd: repoRoot, stdio: 'inherit' });
process.exit(bench.status ?? 1);
