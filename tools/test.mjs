#!/usr/bin/env node
// `npm test`: installs what is missing (npm packages, pinned servers), then runs every suite against
// real servers started on free loopback ports. Extra arguments go to vitest (e.g. --project domain).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureNodeModules, provisionAll, repoRoot } from './lib/servers.mjs';

const started = Date.now();
ensureNodeModules();
provisionAll();
const vitest = join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs');
const result = spawnSync(process.execPath, [vitest, 'run', ...process.argv.slice(2)], { cwd: repoRoot, stdio: 'inherit' });
process.stderr.write(`[duban] npm test finished in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
process.exit(result.status ?? 1);
