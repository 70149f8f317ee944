import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
// @ts-expect-error plain ESM helper without types
import { freePort, startFerretDb, startFerretDbOnPostgres, startTemporalDev } from '../../../tools/lib/servers.mjs';
import './provided.js';

interface Running {
  stop(): Promise<void>;
}

/** The store the suites run on: `DUBAN_TEST_STORE=ferretdb-postgres` for FerretDB on PostgreSQL (issue #26). */
const STORES = { 'ferretdb-sqlite': startFerretDb, 'ferretdb-postgres': startFerretDbOnPostgres } as const;

function chosenStore(): (typeof STORES)[keyof typeof STORES] {
  const name = process.env.DUBAN_TEST_STORE ?? 'ferretdb-sqlite';
  if (!(name in STORES)) throw new Error(`DUBAN_TEST_STORE=${name}: expected one of ${Object.keys(STORES).join(', ')}`);
  return STORES[name as keyof typeof STORES];
}

/** Starts a real Temporal dev server and a real FerretDB on free loopback ports for the end-to-end suites. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const startStore = chosenStore();
  const dir = mkdtempSync(join(tmpdir(), 'duban-e2e-'));
  const [temporalPort, ferretPort] = [await freePort(), await freePort()];
  const servers: Running[] = await Promise.all([
    startTemporalDev({ port: temporalPort, logFile: join(dir, 'temporal.log') }),
    startStore({ port: ferretPort, dataDir: join(dir, 'ferretdb'), logFile: join(dir, 'ferretdb.log') }),
  ]);
  project.provide('temporalAddress', `127.0.0.1:${temporalPort}`);
  project.provide('mongoUrl', `mongodb://127.0.0.1:${ferretPort}/`);
  return async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
}
