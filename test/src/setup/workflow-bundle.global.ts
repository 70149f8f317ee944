import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { bundleWorkflows } from '@duban/worker';
// @ts-expect-error plain ESM helper without types
import { ensureTestServer, repoRoot } from '../../../tools/lib/servers.mjs';
import './provided.js';

/** Sources that end up in the workflow bundle, and how it is bundled: a change to any of them makes a new bundle. */
const BUNDLED_SOURCES = ['workflows/src', 'libs/domain/src', 'libs/contracts/src'];
const BUNDLER_OPTIONS = 'apps/worker/src/bundle.ts';

/** Bundles the workflow code once per change of its sources, shared by every suite of the run. */
export default async function setup(project: TestProject): Promise<void> {
  const path = join(repoRoot, 'node_modules', '.cache', 'duban', `workflow-bundle-${sourceHash()}.js`);
  if (!existsSync(path)) {
    const bundle = await bundleWorkflows({ fromSource: true });
    mkdirSync(join(path, '..'), { recursive: true });
    // Written aside then renamed, so a parallel run never reads half a bundle.
    const partial = `${path}.${process.pid}.tmp`;
    writeFileSync(partial, bundle.code);
    renameSync(partial, path);
  }
  project.provide('workflowBundlePath', path);
  project.provide('testServerLauncher', ensureTestServer() as string);
}

function sourceHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) hash.update(full).update(readFileSync(full));
    }
  };
  for (const dir of BUNDLED_SOURCES) walk(join(repoRoot, dir));
  hash.update(readFileSync(join(repoRoot, BUNDLER_OPTIONS)));
  hash.update(readFileSync(join(repoRoot, 'package-lock.json')));
  return hash.digest('hex').slice(0, 16);
}
