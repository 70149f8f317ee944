import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from 'mongoose';
import { inject } from 'vitest';
import { loadOrg } from '@duban/api';
import { shanghaiDate } from '@duban/domain';
import { openDatabase, syncIndexes } from '@duban/persistence';
// @ts-expect-error plain ESM helper without types
import { PERSISTENT_SQLITE_PRAGMAS, durablePostgresSettings, freePort, repoRoot, startEmbeddedStore, startTemporalDev } from '../../../tools/lib/servers.mjs';
// @ts-expect-error plain ESM helper without types
import { Supervisor, nodePart } from '../../../tools/lib/supervisor.mjs';
import { PASSWORD, testCounty } from '../support/org-fixture.js';
import { ApiClient } from '../support/stack.js';
import { eventually } from './support/fault-system.js';
import { postWithRetry } from './support/workloads.js';
import '../setup/provided.js';

// `npm start`'s supervision with the real processes: the supervisor of tools/start.mjs runs its store (PostgreSQL and
// FerretDB, started as tools/start.mjs starts them) and the built worker and API (apps/*/dist), against a Temporal
// dev server of this file; the test kills (-9) one part at a time.

const LOG_ROTATION = { size: '16K', keep: 2 };
const dir = mkdtempSync(join(tmpdir(), 'duban-supervision-'));
const logDir = join(dir, 'logs');
const said: string[] = [];
let supervisor: any;
let temporalServer: { stop(): Promise<void> } | undefined;
let database: Connection;
let api: ApiClient;
let mongoUrl: string;
/** `npm start`'s store on this file's data dir and ports (PostgreSQL's memory sized for a 1 GiB machine). */
let startStore: (on: any) => Promise<string>;

beforeAll(async () => {
  const [temporalPort, mongoPort, postgresPort, apiPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  temporalServer = await startTemporalDev({ port: temporalPort, dbFile: join(dir, 'temporal.db'), logFile: join(logDir, 'temporal.log'), sqlitePragmas: PERSISTENT_SQLITE_PRAGMAS });
  supervisor = new Supervisor({ logDir, logRotation: LOG_ROTATION, say: (line: string) => said.push(line) });
  startStore = (on) => startEmbeddedStore(on, { dataDir: dir, logDir, mongoPort, postgresPort, settings: durablePostgresSettings(2 ** 30) });
  mongoUrl = `${await startStore(supervisor)}duban_supervision`;
  database = await openDatabase({ url: mongoUrl });
  await syncIndexes(database);
  await loadOrg(database, testCounty);

  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    MONGO_URL: mongoUrl,
    PORT: String(apiPort),
    DUBAN_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
    WORKER_METRICS_PORT: '0',
    LOG_LEVEL: 'info',
  };
  await supervisor.start('worker', (output: unknown) => nodePart(join(repoRoot, 'apps', 'worker', 'dist', 'main.js'), { env, output }));
  await supervisor.start('api', (output: unknown) => nodePart(join(repoRoot, 'apps', 'api', 'dist', 'main.js'), { env, output }));
  api = new ApiClient(`http://127.0.0.1:${apiPort}`);
  await eventually('every part up', async () => (await api.get('/api/health')).status === 200);
});

afterAll(async () => {
  await database?.close();
  await supervisor?.stop();
  await temporalServer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Sends `/api/health/live` one request after another until `stop()`; answers every status seen (0 = no answer). */
function keepAsking(client: ApiClient) {
  const statuses: number[] = [];
  let asking = true;
  const loop = (async () => {
    while (asking) statuses.push(await client.get('/api/health/live').then((r) => r.status, () => 0));
  })();
  return {
    statuses,
    async stop() {
      asking = false;
      await loop;
      return statuses;
    },
  };
}

it('restarts a worker killed with -9 while the API keeps answering; the new worker takes work and health reports it up', async () => {
  const office = await api.login('office', PASSWORD);
  const before = supervisor.pid('worker');
  const apiBefore = supervisor.pid('api');
  const asking = keepAsking(api);

  process.kill(before, 'SIGKILL');
  await eventually('a new worker process', async () => supervisor.pid('worker') !== undefined && supervisor.pid('worker') !== before);
  // Registration is an update-with-start: its 201 comes from the workflow, so a worker is polling again.
  const id = await postWithRetry(office, '/api/rectifications', {
    title: '进程监护演练：工作进程被强制结束后重启',
    description: '工作进程被 kill -9 后由启动器重启，新进程继续处理。',
    source: 'provincial_assessment',
    category: 'drinking_water',
    leadUnitId: 'water',
    dueDate: shanghaiDate(new Date(Date.now() + 30 * 86_400_000)),
  });
  expect((await office.get(`/api/rectifications/${id}`)).status).toBe(200);
  await eventually('health reports every part up', async () => (await api.get('/api/health')).status === 200);
  const statuses = await asking.stop();

  expect((await api.get('/api/health')).body).toEqual({ status: 'ok', api: true, temporal: true, database: true, worker: true });
  expect(statuses.length).toBeGreaterThan(0);
  expect(statuses.every((status) => status === 200)).toBe(true);
  expect(supervisor.pid('api')).toBe(apiBefore);
  expect(said.some((line) => /^worker exited \(SIGKILL\).*restarting in 1 s/.test(line))).toBe(true);
});

it('restarts an API killed with -9 on the same port while the worker keeps running', async () => {
  const before = supervisor.pid('api');
  const worker = supervisor.pid('worker');

  process.kill(before, 'SIGKILL');
  await eventually('a new API process', async () => supervisor.pid('api') !== undefined && supervisor.pid('api') !== before);
  await eventually('the API answers health with every part up', async () => (await api.get('/api/health')).status === 200);

  expect((await api.get('/api/health')).body).toEqual({ status: 'ok', api: true, temporal: true, database: true, worker: true });
  expect(supervisor.pid('worker')).toBe(worker);
  expect(said.some((line) => /^api exited \(SIGKILL\).*restarting in 1 s/.test(line))).toBe(true);
  expect((await api.post('/api/auth/login', { username: 'office', password: PASSWORD })).status).toBe(200);
});

it("writes each part's output to logs/<part>.log and rotates it by size, keeping the configured number", async () => {
  for (let i = 0; i < 200; i++) await api.get('/api/health/live');
  const logs = logDir;
  await eventually('api.log rotated twice', async () => existsSync(join(logs, 'api.log.2')));
  const apiLogs = readdirSync(logs).filter((name) => name.startsWith('api.log')).sort();
  expect(apiLogs).toEqual(['api.log', 'api.log.1', 'api.log.2']);
  expect(readdirSync(logs)).toContain('worker.log');
});

const newItem = (title: string) => ({
  title,
  description: '存储进程被强制结束或整体重启后，登记的事项仍在。',
  source: 'provincial_assessment',
  category: 'drinking_water',
  leadUnitId: 'water',
  dueDate: shanghaiDate(new Date(Date.now() + 30 * 86_400_000)),
});

it('restarts PostgreSQL killed with -9; FerretDB reconnects, the items registered before are read and new ones written', async () => {
  const office = await api.login('office', PASSWORD);
  const before = await postWithRetry(office, '/api/rectifications', newItem('数据库进程被强制结束前登记'));
  const postgres = supervisor.pid('postgresql');

  process.kill(postgres, 'SIGKILL');
  await eventually('a new PostgreSQL process', async () => supervisor.pid('postgresql') !== undefined && supervisor.pid('postgresql') !== postgres);
  await eventually('the item registered before is read again', async () => (await office.get(`/api/rectifications/${before}`)).status === 200);
  const after = await postWithRetry(office, '/api/rectifications', newItem('数据库进程重启后登记'));

  expect((await office.get(`/api/rectifications/${after}`)).status).toBe(200);
  await eventually('health reports every part up', async () => (await api.get('/api/health')).status === 200);
  expect(said.some((line) => /^postgresql exited \(SIGKILL\)/.test(line))).toBe(true);
});

it('keeps every record when the whole stack is stopped and its store started again on the same data dir, as npm start does', async () => {
  const office = await api.login('office', PASSWORD);
  const id = await postWithRetry(office, '/api/rectifications', newItem('整体重启前登记'));
  await eventually('the item in the read model', async () => (await database.collection('rectifications').countDocuments({ _id: id as never })) === 1);
  const counts = async () => Object.fromEntries(await Promise.all(['rectifications', 'users', 'units', 'audit_log'].map(async (name) => [name, await database.collection(name).countDocuments()])));
  const before = await counts();
  await database.close();
  await supervisor.stop();

  supervisor = new Supervisor({ logDir, logRotation: LOG_ROTATION, say: (line: string) => said.push(line) });
  await startStore(supervisor);
  database = await openDatabase({ url: mongoUrl });

  expect(await counts()).toEqual(before);
  expect(await database.collection('rectifications').findOne({ _id: id as never })).toMatchObject({ title: '整体重启前登记' });
});

describe('a data dir that holds only the SQLite store of earlier versions', () => {
  it('makes npm start stop with the migration command instead of starting on an empty store', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'duban-old-store-'));
    mkdirSync(join(dataDir, 'ferretdb'));
    writeFileSync(join(dataDir, 'ferretdb', 'duban.sqlite'), 'the records of an earlier version');
    const [mongoPort, postgresPort, temporalPort, port] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    try {
      const started = spawnSync(process.execPath, [join(repoRoot, 'tools', 'start.mjs')], {
        cwd: repoRoot,
        encoding: 'utf8',
        timeout: 60_000,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, MONGO_PORT: String(mongoPort), POSTGRES_PORT: String(postgresPort), TEMPORAL_PORT: String(temporalPort), TEMPORAL_UI_PORT: String(await freePort()), PORT: String(port) },
      });

      expect(started.stderr).toContain(`DATA_DIR=${dataDir} npm run migrate-store`);
      expect(started.stderr).toContain('为避免以空库启动');
      expect(started.status).toBe(3);
      expect(existsSync(join(dataDir, 'postgresql'))).toBe(false);
      expect(readFileSync(join(dataDir, 'ferretdb', 'duban.sqlite'), 'utf8')).toBe('the records of an earlier version');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
