#!/usr/bin/env node
// `npm start`: the embedded single-machine default. Without TEMPORAL_ADDRESS / MONGO_URL it provisions
// and starts the Temporal dev server and FerretDB on PostgreSQL with their data under DATA_DIR (temporal.db,
// postgresql/); then builds and runs the worker and the API. Each part is supervised (tools/lib/supervisor.mjs):
// one that exits is restarted with backoff while the others keep running; Ctrl-C or SIGTERM stops every part;
// data survives a restart.
// Each part's output goes to DATA_DIR/logs/<part>.log (rotated); on a terminal the worker's and API's too.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_POSTGRES_PORT, PERSISTENT_SQLITE_PRAGMAS, ensureNodeModules, holdsOnlySqliteStore, provisionAll, repoRoot, startEmbeddedStore, startTemporalDev } from './lib/servers.mjs';
import { buildWeb } from './lib/web.mjs';

const env = { ...process.env };
const dataDir = resolve(repoRoot, env.DATA_DIR ?? '.data');
const logDir = join(dataDir, 'logs');
const port = Number(env.PORT ?? 3000);
let supervisor;
let stopping = false;

function say(line) {
  process.stdout.write(`[duban] ${line}\n`);
}

async function main() {
  if (!env.MONGO_URL && holdsOnlySqliteStore(dataDir)) {
    refuseSqliteStore();
    return;
  }
  ensureNodeModules();
  // After ensureNodeModules: the supervisor's log rotation is an npm package.
  const { Supervisor, nodePart } = await import('./lib/supervisor.mjs');
  supervisor = new Supervisor({ logDir, say });

  if (!env.TEMPORAL_ADDRESS || !env.MONGO_URL) provisionAll({ testServer: false, postgres: !env.MONGO_URL });
  if (!env.TEMPORAL_ADDRESS) {
    const temporalPort = Number(env.TEMPORAL_PORT ?? 7233);
    const uiPort = Number(env.TEMPORAL_UI_PORT ?? 8233);
    await supervisor.start('temporal', (output) =>
      startTemporalDev({ port: temporalPort, uiPort, dbFile: join(dataDir, 'temporal.db'), logFile: join(logDir, 'temporal.log'), output,
        // WAL with synchronous=normal: ×3.5–4 faster starts in the benchmark; survives a killed process (not a power cut).
        sqlitePragmas: PERSISTENT_SQLITE_PRAGMAS,
      }),
    );
    env.TEMPORAL_ADDRESS = `127.0.0.1:${temporalPort}`;
    env.DUBAN_TEMPORAL_UI = `http://127.0.0.1:${uiPort}`;
  }
  if (!env.MONGO_URL) {
    const mongoPort = Number(env.MONGO_PORT ?? 27017);
    const postgresPort = Number(env.POSTGRES_PORT ?? DEFAULT_POSTGRES_PORT);
    env.MONGO_URL = `${await startEmbeddedStore(supervisor, { dataDir, logDir, mongoPort, postgresPort })}duban`;
  }
  if (env.DUBAN_ORG_FILE === undefined) env.DUBAN_ORG_FILE = join(repoRoot, 'tools', 'demo', 'org', 'example-county.yaml');

  say('building (tsc -b)');
  const build = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'tsconfig.build.json'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('build failed');
  say('building the web app (vite build)');
  buildWeb();

  // On a terminal the worker's and API's output shows there too (the API's first start prints the admin password).
  const echo = process.stdout.isTTY ? process.stdout : undefined;
  for (const part of ['worker', 'api']) {
    await supervisor.start(part, (output) => nodePart(join(repoRoot, 'apps', part, 'dist', 'main.js'), { env, output, echo, cwd: repoRoot }));
  }
  await waitForHealth(`http://127.0.0.1:${port}/api/health`);

  say(`Web          http://127.0.0.1:${port}/`);
  say(`API          http://127.0.0.1:${port}/api`);
  say(`API docs     http://127.0.0.1:${port}/api/docs`);
  if (env.DUBAN_TEMPORAL_UI) say(`Temporal UI  ${env.DUBAN_TEMPORAL_UI}`);
  say('demo data    npm run demo (seed 002 recurring obligations as templates, this month\'s list issued from them)');
  say(`data in ${existsSync(dataDir) ? dataDir : '(external servers)'}, logs in ${logDir} — Ctrl-C stops everything`);
}

/** The data dir holds the SQLite store of earlier versions only: starting would show an empty store. */
function refuseSqliteStore() {
  const command = `${env.DATA_DIR === undefined ? '' : `DATA_DIR=${env.DATA_DIR} `}npm run migrate-store`;
  process.stderr.write(
    [
      `[duban] ${dataDir} 中是旧版的 SQLite 存储（ferretdb/），还没有 PostgreSQL 存储（postgresql/）。`,
      '[duban] 为避免以空库启动，npm start 已停止。请先把数据迁移到 PostgreSQL 存储：',
      `[duban]   ${command}`,
      '[duban] 迁移完成后再运行 npm start。',
      '',
    ].join('\n'),
  );
  process.exitCode = 3;
}

async function waitForHealth(url) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not become healthy in 120 s`);
}

async function stop(code) {
  if (stopping) return;
  stopping = true;
  await supervisor?.stop();
  process.exit(code);
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

main().catch((error) => {
  process.stderr.write(`[duban] start failed: ${error.message}\n`);
  stop(1);
});
