// Builds the web workbench (apps/web, Vite) into apps/web/dist, which the API serves at `/`.
// Node built-ins only. Skipped when the sources have not changed since the last build (a hash stamp in dist).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from './servers.mjs';

const webRoot = join(repoRoot, 'apps', 'web');
export const webDist = join(webRoot, 'dist');
const STAMP = '.source-hash';

/** Everything the bundle is made from: the app, the domain vocabulary it imports, and the locked packages. */
function sourceHash() {
  const hash = createHash('sha256');
  const walk = (path) => {
    if (statSync(path).isDirectory()) for (const name of readdirSync(path).sort()) walk(join(path, name));
    else if (!path.endsWith('.test.ts')) hash.update(path.slice(repoRoot.length)).update(readFileSync(path));
  };
  for (const path of ['apps/web/src', 'apps/web/index.html', 'apps/web/vite.config.ts', 'apps/web/build', 'apps/web/package.json', 'libs/domain/src', 'package-lock.json']) {
    walk(join(repoRoot, path));
  }
  return hash.digest('hex').slice(0, 16);
}

export function buildWeb({ quiet = false } = {}) {
  const hash = sourceHash();
  const stamp = join(webDist, STAMP);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return webDist;
  const started = Date.now();
  // Built aside then swapped in, so a parallel run never serves half a build.
  const partial = join(webRoot, `dist.${process.pid}.tmp`);
  const result = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--outDir', partial, '--emptyOutDir'], {
    cwd: webRoot,
    // A production bundle even when called from a test run (vitest sets NODE_ENV=test).
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
  });
  if (result.status !== 0) {
    rmSync(partial, { recursive: true, force: true });
    throw new Error('web build (vite build) failed');
  }
  writeFileSync(join(partial, STAMP), hash);
  rmSync(webDist, { recursive: true, force: true });
  renameSync(partial, webDist);
  process.stderr.write(`[duban] web app built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return webDist;
}
