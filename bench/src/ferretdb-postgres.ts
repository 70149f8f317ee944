import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Connection } from 'mongoose';
// @ts-expect-error plain ESM helper without types
import { ensureFerretDb, freePort, waitForPort } from '../../tools/lib/servers.mjs';
import { startPostgres } from './postgres.js';

export interface FerretDbPostgres {
  /** mongodb://127.0.0.1:<port>/ — FerretDB's wire port. */
  readonly mongoBase: string;
  /** Runs `sql` with psql on FerretDB's PostgreSQL database; its output (unaligned, tuples only). */
  psql(sql: string): string;
  stop(): Promise<void>;
}

/**
 * FerretDB v1 on its PostgreSQL backend (our wrapper with `--postgresql-url`) over a Debian PostgreSQL cluster
 * under `workDir/<clusterName>` (fresh unless one is there). Unlike the SQLite backend it pushes equality filters on top-level
 * strings, booleans and dates down into SQL (`_jsonb->'field' @> value`); sorting stays inside FerretDB.
 */
export async function startFerretDbPostgres(workDir: string, logDir: string, clusterName = 'ferretdb-postgres'): Promise<FerretDbPostgres> {
  // 1 GiB of shared buffers holds the inbox's working set at 1,000,000 items; fsync stays on.
  const pg = await startPostgres(workDir, logDir, clusterName, ['shared_buffers=1GB']);
  const psql = (sql: string) => {
    const result = spawnSync('psql', ['-h', '127.0.0.1', '-p', String(pg.port), '-U', 'postgres', '-d', 'ferretdb', '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`psql ${sql.slice(0, 80)}: ${result.stderr.slice(-400)}`);
    return result.stdout;
  };
  let ferretdb: ReturnType<typeof spawn> | undefined;
  const stop = async () => {
    if (ferretdb && ferretdb.exitCode === null && ferretdb.signalCode === null) {
      const exited = new Promise((r) => ferretdb!.once('exit', r));
      ferretdb.kill('SIGTERM');
      const timer = setTimeout(() => ferretdb!.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await pg.stop();
  };
  try {
    if (pg.created) {
      const created = spawnSync('createdb', ['-h', '127.0.0.1', '-p', String(pg.port), '-U', 'postgres', 'ferretdb'], { encoding: 'utf8' });
      if (created.status !== 0) throw new Error(`createdb ferretdb: ${created.stderr}`);
    }
    const port = await freePort();
    const log = createWriteStream(join(logDir, 'ferretdb-postgres.log'));
    const args = ['--listen-addr', `127.0.0.1:${port}`, '--postgresql-url', `postgres://postgres@127.0.0.1:${pg.port}/ferretdb`, '--log-level', 'warn'];
    ferretdb = spawn(ensureFerretDb() as string, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    ferretdb.stdout!.pipe(log);
    ferretdb.stderr!.pipe(log);
    await waitForPort(port, { child: ferretdb });
    return { mongoBase: `mongodb://127.0.0.1:${port}/`, psql, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** FerretDB's `explain` of a find, in one line: what it pushed down and PostgreSQL's plan nodes (with index names). */
export async function explainFind(database: Connection, collection: string, filter: Record<string, unknown>, sort: Record<string, 1 | -1>, limit: number): Promise<string> {
  const explained = (await database.db!.command({ explain: { find: collection, filter, sort, limit } })) as { queryPlanner?: { Plan?: PlanNode }; filterPushdown?: boolean; sortPushdown?: boolean; limitPushdown?: boolean };
  const nodes: string[] = [];
  const walk = (node: PlanNode | undefined) => {
    if (!node) return;
    nodes.push(`${node['Node Type']}${node['Index Name'] ? ` on ${node['Index Name']}` : ''}`);
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(explained.queryPlanner?.Plan);
  const yes = (flag: boolean | undefined) => (flag ? 'yes' : 'no');
  return `filter pushdown ${yes(explained.filterPushdown)}, sort pushdown ${yes(explained.sortPushdown)}, limit pushdown ${yes(explained.limitPushdown)}; PostgreSQL plan: ${nodes.join(' ← ') || 'none'}`;
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/**
 * FerretDB's own indexes are btree on `(_jsonb->'field')`, which the `@>` it pushes filters down as cannot use
 * (EXPLAIN shows a Seq Scan even for `{_id}`). A GIN index on the same expressions can: created here straight in
 * PostgreSQL on the collection's table, the way an operator would; FerretDB does not know of it. Seconds taken.
 */
export function indexInboxForPushdown(pg: FerretDbPostgres, mongoDatabase: string, collection: string): { index: string; seconds: number } {
  const table = pg.psql(`SELECT _jsonb->>'table' FROM ${quote(mongoDatabase)}._ferretdb_database_metadata WHERE _jsonb->>'_id' = '${collection}'`).trim();
  if (!table) throw new Error(`no PostgreSQL table for ${mongoDatabase}.${collection}`);
  const index = `CREATE INDEX inbox_scope_status_gin ON ${quote(mongoDatabase)}.${quote(table)} USING gin ((_jsonb->'unitScope'), (_jsonb->'status'))`;
  const started = performance.now();
  pg.psql(`${index}; ANALYZE ${quote(mongoDatabase)}.${quote(table)}`);
  return { index, seconds: Math.round((performance.now() - started) / 100) / 10 };
}

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;
