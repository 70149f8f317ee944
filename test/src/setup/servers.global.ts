import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
// @ts-expect-error plain ESM helper without types
import { freePort, startTemporalDev } from '../../../tools/lib/servers.mjs';
import { TestStore } from '../support/test-store.js';
import './provided.js';

interface Running {
  stop(): Promise<void>;
}

/**
 * Starts a real Temporal dev server and a real FerretDB on free loopback ports for the end-to-end suites; FerretDB
 * on PostgreSQL as `npm start` runs it, or on SQLite with `DUBAN_TEST_STORE=ferretdb-sqlite`.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'duban-e2e-'));
  const [temporalPort, ferretPort] = [await freePort(), await freePort()];
  const servers: Running[] = await Promise.all([
    startTemporalDev({ port: temporalPort, logFile: join(dir, 'temporal.log') }),
    TestStore.start({ port: ferretPort, dir }),
  ]);
  project.provide('temporalAddress', `127.0.0.1:${temporalPort}`);
  project.provide('mongoUrl', `mongodb://127.0.0.1:${ferretPort}/`);
  return async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
}
