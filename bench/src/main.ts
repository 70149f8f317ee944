// `npm run bench` (tools/bench.mjs builds first): every benchmark of issue #11 against its baseline, on the
// embedded servers (Temporal dev server on a SQLite file + FerretDB) or on TEMPORAL_ADDRESS / MONGO_URL.
// API and worker run from dist as their own processes. Results: bench/results/latest.{json,md}.
import { bundleWorkflows } from '@duban/worker';
import { Client, Connection as TemporalConnection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { readWorkerConfig } from '@duban/config';
import { TASK_QUEUE } from '@duban/contracts';
import { openDatabase } from '@duban/persistence';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error plain ESM helper without types
import { FERRETDB_SQLITE_CLIENT_OPTIONS, freePort, startFerretDb, startTemporalDev, versions } from '../../tools/lib/servers.mjs';
import { startDistApi, startDistWorker, type RunningWorker } from './dist-stack.js';
import { benchExport } from './export.js';
import { benchFanOut, publishTaskList, registerItems, type FanOut } from './fanout.js';
import { benchReplay, workerFootprint } from './footprint.js';
import { benchInbox } from './inbox.js';
import { BENCH_PASSWORD, benchOrg, leadUnits } from './org.js';
import { renderMarkdown, type BenchResults } from './report.js';
import { EXPORT_UNIT, seedReadModel } from './seed.js';
import { sleep } from './stats.js';
import { login, type BenchTarget, type ServerPids } from './target.js';
import { benchTimerLateness, rawTimerLateness } from './timers.js';
import { startPostgresTemporal } from './postgres.js';
import { benchWebLoad } from './web.js';
import { defaultCountyCacheRoot, runCounty } from './county.js';
import { explainFind, indexInboxForPushdown, startFerretDbPostgres, type FerretDbPostgres } from './ferretdb-postgres.js';

const env = process.env;
const num = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
// Defaults fit ~25 minutes on the 2-core development machine (see bench/README.md): the sizes
// (10,000 fan-out, 5,000 timers, 1,000,000 inbox items) are far beyond what the dev server and FerretDB v1
// do there in that time. Raise them with BENCH_* for a bigger machine or MongoDB.
const sizes = {
  fanOut: num('BENCH_FANOUT_N', 200),
  concurrency: num('BENCH_CONCURRENCY', 50),
  timers: num('BENCH_TIMER_N', 200),
  /** Seconds the deadlines are spread over; 0 puts them all at one instant, as a month's due day does (its end). */
  timerWindowSeconds: num('BENCH_TIMER_WINDOW_S', 60),
  inboxItems: num('BENCH_INBOX_ITEMS', 10_000),
  exportItems: num('BENCH_EXPORT_ITEMS', 100_000),
  seedBudgetSeconds: num('BENCH_SEED_BUDGET_S', 300),
  loadSeconds: num('BENCH_LOAD_SECONDS', 30),
  connections: num('BENCH_CONNECTIONS', 50),
  webVisits: num('BENCH_WEB_VISITS', 3),
  /** The county section's sizes: 1 is the county (200,000 items, 500,000 assignments, 1,000,000 notifications and audit entries). */
  countyScale: num('BENCH_COUNTY_SCALE', 1),
};
// The worker process reads the same variables; read here too, so a bad value stops the run before it starts.
const workerConfig = readWorkerConfig(env);
const sections = new Set((env.BENCH_SECTIONS ?? 'fanout,tasklist,timers,footprint,pragmas,postgres,inbox,export,web').split(','));
const PRAGMAS = ['journal_mode=wal', 'synchronous=normal'];
const VILLAGES_PER_TOWN = 10; // 200 villages: a list of n / 200 items, one assignment per item × village
// BENCH_TEMPORAL_PRAGMAS=wal: the main dev server runs with the pragmas `npm start` uses. The `pragmas` section
// runs its fan-out on a dev server with the other setting, so its row always compares the two.
const mainPragmas = env.BENCH_TEMPORAL_PRAGMAS === 'wal' ? PRAGMAS : undefined;
const pragmasSectionPragmas = mainPragmas ? undefined : PRAGMAS;
// BENCH_DATABASE=ferretdb-postgres: FerretDB on a PostgreSQL cluster of its own (equality filters pushed down
// into SQL) instead of FerretDB on SQLite (only `_id` pushed down), for the whole run.
const databaseKind = env.BENCH_DATABASE ?? 'ferretdb-sqlite';
if (!['ferretdb-sqlite', 'ferretdb-postgres'].includes(databaseKind)) throw new Error(`BENCH_DATABASE: ferretdb-sqlite or ferretdb-postgres, not ${databaseKind}`);
const resultsDir = env.BENCH_RESULTS_DIR ? `${env.BENCH_RESULTS_DIR.replace(/\/$/, '')}/` : fileURLToPath(new URL('../results/', import.meta.url));

const say = (line: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** Swappable "ours" of the fan-out: registering rectification items until the list publish exists. */
function oursFanOut(org: ReturnType<typeof benchOrg>): FanOut {
  return registerItems(leadUnits(org));
}

const SECTION_RESULT: Record<string, string> = { fanout: 'fanOut', tasklist: 'fanOutTaskList', pragmas: 'fanOutPragmas', postgres: 'fanOutPostgres' };

/** Written after every section too, so a run cut short keeps what it measured. */
function writeResults(results: BenchResults): void {
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(resultsDir, 'latest.md'), renderMarkdown(results));
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const org = benchOrg(VILLAGES_PER_TOWN);
  const workDir = mkdtempSync(join(tmpdir(), 'duban-bench-'));
  const logDir = join(workDir, 'logs');
  const stops: (() => Promise<void>)[] = [];
  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    finishedAt: '',
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 1024 ** 3), node: process.version, platform: `${process.platform} ${process.arch}`, loadAverageAtStart: loadavg().map((l) => Math.round(l * 10) / 10) },
    servers: { temporal: '', database: '' },
    notes: [`sizes: ${JSON.stringify(sizes)}; free memory at start ${Math.round(freemem() / 1024 ** 3)} GiB`],
  };
  // BENCH_MERGE=1: add the sections run now to the latest results instead of replacing them.
  const latest = join(resultsDir, 'latest.json');
  const merged = Boolean(env.BENCH_MERGE) && existsSync(latest);
  if (merged) {
    const previous = JSON.parse(readFileSync(latest, 'utf8')) as BenchResults;
    Object.assign(results, { ...previous, notes: [...previous.notes, `merged: sections ${[...sections].join(',')} from a run at ${results.startedAt}`, ...results.notes] });
  }
  const section = async (name: string, run: () => Promise<void>) => {
    if (!sections.has(name)) return;
    say(`${name} …`);
    const t0 = Date.now();
    try {
      await run();
      say(`${name} done in ${Math.round((Date.now() - t0) / 1000)} s: ${JSON.stringify((results as unknown as Record<string, unknown>)[SECTION_RESULT[name] ?? name] ?? null)}`);
      writeResults(results);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      say(`${name} FAILED: ${message}`);
      results.notes.push(`${name} failed: ${message.split('\n')[0]}`);
    }
  };

  // The county brings its own store (kept between runs), API and Temporal server; it runs first, and alone
  // when it is the only section asked for.
  await section('county', async () => {
    results.county = await runCounty({
      scale: sizes.countyScale,
      database: databaseKind as 'ferretdb-postgres' | 'ferretdb-sqlite',
      cacheRoot: env.BENCH_COUNTY_CACHE_DIR ?? defaultCountyCacheRoot(),
      writers: num('BENCH_COUNTY_WRITERS', 4),
      users: num('BENCH_COUNTY_USERS', 20),
      windowSeconds: num('BENCH_COUNTY_WINDOW_S', 10),
      maxWaitSeconds: num('BENCH_COUNTY_MAX_WAIT_S', 60),
      deepPage: num('BENCH_COUNTY_DEEP_PAGE', 10),
      workDir,
      logDir,
      say,
    });
    // Run alone, the header names the county's servers.
    if (!results.servers.database) Object.assign(results.servers, { temporal: `dev server (Temporal CLI ${versions.temporalCli as string}) on a SQLite file`, database: results.county.database });
  });
  if ([...sections].every((name) => name === 'county')) sections.clear();

  if (sections.size > 0) try {
    const serverPids: ServerPids = {};
    let temporalAddress = env.TEMPORAL_ADDRESS;
    let mongoBase = env.MONGO_URL?.replace(/\/[^/]*$/, '/');
    let temporalLabel: string;
    if (!temporalAddress) {
      const port = await freePort();
      const server = await startTemporalDev({ port, dbFile: join(workDir, 'temporal.db'), logFile: join(logDir, 'temporal.log'), sqlitePragmas: mainPragmas });
      stops.push(server.stop);
      serverPids.temporal = server.child.pid;
      temporalAddress = `127.0.0.1:${port}`;
      temporalLabel = `dev server (Temporal CLI ${versions.temporalCli}) on a SQLite file, ${mainPragmas ? mainPragmas.join(' ') : 'default pragmas'}`;
    } else temporalLabel = `given: ${temporalAddress}`;
    let ferretPg: FerretDbPostgres | undefined;
    let databaseLabel: string;
    // The worker's and the API's connection string: on the embedded FerretDB/SQLite with the pool `npm start` gives
    // them; the bench's own driver connection (the baselines) keeps the driver's default.
    let appUrl = (url: string) => url;
    if (!mongoBase && databaseKind === 'ferretdb-postgres') {
      ferretPg = await startFerretDbPostgres(workDir, logDir);
      stops.push(ferretPg.stop);
      mongoBase = ferretPg.mongoBase;
      databaseLabel = `FerretDB ${versions.ferretdb} on PostgreSQL ${ferretPg.psql('SHOW server_version').trim().split(' ')[0]} (Debian)`;
    } else if (!mongoBase) {
      const port = await freePort();
      const server = await startFerretDb({ port, dataDir: join(workDir, 'ferretdb'), logFile: join(logDir, 'ferretdb.log') });
      stops.push(server.stop);
      serverPids.database = server.child.pid;
      mongoBase = `mongodb://127.0.0.1:${port}/`;
      appUrl = (url) => `${url}?${FERRETDB_SQLITE_CLIENT_OPTIONS as string}`;
      databaseLabel = `FerretDB ${versions.ferretdb} on SQLite (app pool: ${FERRETDB_SQLITE_CLIENT_OPTIONS as string})`;
    } else databaseLabel = `given: ${mongoBase}`;
    // Merged into earlier results, the header keeps their servers; a note names this run's (the inbox row its database too).
    if (merged) results.notes.push(`merged run's servers: Temporal ${temporalLabel}; database ${databaseLabel}`);
    else Object.assign(results.servers, { temporal: temporalLabel, database: databaseLabel });

    say('bundling workflows');
    const bundleFile = join(workDir, 'workflow-bundle.js');
    const workflowBundle = await bundleWorkflows({ fromSource: false });
    writeFileSync(bundleFile, workflowBundle.code);

    const mongoUrl = `${mongoBase}duban_bench`;
    const worker = await startDistWorker({ temporalAddress, mongoUrl: appUrl(mongoUrl), workflowBundleFile: bundleFile, logDir, metricsPort: await freePort() });
    stops.push(worker.stop);
    const api = await startDistApi({ temporalAddress, mongoUrl: appUrl(mongoUrl), port: await freePort(), org, logDir });
    stops.push(api.stop);
    const database = await openDatabase({ url: mongoUrl });
    stops.push(() => database.close());
    const temporal = new Client({ connection: await TemporalConnection.connect({ address: temporalAddress }) });
    stops.push(() => temporal.connection.close());
    const target: BenchTarget = { apiUrl: api.url, apiPid: api.pid, workerPid: worker.pid, database, temporal, taskQueue: TASK_QUEUE, serverPids, ...(worker.metricsUrl ? { workerMetricsUrl: worker.metricsUrl } : {}) };
    say(`API ${api.url} (pid ${api.pid}), worker pid ${worker.pid}, Temporal ${temporalAddress}, ${mongoUrl}; logs in ${logDir}`);

    const idle = await workerFootprint(target);
    await section('fanout', async () => {
      results.fanOut = await benchFanOut(target, temporalAddress, { n: sizes.fanOut, concurrency: sizes.concurrency, ours: oursFanOut(org) });
    });
    await section('tasklist', async () => {
      // One item per 200 villages: n rounded up to whole items; next month's list (one list per month and database).
      const villages = 20 * VILLAGES_PER_TOWN;
      const n = Math.max(villages, Math.ceil(sizes.fanOut / villages) * villages);
      const next = new Date();
      next.setUTCMonth(next.getUTCMonth() + 1, 1);
      const month = next.toISOString().slice(0, 7);
      results.fanOutTaskList = await benchFanOut(target, temporalAddress, { n, concurrency: sizes.concurrency, ours: publishTaskList(() => login(api.url, 'office', BENCH_PASSWORD), month, { kind: 'village', unitIds: org.units.filter((unit) => unit.kind === 'village').map((unit) => unit.id) }) });
    });
    await section('timers', async () => {
      // Deadlines spread over BENCH_TIMER_WINDOW_S (a whole minute unless set; 0: one instant), starting at the first
      // minute boundary after the workflows have time to settle. The baseline's window comes first: trivial
      // workflows, started at about the raw fan-out's rate.
      const nextMinuteAfter = (ms: number) => new Date(Math.ceil((Date.now() + ms) / 60_000) * 60_000);
      const settleEstimateMs = (perSecond: number) => (sizes.timers / perSecond) * 1000 * 1.5 + 15_000;
      const raw = await rawTimerLateness(temporal, temporalAddress, { n: sizes.timers, dueFrom: nextMinuteAfter(settleEstimateMs(results.fanOut?.raw.perSecond ?? 50)), windowMs: sizes.timerWindowSeconds * 1000, concurrency: sizes.concurrency, maxCachedWorkflows: workerConfig.maxCachedWorkflows, serverPids: { temporal: serverPids.temporal } });
      say(`timers, raw baseline: ${JSON.stringify(raw)}`);
      // Ours: items started and in the read model before their minute: BENCH_TIMER_LEAD_S, or an estimate from
      // this run's fan-out.
      const settleMs = env.BENCH_TIMER_LEAD_S
        ? Number(env.BENCH_TIMER_LEAD_S) * 1000
        : results.fanOut
          ? settleEstimateMs(results.fanOut.ours.perSecond)
          : sizes.timers * 20 + 15_000;
      const ours = await benchTimerLateness(target, { n: sizes.timers, leadUnits: leadUnits(org), dueFrom: nextMinuteAfter(settleMs), windowMs: sizes.timerWindowSeconds * 1000, concurrency: sizes.concurrency });
      results.timers = { ...ours, raw };
    });
    await section('footprint', async () => {
      await sleep(2000);
      const loaded = await workerFootprint(target);
      const replay = await benchReplay(target, workflowBundle, { months: 24, repeats: 5, leadUnitId: 'dept-02' });
      results.footprint = { idle, loaded, replay };
      results.notes.push(`Worker RSS: the worker keeps at most WORKER_MAX_CACHED_WORKFLOWS (${workerConfig.maxCachedWorkflows}${env.WORKER_MAX_CACHED_WORKFLOWS ? '' : ', the default'}) workflows in its sticky cache; open workflows beyond it are evicted and replayed on their next task. RSS is the process's, read once after the section before: it includes heap the fan-out grew and V8 has not returned.`);
    });
    await section('pragmas', async () => {
      const port = await freePort();
      const server = await startTemporalDev({ port, dbFile: join(workDir, 'temporal-pragmas.db'), logFile: join(logDir, 'temporal-pragmas.log'), sqlitePragmas: pragmasSectionPragmas });
      const address = `127.0.0.1:${port}`;
      const url = `${mongoBase}duban_bench_pragmas`;
      let otherWorker: RunningWorker | undefined;
      const otherDatabase = await openDatabase({ url });
      const otherTemporal = new Client({ connection: await TemporalConnection.connect({ address }) });
      try {
        otherWorker = await startDistWorker({ temporalAddress: address, mongoUrl: appUrl(url), workflowBundleFile: bundleFile, logDir, name: 'worker-pragmas', metricsPort: await freePort() });
        const otherTarget: BenchTarget = { ...target, workerPid: otherWorker.pid, workerMetricsUrl: otherWorker.metricsUrl, database: otherDatabase, temporal: otherTemporal };
        const result = await benchFanOut(otherTarget, address, { n: sizes.fanOut, concurrency: sizes.concurrency, ours: oursFanOut(org) });
        results.fanOutPragmas = { pragmas: pragmasSectionPragmas ?? [], mainPragmas: mainPragmas ?? [], result };
      } finally {
        await otherWorker?.stop();
        await otherTemporal.connection.close();
        await otherDatabase.close();
        await server.stop();
      }
    });
    await section('postgres', async () => {
      const pg = await startPostgresTemporal(workDir, logDir);
      results.notes.push(...pg.notes);
      if (!pg.running) return;
      const url = `${mongoBase}duban_bench_pg`;
      let pgWorker: RunningWorker | undefined;
      const pgDatabase = await openDatabase({ url });
      const pgTemporal = new Client({ connection: await TemporalConnection.connect({ address: pg.running.address }) });
      try {
        pgWorker = await startDistWorker({ temporalAddress: pg.running.address, mongoUrl: appUrl(url), workflowBundleFile: bundleFile, logDir, name: 'worker-pg', metricsPort: await freePort() });
        const pgTarget: BenchTarget = { ...target, workerPid: pgWorker.pid, workerMetricsUrl: pgWorker.metricsUrl, database: pgDatabase, temporal: pgTemporal };
        results.fanOutPostgres = await benchFanOut(pgTarget, pg.running.address, { n: sizes.fanOut, concurrency: sizes.concurrency, ours: oursFanOut(org) });
      } finally {
        await pgWorker?.stop();
        await pgTemporal.connection.close();
        await pgDatabase.close();
        await pg.running.stop();
      }
    });
    await section('inbox', async () => {
      let last = 0;
      const seed = await seedReadModel(database, org, {
        total: sizes.inboxItems,
        exportItems: 0,
        budgetMs: sizes.seedBudgetSeconds * 1000,
        onProgress: (n) => {
          if (n - last >= 50_000) say(`seeded ${(last = n)}`);
        },
      });
      results.seed = seed;
      if (seed.note) results.notes.push(`Inbox: ${seed.note}; the inbox figures are at that size, not at ${sizes.inboxItems}.`);
      // The read model's page-1 query, as FerretDB explains it (PostgreSQL backend: with its plan).
      const pageOne = { filter: { status: 'rectifying', unitScope: 'town-01' }, sort: { due: 1, _id: 1 } as const };
      if (ferretPg) {
        results.notes.push(`Inbox on FerretDB/PostgreSQL, EXPLAIN before the GIN index: ${await explainFind(database, 'rectifications', pageOne.filter, pageOne.sort, 20)}; \`{_id}\` lookup: ${await explainFind(database, 'rectifications', { _id: 'x' }, { _id: 1 }, 1)}.`);
        const gin = indexInboxForPushdown(ferretPg, 'duban_bench', 'rectifications');
        results.notes.push(`Inbox: \`${gin.index}\` (${gin.seconds} s, with ANALYZE); EXPLAIN after: ${await explainFind(database, 'rectifications', pageOne.filter, pageOne.sort, 20)}.`);
      }
      const token = await login(api.url, 'town-01', BENCH_PASSWORD);
      const loadAtStart = loadavg()[0]!;
      const inbox = await benchInbox(api.url, database, { token, unitId: 'town-01', status: 'rectifying', limit: 20, pages: [1, 50], connections: sizes.connections, durationSeconds: sizes.loadSeconds, items: seed.seeded });
      const round = (l: number) => Math.round(l * 10) / 10;
      results.inbox = { ...inbox, database: databaseLabel, loadAverage: { start: round(loadAtStart), end: round(loadavg()[0]!) } };
    });
    await section('web', async () => {
      results.web = await benchWebLoad(api.url, { username: 'office', password: BENCH_PASSWORD }, sizes.webVisits);
    });
    await section('export', async () => {
      // The export unit's items come on top of the inbox's (FerretDB v1 scans the collection for the inbox query,
      // so the inbox runs on the smaller collection first).
      const seed = await seedReadModel(database, org, { total: sizes.exportItems, exportItems: sizes.exportItems, budgetMs: sizes.seedBudgetSeconds * 1000 });
      results.exportSeed = seed;
      if (seed.note) results.notes.push(`Export: ${seed.note}; the export covers that many items.`);
      const token = await login(api.url, 'office', BENCH_PASSWORD);
      const expectedRows = seed.seeded;
      results.export = await benchExport(api.url, api.pid, database, { token, unitId: EXPORT_UNIT, expectedRows });
    });
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    // Logs stay for a failed section; the servers' data goes.
    for (const data of ['temporal.db', 'temporal-pragmas.db', 'ferretdb', 'postgres', 'ferretdb-postgres']) rmSync(join(workDir, data), { recursive: true, force: true });
    say(`logs kept in ${logDir}`);
  }
  results.finishedAt = new Date().toISOString();
  const loadAtEnd = loadavg().map((l) => Math.round(l * 10) / 10);
  // Merged, the header keeps the earlier run's machine figures; this run's load goes into a note.
  if (merged) results.notes.push(`merged run's load average (1/5/15 min) at its end: ${loadAtEnd.join(' / ')}`);
  else results.machine.loadAverageAtEnd = loadAtEnd;
  writeResults(results);
  say(`results in ${resultsDir}latest.{json,md}`);
  process.stdout.write(`\n${renderMarkdown(results)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('[bench] failed:', error);
    process.exit(1);
  },
);
