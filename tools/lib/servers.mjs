// Provisioning and lifecycle of the real servers Duban runs against.
// Node built-ins only: this runs before `npm install` on a fresh clone.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync, chownSync, createWriteStream, readdirSync, realpathSync, statSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { homedir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Pinned versions. Changing one rebuilds into a new cache folder. */
export const versions = {
  temporalCli: 'v1.5.1', // go.mod has no replace directive; bundles Temporal Server 1.29
  ferretdb: 'v1.24.2', // FerretDB v1, SQLite backend or PostgreSQL (tools/servers/ferretdb pins it in go.mod)
  temporalTestServer: '1.38.0', // io.temporal:temporal-test-server on Maven Central
  schemathesis: '4.32.5', // API fuzzer from PyPI, run against /api/openapi.json
};


export const cacheDir = process.env.DUBAN_CACHE_DIR ?? join(homedir(), '.cache', 'duban');

/** First 8 hex digits of the sha-256 over the named files of `dir`. */
function sourceHash(dir, files) {
  const hash = createHash('sha256');
  for (const file of files) hash.update(readFileSync(join(dir, file)));
  return hash.digest('hex').slice(0, 8);
}

export const binaries = {
  temporal: join(cacheDir, 'bin', `temporal-${versions.temporalCli}`, 'temporal'),
  // Keyed by our wrapper's source too, so a change to it is rebuilt on machines that cached an older build.
  ferretdb: join(cacheDir, 'bin', `ferretdb-${versions.ferretdb}-${sourceHash(join(repoRoot, 'tools', 'servers', 'ferretdb'), ['main.go', 'id_index.go', 'pg_index.go', 'go.mod', 'go.sum'])}`, 'duban-ferretdb'),
  // The launcher's own revision is in its name, so a changed launcher is written anew.
  testServer: join(cacheDir, 'bin', `temporal-test-server-${versions.temporalTestServer}`, 'temporal-test-server-launcher-2'),
  schemathesis: join(cacheDir, `venv-schemathesis-${versions.schemathesis}`, 'bin', 'st'),
};

function log(message) {
  process.stderr.write(`[duban] ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (result.error) throw new Error(`${command} ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
  return result;
}

function requireTool(tool, hint) {
  const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  if (found.status !== 0) throw new Error(`${tool} not found on PATH: ${hint}`);
}

function timed(label, fn) {
  const started = Date.now();
  fn();
  log(`${label} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** apt-get waits for another apt or dpkg run (unattended upgrades, a parallel test run) instead of failing at once. */
export const APT_WAIT_FOR_LOCK = ['-o', 'DPkg::Lock::Timeout=600'];

/**
 * Installs Debian packages when we may (root with apt-get), updating the package lists once if the first try fails.
 * `why` names what needs them, for the message when we may not.
 */
export function aptInstall(packages, why) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || spawnSync('sh', ['-c', 'command -v apt-get']).status !== 0) {
    throw new Error(`${why}: install the Debian/Ubuntu package(s) ${packages.join(' ')} (see README, Prerequisites)`);
  }
  log(`installing Debian package(s) ${packages.join(' ')} (first time only)`);
  timed(`${packages.join(' ')} installed`, () => {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const apt = (args) => spawnSync('apt-get', [...APT_WAIT_FOR_LOCK, ...args], { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (apt(['install', '-y', '-qq', ...packages]).status === 0) return;
    if (apt(['update', '-qq']).status !== 0 || apt(['install', '-y', '-qq', ...packages]).status !== 0) {
      throw new Error(`apt-get install ${packages.join(' ')} failed`);
    }
  });
}

export function ensureTemporalCli() {
  if (existsSync(binaries.temporal)) return binaries.temporal;
  requireTool('go', 'install Go 1.24+ (see README, Prerequisites)');
  log(`building Temporal CLI ${versions.temporalCli} with go install (first time only, a few minutes)`);
  timed('Temporal CLI built', () =>
    run('go', ['install', `github.com/temporalio/cli/cmd/temporal@${versions.temporalCli}`], {
      env: { ...process.env, GOBIN: dirname(binaries.temporal) },
    }),
  );
  return binaries.temporal;
}

export function ensureFerretDb() {
  if (existsSync(binaries.ferretdb)) return binaries.ferretdb;
  requireTool('go', 'install Go 1.24+ (see README, Prerequisites)');
  log(`building FerretDB ${versions.ferretdb} (first time only, a few minutes)`);
  timed('FerretDB built', () =>
    run('go', ['build', '-o', binaries.ferretdb, '.'], {
      cwd: join(repoRoot, 'tools', 'servers', 'ferretdb'),
      env: { ...process.env, GOFLAGS: '-mod=mod' },
    }),
  );
  return binaries.ferretdb;
}

/**
 * A launcher script that @temporalio/testing runs as an 'existing-path' executable with the port as
 * argument. With DUBAN_TEST_SERVER_START (UTC, e.g. "2024-09-20 02:00:00") the server's clock starts at
 * that instant through libfaketime, so time-skipping tests can cross real holidays of past years.
 */
export function ensureTestServer() {
  ensureFaketime();
  if (existsSync(binaries.testServer)) return binaries.testServer;
  requireTool('java', 'install a JDK 17+ (see README, Prerequisites)');
  const folder = dirname(binaries.testServer);
  mkdirSync(folder, { recursive: true });
  const classpathFile = join(folder, 'classpath.txt');
  if (!existsSync(classpathFile)) resolveTestServerClasspath(classpathFile);
  writeFileSync(
    binaries.testServer,
    [
      '#!/bin/sh',
      '# Temporal time-skipping test server; first argument is the port.',
      `run() { exec java -Xss1m -XX:+UseSerialGC -cp "$(cat '${classpathFile}')" io.temporal.testserver.TestServer "$@"; }`,
      'if [ -n "$DUBAN_TEST_SERVER_START" ]; then',
      '  export TZ=UTC FAKETIME="@$DUBAN_TEST_SERVER_START" LD_PRELOAD=$(faketime_lib)',
      'fi',
      'run "$@"',
      '',
    ]
      .join('\n')
      .replace('$(faketime_lib)', faketimeLibrary()),
  );
  chmodSync(binaries.testServer, 0o755);
  return binaries.testServer;
}

function resolveTestServerClasspath(classpathFile) {
  requireTool('mvn', 'install Maven 3 (see README, Prerequisites)');
  log(`resolving io.temporal:temporal-test-server:${versions.temporalTestServer} from Maven Central`);
  timed('Temporal test server resolved', () =>
    run(
      'mvn',
      [
        '-q',
        '-B',
        '-f',
        join(repoRoot, 'tools', 'servers', 'temporal-test-server', 'pom.xml'),
        `-Dtemporal.test.server.version=${versions.temporalTestServer}`,
        'dependency:build-classpath',
        `-Dmdep.outputFile=${classpathFile}`,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    ),
  );
}

/** libfaketime from Debian (package `faketime`): installed when missing and we may (root with apt-get). */
function ensureFaketime() {
  if (faketimeLibrary()) return;
  aptInstall(['faketime'], 'libfaketime not found');
  if (!faketimeLibrary()) throw new Error('faketime installed but libfaketime.so.1 not found');
}

function faketimeLibrary() {
  const found = spawnSync('sh', ['-c', 'ls /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1 2>/dev/null | head -n 1'], { encoding: 'utf8' });
  return found.stdout.trim();
}

/** Schemathesis in a virtual environment of its own (python3 -m venv + pip from PyPI). */
export function ensureSchemathesis() {
  if (existsSync(binaries.schemathesis)) return binaries.schemathesis;
  requireTool('python3', 'install Python 3.9+ with venv (see README, Prerequisites)');
  const venv = dirname(dirname(binaries.schemathesis));
  log(`installing schemathesis ${versions.schemathesis} from PyPI (first time only)`);
  timed('schemathesis installed', () => {
    run('python3', ['-m', 'venv', venv], { stdio: ['ignore', 'ignore', 'inherit'] });
    run(join(venv, 'bin', 'pip'), ['install', '-q', `schemathesis==${versions.schemathesis}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  });
  return binaries.schemathesis;
}

/** `postgres`: Debian's PostgreSQL too (FerretDB's store; apt-get when missing), unless the store is external. */
export function provisionAll({ testServer = true, postgres = true } = {}) {
  const started = Date.now();
  const result = { temporal: ensureTemporalCli(), ferretdb: ensureFerretDb() };
  if (postgres) result.postgres = ensurePostgres();
  if (testServer) {
    result.testServer = ensureTestServer();
    result.schemathesis = ensureSchemathesis();
  }
  log(`servers ready in ${((Date.now() - started) / 1000).toFixed(1)} s (cache: ${cacheDir})`);
  return result;
}

export async function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Whether something accepts connections on 127.0.0.1:`port`. */
export function portOpen(port) {
  return new Promise((done) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

export async function waitForPort(port, { timeoutMs = 60_000, child } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`process exited with ${child.exitCode} before port ${port} opened`);
    if (await portOpen(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} did not open within ${timeoutMs} ms`);
}

/**
 * Starts a server process, logging to a file — or to `output`, a stream that outlives the process (npm start's
 * rotated logs); resolves once its port accepts connections.
 */
async function startServer({ name, command, args, port, logFile, output, spawnOptions = {}, stopSignal = 'SIGTERM' }) {
  mkdirSync(dirname(logFile), { recursive: true });
  const log = output ?? createWriteStream(logFile, { flags: 'a' });
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...spawnOptions });
  child.stdout.pipe(log, { end: !output });
  child.stderr.pipe(log, { end: !output });
  try {
    await waitForPort(port, { child });
  } catch (error) {
    child.kill('SIGKILL');
    const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '';
    throw new Error(`${name} did not start: ${error.message}\n${tail}`, { cause: error });
  }
  return {
    name,
    port,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(stopSignal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * What `npm start` and the fault suite run the dev server's SQLite file with: ×3.5–4 faster fan-out (npm run bench),
 * and WAL with synchronous=normal loses nothing when a process is killed (only a power cut may drop the last commits).
 */
export const PERSISTENT_SQLITE_PRAGMAS = ['journal_mode=wal', 'synchronous=normal'];

/**
 * Temporal dev server. With `dbFile` its state survives restarts (the embedded default);
 * without it the state lives in memory (tests).
 */
export async function startTemporalDev({ port, uiPort, dbFile, logFile, output, headless = !uiPort, sqlitePragmas = [] }) {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn'];
  // e.g. ['journal_mode=wal', 'synchronous=normal'] (npm run bench compares them)
  for (const pragma of sqlitePragmas) args.push('--sqlite-pragma', pragma);
  if (dbFile) {
    mkdirSync(dirname(dbFile), { recursive: true });
    args.push('--db-filename', dbFile);
  }
  if (headless) args.push('--headless');
  else args.push('--ui-port', String(uiPort), '--ui-ip', '127.0.0.1');
  return startServer({ name: 'Temporal dev server', command: ensureTemporalCli(), args, port, logFile, output });
}

/**
 * Connection-string options for the app's processes on the embedded FerretDB (SQLite backend). SQLite has one
 * writer: with the driver's default pool of 100 connections, concurrent writes wait for the lock by polling on the
 * busy timeout, and a burst of deadlines spent most of its time there. Four connections keep the queue in the
 * driver instead (timer benchmark, 1,000 deadlines in a minute: p50 lateness 20.8 → 12.6 s, database time per
 * command ÷ 8; 2026-12-06).
 */
export const FERRETDB_SQLITE_CLIENT_OPTIONS = 'maxPoolSize=4';

export async function startFerretDb({ port, dataDir, logFile, output }) {
  const args = ['--listen-addr', `127.0.0.1:${port}`, '--sqlite-dir', dataDir, '--log-level', 'warn'];
  return startServer({ name: 'FerretDB', command: ensureFerretDb(), args, port, logFile, output });
}

/**
 * The directory of Debian's PostgreSQL server programs (initdb, postgres): on PATH, else the newest
 * /usr/lib/postgresql/<major>/bin. Installs the Debian package `postgresql` when missing and we may (root with apt-get).
 */
export function ensurePostgres() {
  const found = postgresBinDir();
  if (found) return found;
  aptInstall(['postgresql'], 'PostgreSQL not found');
  const installed = postgresBinDir();
  if (!installed) throw new Error('postgresql installed but initdb not found');
  return installed;
}

function postgresBinDir() {
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  // Through a symlink (e.g. /usr/local/bin/initdb) to the directory that holds pg_isready too.
  if (onPath) return dirname(realpathSync(onPath));
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const majors = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return majors.length > 0 ? join(root, majors[0], 'bin') : null;
}

/** Where `npm start` (and `startFerretDbOnPostgres`) keeps the PostgreSQL cluster of `dataDir`. */
export function postgresClusterDir(dataDir) {
  return join(dataDir, 'postgresql');
}

/** PostgreSQL's port under `npm start` (POSTGRES_PORT): not 5432, where a system PostgreSQL may listen. */
export const DEFAULT_POSTGRES_PORT = 25432;

/**
 * `-c` settings for a cluster that keeps `npm start`'s data, sized for this machine: shared_buffers a quarter of
 * RAM (at most 8 GB; beyond that the OS cache serves as well), effective_cache_size three quarters (what the
 * planner may assume is cached), fsync on.
 */
export function durablePostgresSettings(totalBytes = totalmem()) {
  const mb = (bytes) => `${Math.max(1, Math.floor(bytes / 2 ** 20))}MB`;
  const gb = 2 ** 30;
  return [
    `shared_buffers=${mb(Math.min(totalBytes / 4, 8 * gb))}`,
    `effective_cache_size=${mb((totalBytes * 3) / 4)}`,
    `maintenance_work_mem=${mb(Math.min(totalBytes / 16, gb))}`,
    'work_mem=16MB',
    'max_wal_size=2GB',
    'random_page_cost=1.1', // SSD: random reads cost little more than sequential ones
    'fsync=on',
    'synchronous_commit=on',
  ];
}

/**
 * The test suites' throw-away clusters trade durability for speed: fsync, synchronous commit and full-page writes
 * off. A crash of the machine may corrupt such a cluster, and a killed postgres may lose its last commits (then
 * FerretDB's cached metadata names tables that are gone), so the suites that kill processes kill FerretDB, not
 * this PostgreSQL; `npm start`'s cluster (durablePostgresSettings) loses nothing committed when killed.
 */
export const THROWAWAY_POSTGRES_SETTINGS = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];

/** The uid and gid of the `postgres` user when we are root (postgres refuses to run as root); else none. */
function postgresRunAs() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const id = (flag) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Whether `clusterDir` holds an initialised PostgreSQL cluster. */
export function postgresClusterExists(clusterDir) {
  return existsSync(join(clusterDir, 'PG_VERSION'));
}

/**
 * Gives the postgres user search access (o+x) to the directories above its cluster that it cannot pass
 * (e.g. a mkdtemp directory, or /root when the repository lives there); says which.
 */
function letPostgresReach(clusterDir, asUser) {
  if (asUser.uid === undefined) return;
  const above = [];
  for (let dir = dirname(clusterDir); dir !== dirname(dir); dir = dirname(dir)) above.unshift(dir);
  for (const dir of above) {
    if (spawnSync('test', ['-x', dir], asUser).status === 0) continue;
    chmodSync(dir, statSync(dir).mode | 0o001);
    log(`gave the postgres user search access (o+x) to ${dir}, above its cluster`);
  }
}

/**
 * Debian's PostgreSQL on the cluster `clusterDir`, created with initdb when it does not exist yet and reused
 * otherwise; trust auth, listening on 127.0.0.1:`port` only, its unix socket inside the cluster directory.
 * Resolves once it accepts connections.
 */
export async function startPostgres({ clusterDir, port, settings = [], logFile, output }) {
  const bin = ensurePostgres();
  const asUser = postgresRunAs();
  mkdirSync(clusterDir, { recursive: true });
  letPostgresReach(clusterDir, asUser);
  if (!postgresClusterExists(clusterDir)) {
    if (asUser.uid !== undefined) chownSync(clusterDir, asUser.uid, asUser.gid);
    timed(`PostgreSQL cluster created in ${clusterDir}`, () =>
      run(join(bin, 'initdb'), ['-D', clusterDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8'], { stdio: ['ignore', 'ignore', 'inherit'], cwd: clusterDir, ...asUser }),
    );
  }
  // Else the wait below would take another server on that port for ours.
  if (await portOpen(port)) throw new Error(`PostgreSQL: port ${port} is taken by another program (POSTGRES_PORT chooses another)`);
  const options = ['listen_addresses=127.0.0.1', 'max_connections=200', ...settings].flatMap((setting) => ['-c', setting]);
  const server = await startServer({
    name: 'PostgreSQL',
    command: join(bin, 'postgres'),
    args: ['-D', clusterDir, '-p', String(port), '-k', clusterDir, ...options],
    port,
    logFile,
    output,
    spawnOptions: { cwd: clusterDir, ...asUser },
    stopSignal: 'SIGINT', // fast shutdown
  });
  // The port opens before crash recovery ends; FerretDB checks its connection once at start.
  await waitForPostgres(bin, clusterDir, port, server);
  return server;
}

async function waitForPostgres(bin, socketDir, port, server, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (spawnSync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres']).status !== 0) {
    if (server.child.exitCode !== null || Date.now() > deadline) {
      await server.stop();
      throw new Error(`PostgreSQL on port ${port} (${socketDir}) did not accept connections`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Our FerretDB wrapper on the PostgreSQL backend at 127.0.0.1:`postgresPort` (database `postgres`), on port `port`. */
export async function startFerretDbOnPostgresBackend({ port, postgresPort, logFile, output }) {
  const url = `postgres://postgres@127.0.0.1:${postgresPort}/postgres`;
  const args = ['--listen-addr', `127.0.0.1:${port}`, '--postgresql-url', url, '--log-level', 'warn'];
  return startServer({ name: 'FerretDB (PostgreSQL)', command: ensureFerretDb(), args, port, logFile, output });
}

/**
 * FerretDB on its PostgreSQL backend over the cluster `dataDir/postgresql` (created when missing, reused
 * otherwise): PostgreSQL on `postgresPort` (default: a free one) with `settings` (default: a throw-away test
 * cluster's), our FerretDB wrapper on `port`. `child` is FerretDB's process; one `stop()` ends both.
 */
export async function startFerretDbOnPostgres({ port, dataDir, logFile, postgresPort, settings = THROWAWAY_POSTGRES_SETTINGS }) {
  const pgPort = postgresPort ?? (await freePort());
  const postgres = await startPostgres({ clusterDir: postgresClusterDir(dataDir), port: pgPort, settings, logFile: logFile.replace(/(\.log)?$/, '.postgresql.log') });
  try {
    const ferretdb = await startFerretDbOnPostgresBackend({ port, postgresPort: pgPort, logFile });
    return {
      name: 'FerretDB on PostgreSQL',
      port,
      postgresPort: pgPort,
      child: ferretdb.child,
      postgres,
      ferretdb,
      async stop() {
        await ferretdb.stop();
        await postgres.stop();
      },
    };
  } catch (error) {
    await postgres.stop();
    throw error;
  }
}

/**
 * Whether `dataDir` holds the SQLite store of earlier versions (`ferretdb/*.sqlite`) and no PostgreSQL cluster yet:
 * `npm start` must not start that install on an empty store.
 */
export function holdsOnlySqliteStore(dataDir) {
  const sqliteDir = join(dataDir, 'ferretdb');
  if (postgresClusterExists(join(dataDir, 'postgresql')) || !existsSync(sqliteDir)) return false;
  return readdirSync(sqliteDir).some((name) => name.endsWith('.sqlite'));
}

/**
 * `npm start`'s store as two parts of `supervisor`: PostgreSQL on its cluster `dataDir/postgresql` (created on
 * the first start, reused after) on `postgresPort`, then FerretDB on `mongoPort`. A restarted PostgreSQL keeps
 * its port, and FerretDB's connection pool reconnects to it. Resolves with the MongoDB URL's base.
 */
export async function startEmbeddedStore(supervisor, { dataDir, logDir, mongoPort, postgresPort, settings = durablePostgresSettings() }) {
  await supervisor.start('postgresql', (output) =>
    startPostgres({ clusterDir: join(dataDir, 'postgresql'), port: postgresPort, settings, logFile: join(logDir, 'postgresql.log'), output }),
  );
  await supervisor.start('ferretdb', (output) => startFerretDbOnPostgresBackend({ port: mongoPort, postgresPort, logFile: join(logDir, 'ferretdb.log'), output }));
  return `mongodb://127.0.0.1:${mongoPort}/`;
}

/**
 * Installs npm packages from the lock file when node_modules is missing or older than it. `npm install`,
 * not `npm ci`: the registries reachable here lack other platforms' optional binaries (e.g. swc's darwin
 * builds), so the lock cannot list them and `npm ci` would refuse it; `npm install` keeps the lock as is.
 */
export function ensureNodeModules() {
  const lock = join(repoRoot, 'package-lock.json');
  const marker = join(repoRoot, 'node_modules', '.package-lock.json');
  if (existsSync(marker) && readFileSync(marker, 'utf8').length > 0) {
    const stale = spawnSync('sh', ['-c', `[ "${lock}" -nt "${marker}" ]`]).status === 0;
    if (!stale) return;
  }
  log('installing npm packages (npm install from package-lock.json)');
  timed('npm packages installed', () =>
    run('npm', ['install', '--no-audit', '--no-fund'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] }),
  );
}
