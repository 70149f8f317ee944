#!/usr/bin/env node
// `npm test`: installs what is missing (npm packages, pinned servers), type-checks and lints, then runs
// every suite against real servers started on free loopback ports. Arguments go to vitest
// (e.g. `npm test -- --project e2e`); with arguments the tests' type-check and lint are skipped.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNodeModules, provisionAll, repoRoot } from './lib/servers.mjs';
import { ensureBrowser } from './lib/browser.mjs';

const started = Date.now();
const args = process.argv.slice(2);
const bin = (pkg, file) => join(repoRoot, 'node_modules', pkg, file);

function step(label, script, scriptArgs) {
  const t = Date.now();
  const result = spawnSync(process.execPath, [script, ...scriptArgs], { cwd: repoRoot, stdio: 'inherit' });
  process.stderr.write(`[duban] ${label} ${result.status === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
  if (result.status !== 0) process.exit(result.status ?? 1);
}

ensureNodeModules();
provisionAll();
ensureBrowser(); // Chromium + CJK fonts for the browser tests (test/src/web.e2e.test.ts)
// `tsc -b` type-checks the sources and builds `dist/`, which the suites' global setup imports (the workflow
// bundler of `@duban/worker`): a focused run on a fresh clone needs it too. Incremental, so seconds when built.
step('typecheck (sources)', bin('typescript', 'bin/tsc'), ['-b', 'tsconfig.json']);
if (args.length === 0) {
  step('typecheck (tests)', bin('typescript', 'bin/tsc'), ['-p', 'tsconfig.spec.json']);
  step('lint', bin('eslint', 'bin/eslint.js'), ['.']);
}
// One report per run: parallel runs in one checkout must not read each other's.
const report = join(repoRoot, 'test-output', `vitest-${process.pid}.json`);
rmSync(report, { force: true });
const junit = join(repoRoot, 'test-output', 'junit.xml');
// Plain text when not on a terminal: CI logs are read by programs as well as people.
const colour = process.stdout.isTTY && !process.env.CI ? {} : { NO_COLOR: '1', FORCE_COLOR: '0' };
const vitest = spawnSync(
  process.execPath,
  [
    bin('vitest', 'vitest.mjs'),
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    '--reporter=junit',
    `--outputFile.junit=${junit}`,
    ...args,
  ],
  { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, ...colour } },
);
// The plain closing line `Tests: N passed, N failed, N skipped` comes last: CI reads the closing lines to
// see that tests ran, and a runner nested inside a test (schemathesis is pytest) must not be taken for ours.
let summary = '';
if (existsSync(report)) {
  const { numPassedTests, numFailedTests, numPendingTests } = JSON.parse(readFileSync(report, 'utf8'));
  summary = `Tests: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests} skipped\n`;
  process.stdout.write(`\nJUnit report: ${junit}\n`);
  rmSync(report, { force: true });
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
process.stdout.write(`[duban] npm test ${vitest.status === 0 ? 'passed' : 'FAILED'} in ${seconds} s\n`);
process.stdout.write(summary);
process.exit(vitest.status ?? 1);
