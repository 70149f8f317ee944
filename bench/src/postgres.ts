import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
// @ts-expect-error plain ESM helper without types
import { binaries, freePort, waitForPort } from '../../tools/lib/servers.mjs';
import { sleep } from './stats.js';

/** The full Temporal server release that matches the dev server's (Temporal CLI v1.5.1 embeds Server 1.29.1). */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
const INSTALL = [`go install go.temporal.io/server/cmd/server@${TEMPORAL_SERVER_VERSION}`, `go install go.temporal.io/server/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`];

function goPath(what: 'GOPATH' | 'GOMODCACHE'): string {
  return spawnSync('go', ['env', what], { encoding: 'utf8' }).stdout.trim();
}

/** Debian's postgres refuses to run as root: initdb and the server run as the `postgres` user. */
const postgresUser = () => ({
  uid: Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()),
  gid: Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim()),
});

function run(command: string, args: string[], options: { asPostgres?: boolean } = {}): void {
  const result = spawnSync(command, args, { encoding: 'utf8', ...(options.asPostgres ? postgresUser() : {}) });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} → ${result.status}: ${(result.stderr || result.stdout || String(result.error)).slice(-800)}`);
}

async function lowFreePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

export interface RunningPostgres {
  readonly port: number;
  /** False when the cluster was there already (a kept one, e.g. the county section's cache). */
  readonly created: boolean;
  stop(): Promise<void>;
}

/**
 * Debian's PostgreSQL in the cluster under `workDir/<name>`, created when there is none (run as the `postgres` user,
 * trust auth on 127.0.0.1), started with `settings` (`-c` parameters); resolves once it accepts connections.
 */
export async function startPostgres(workDir: string, logDir: string, name: string, settings: readonly string[] = []): Promise<RunningPostgres> {
  // The postgres user must reach its data directory inside our (mkdtemp, 0700) work dir.
  chmodSync(workDir, 0o755);
  const dataDir = join(workDir, name);
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  const { uid, gid } = postgresUser();
  chownSync(dataDir, uid, gid);
  const created = !existsSync(join(dataDir, 'PG_VERSION'));
  if (created) run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8'], { asPostgres: true });
  else refuseIfRunning(dataDir);
  const port = await freePort();
  const log = createWriteStream(join(logDir, `${name}.log`));
  const options = ['listen_addresses=127.0.0.1', 'max_connections=200', ...settings].flatMap((setting) => ['-c', setting]);
  const postgres = spawn('postgres', ['-D', dataDir, '-p', String(port), '-k', dataDir, ...options], { stdio: ['ignore', 'pipe', 'pipe'], uid, gid });
  postgres.stdout.pipe(log);
  postgres.stderr.pipe(log);
  const stop = async () => {
    if (postgres.exitCode !== null || postgres.signalCode !== null) return;
    const exited = new Promise((r) => postgres.once('exit', r));
    postgres.kill('SIGINT'); // fast shutdown
    const timer = setTimeout(() => postgres.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitForPort(port, { child: postgres });
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, created, stop };
}

/** A kept cluster whose server still runs (a run that was killed, or one running now) cannot be started twice. */
function refuseIfRunning(dataDir: string): void {
  const lock = join(dataDir, 'postmaster.pid');
  if (!existsSync(lock)) return;
  const pid = Number(readFileSync(lock, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
  } catch {
    return; // a stale lock: PostgreSQL removes it itself
  }
  throw new Error(`PostgreSQL (pid ${pid}) still runs in ${dataDir}: another bench run uses it, or one was killed; stop it with \`kill -INT ${pid}\``);
}

export interface PostgresTemporal {
  readonly notes: string[];
  readonly running?: { address: string; stop(): Promise<void> };
}

/**
 * The production-like configuration: the full Temporal server (built from the Go module proxy) on Debian's
 * PostgreSQL, in a fresh cluster under `workDir`. When a piece is missing, notes say which command to run.
 */
export async function startPostgresTemporal(workDir: string, logDir: string): Promise<PostgresTemporal> {
  const bin = join(goPath('GOPATH'), 'bin');
  const [server, sqlTool] = [join(bin, 'server'), join(bin, 'sql')];
  if (!existsSync(server) || !existsSync(sqlTool)) return { notes: [`PostgreSQL fan-out skipped: build the server first with \`${INSTALL.join(' && ')}\``] };
  if (spawnSync('sh', ['-c', 'command -v initdb && id postgres']).status !== 0) return { notes: ['PostgreSQL fan-out skipped: initdb or the postgres user is missing (Debian package postgresql)'] };
  const schemaRoot = join(goPath('GOMODCACHE'), `go.temporal.io/server@${TEMPORAL_SERVER_VERSION}`, 'schema/postgresql/v12');

  const pg = await startPostgres(workDir, logDir, 'postgres');
  const { port: pgPort } = pg;
  const stopPostgres = pg.stop;
  try {
    const sql = (db: string, ...args: string[]) => run(sqlTool, ['--plugin', 'postgres12', '--ep', '127.0.0.1', '-p', String(pgPort), '-u', 'postgres', '--db', db, ...args]);
    for (const [db, dir] of [['temporal', 'temporal'], ['temporal_visibility', 'visibility']] as const) {
      sql(db, 'create-database');
      sql(db, 'setup-schema', '-v', '0.0');
      sql(db, 'update-schema', '-d', join(schemaRoot, dir, 'versioned'));
    }

    const ports = { frontend: await freePort(), http: await freePort(), history: await freePort(), matching: await freePort(), worker: await freePort() };
    // Membership ports are stored as smallint in the PostgreSQL schema: they must stay below 32768.
    const members = { frontend: await lowFreePort(), history: await lowFreePort(), matching: await lowFreePort(), worker: await lowFreePort() };
    const store = (db: string, conns: number) => `      sql:
        pluginName: "postgres12"
        databaseName: "${db}"
        connectAddr: "127.0.0.1:${pgPort}"
        connectProtocol: "tcp"
        user: "postgres"
        password: ""
        maxConns: ${conns}
        maxIdleConns: ${conns}
        maxConnLifetime: "1h"`;
    const service = (name: keyof typeof members, extra = '') => `  ${name}:
    rpc:
      grpcPort: ${ports[name]}
      membershipPort: ${members[name]}
      bindOnLocalHost: true${extra}`;
    const configDir = join(workDir, 'temporal-pg-config');
    mkdirSync(configDir, { recursive: true });
    writeFileSync(
      join(configDir, 'development.yaml'),
      `log:
  stdout: true
  level: warn
persistence:
  defaultStore: pg
  visibilityStore: pg-visibility
  numHistoryShards: 4
  datastores:
    pg:
${store('temporal', 20)}
    pg-visibility:
${store('temporal_visibility', 4)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
services:
${service('frontend', `\n      httpPort: ${ports.http}`)}
${service('matching')}
${service('history')}
${service('worker')}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${ports.frontend}"
dcRedirectionPolicy:
  policy: "noop"
`,
    );
    const serverLog = createWriteStream(join(logDir, 'temporal-pg.log'));
    const temporal = spawn(server, ['--root', workDir, '--config', 'temporal-pg-config', '--env', 'development', '--allow-no-auth', 'start'], { stdio: ['ignore', 'pipe', 'pipe'] });
    temporal.stdout.pipe(serverLog);
    temporal.stderr.pipe(serverLog);
    const stopTemporal = async () => {
      if (temporal.exitCode !== null) return;
      const exited = new Promise((r) => temporal.once('exit', r));
      temporal.kill('SIGTERM');
      const timer = setTimeout(() => temporal.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    };
    try {
      await waitForPort(ports.frontend, { child: temporal, timeoutMs: 120_000 });
      const address = `127.0.0.1:${ports.frontend}`;
      // The full server starts without namespaces; create "default" as the dev server has it, then wait for it to serve.
      for (let attempt = 0; ; attempt++) {
        const created = spawnSync(binaries.temporal, ['operator', 'namespace', 'create', '--namespace', 'default', '--address', address, '--retention', '24h'], { encoding: 'utf8' });
        if (created.status === 0 || /already/i.test(created.stderr)) break;
        if (attempt >= 30) throw new Error(`namespace create failed: ${created.stderr.slice(-400)}`);
        await sleep(1000);
      }
      for (let attempt = 0; ; attempt++) {
        const described = spawnSync(binaries.temporal, ['workflow', 'list', '--namespace', 'default', '--address', address, '--limit', '1'], { encoding: 'utf8' });
        if (described.status === 0) break;
        if (attempt >= 30) throw new Error(`namespace default not ready: ${described.stderr.slice(-400)}`);
        await sleep(1000);
      }
      return {
        notes: [`Full Temporal server ${TEMPORAL_SERVER_VERSION} (\`${INSTALL[0]}\`, no replace directives needed) on PostgreSQL 15 (Debian), 4 history shards, fresh cluster, fsync on.`],
        running: {
          address,
          async stop() {
            await stopTemporal();
            await stopPostgres();
          },
        },
      };
    } catch (error) {
      await stopTemporal();
      throw error;
    }
  } catch (error) {
    await stopPostgres();
    throw error;
  }
}
