import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '@duban/persistence';
// @ts-expect-error plain ESM helper without types
import { freePort, startFerretDb, startTemporalDev } from '../../tools/lib/servers.mjs';
import { countyOrg, countyOrgFile } from './county-org.js';
import { benchCounty, type CountyLoadResult } from './county-load.js';
import { seedCounty, type CountySeedResult } from './county-seed.js';
import { startDistApi } from './dist-stack.js';
import { startFerretDbPostgres } from './ferretdb-postgres.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface CountyResult {
  readonly database: string;
  /** Where the seeded store is kept between runs, and whether this run found it there complete. */
  readonly store: { dir: string; reused: boolean };
  readonly seed: CountySeedResult;
  readonly load: CountyLoadResult;
  readonly loadAverage: { start: number; end: number };
}

export interface CountyOptions {
  readonly scale: number;
  readonly database: 'ferretdb-postgres' | 'ferretdb-sqlite';
  /** Parent of the kept stores; the postgres user must be able to reach it (not under a 0700 home). */
  readonly cacheRoot: string;
  readonly writers: number;
  readonly users: number;
  readonly windowSeconds: number;
  readonly maxWaitSeconds: number;
  readonly deepPage: number;
  readonly workDir: string;
  readonly logDir: string;
  readonly say: (line: string) => void;
}

export const defaultCountyCacheRoot = () => join(tmpdir(), 'duban-bench-county');

/** Files whose change changes what the seed stores: the read models, the domain, the seed, the FerretDB wrapper. */
const SCHEMA_SOURCES = ['libs/persistence/src', 'libs/domain/src', 'bench/src/county-seed.ts', 'bench/src/county-org.ts', 'tools/servers/ferretdb'];

function schemaHash(): string {
  const hash = createHash('sha256');
  const walk = (path: string) => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) walk(join(path, name));
    } else if (!/\.test\.ts$/.test(path)) {
      hash.update(relative(repoRoot, path)).update(readFileSync(path));
    }
  };
  for (const source of SCHEMA_SOURCES) walk(join(repoRoot, source));
  return hash.digest('hex').slice(0, 12);
}

/**
 * The `county` section: a county's three years seeded into a store of its own, kept under `cacheRoot` by database,
 * scale and a hash of the sources that shape the records (a cut-short seed resumes there; older stores of the
 * same database and scale are removed), then measured through its own API process on a Temporal dev server.
 */
export async function runCounty(options: CountyOptions): Promise<CountyResult> {
  const { say } = options;
  const org = countyOrg();
  const prefix = `${options.database}-s${options.scale}-`;
  const key = `${prefix}${schemaHash()}`;
  mkdirSync(options.cacheRoot, { recursive: true });
  for (const old of readdirSync(options.cacheRoot)) {
    if (old.startsWith(prefix) && old !== key) {
      say(`county: removing the store of older sources ${join(options.cacheRoot, old)}`);
      rmSync(join(options.cacheRoot, old), { recursive: true, force: true });
    }
  }
  const storeDir = join(options.cacheRoot, key);
  const stops: (() => Promise<void>)[] = [];
  try {
    let mongoBase: string;
    let database: string;
    if (options.database === 'ferretdb-postgres') {
      const ferret = await startFerretDbPostgres(options.cacheRoot, options.logDir, key);
      stops.push(ferret.stop);
      mongoBase = ferret.mongoBase;
      database = `FerretDB on PostgreSQL ${ferret.psql('SHOW server_version').trim().split(' ')[0]} (Debian), cluster kept in ${storeDir}`;
    } else {
      mkdirSync(storeDir, { recursive: true });
      const port = await freePort();
      const server = await startFerretDb({ port, dataDir: storeDir, logFile: join(options.logDir, 'ferretdb-county.log') });
      stops.push(server.stop);
      mongoBase = `mongodb://127.0.0.1:${port}/`;
      database = `FerretDB on SQLite, kept in ${storeDir}`;
    }
    const mongoUrl = `${mongoBase}duban_county`;
    const connection = await openDatabase({ url: mongoUrl });
    stops.push(() => connection.close());

    say(`county: seeding scale ${options.scale} into ${storeDir} (${options.writers} writers; resumes where a cut-short run stopped)`);
    const seed = await seedCounty(connection, org, { scale: options.scale, writers: options.writers, onProgress: (line) => say(`county seed: ${line}`) });
    const reused = seed.phases.every((p) => p.seededNow === 0);
    say(`county: seed ${reused ? 'found complete' : 'done'} in ${seed.seconds} s: ${JSON.stringify(seed.phases)}`);

    const temporalPort = await freePort();
    const temporal = await startTemporalDev({ port: temporalPort, dbFile: join(options.workDir, 'temporal-county.db'), logFile: join(options.logDir, 'temporal-county.log') });
    stops.push(temporal.stop);
    const api = await startDistApi({ temporalAddress: `127.0.0.1:${temporalPort}`, mongoUrl, port: await freePort(), org: countyOrgFile(org), logDir: options.logDir });
    stops.push(api.stop);
    say(`county: API ${api.url} (pid ${api.pid}) on ${mongoUrl}`);

    const loadStart = loadavg()[0]!;
    const load = await benchCounty(api.url, api.pid, connection, org, seed.sizes, {
      anchor: Date.parse(seed.anchor),
      users: options.users,
      windowSeconds: options.windowSeconds,
      maxWaitSeconds: options.maxWaitSeconds,
      deepPage: options.deepPage,
      onProgress: (line) => say(`county: ${line}`),
    });
    const round = (l: number) => Math.round(l * 10) / 10;
    return { database, store: { dir: storeDir, reused }, seed, load, loadAverage: { start: round(loadStart), end: round(loadavg()[0]!) } };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    rmSync(join(options.workDir, 'temporal-county.db'), { force: true });
  }
}
