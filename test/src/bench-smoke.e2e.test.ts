import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { countyOrg, countyOrgFile } from '../../bench/src/county-org.js';
import { benchCounty } from '../../bench/src/county-load.js';
import { countySizes, seedCounty } from '../../bench/src/county-seed.js';
import { benchExport } from '../../bench/src/export.js';
import { benchFanOut, publishTaskList, registerItems } from '../../bench/src/fanout.js';
import { benchReplay, workerFootprint } from '../../bench/src/footprint.js';
import { benchInbox } from '../../bench/src/inbox.js';
import { BENCH_PASSWORD, benchOrg, leadUnits } from '../../bench/src/org.js';
import { countyRows, renderMarkdown, type BenchResults } from '../../bench/src/report.js';
import { EXPORT_UNIT, seedReadModel } from '../../bench/src/seed.js';
import { login, type BenchTarget } from '../../bench/src/target.js';
import { benchTimerLateness, rawTimerLateness } from '../../bench/src/timers.js';
import './setup/provided.js';
import { startStack, type Stack } from './support/stack.js';

// `npm run bench` with tiny sizes, so the benchmark code keeps working. No timing is asserted here.
const org = benchOrg();
let stack: Stack;
let target: BenchTarget;
const results: BenchResults = {
  startedAt: new Date().toISOString(),
  finishedAt: '',
  machine: { cpus: 2, cpuModel: 'test', memoryGiB: 1, node: process.version, platform: process.platform },
  servers: { temporal: 'dev server', database: 'FerretDB' },
  notes: [],
};

beforeAll(async () => {
  stack = await startStack(org);
  target = { apiUrl: stack.baseUrl, apiPid: process.pid, workerPid: process.pid, database: stack.database, temporal: stack.temporal, taskQueue: stack.taskQueue };
});

afterAll(async () => {
  await stack?.close();
});

describe('benchmarks at tiny sizes', () => {
  it('fans out raw trivial workflows and registered items, every one completed and in the read model', async () => {
    const result = await benchFanOut(target, inject('temporalAddress'), { n: 6, concurrency: 3, ours: registerItems(leadUnits(org)) });
    expect(result).toMatchObject({ n: 6, concurrency: 3, ours: { name: 'rectification-register' } });
    expect(result.raw.perSecond).toBeGreaterThan(0);
    expect(result.ratio).toBeGreaterThan(0);
    expect(await stack.database.collection('rectifications').countDocuments()).toBe(6);
    results.fanOut = result;
  });

  it('fans out a published monthly task list, every assignment in the read model', async () => {
    const ours = publishTaskList(() => login(stack.baseUrl, 'office', BENCH_PASSWORD), '2099-01', { kind: 'department', unitIds: org.units.filter((unit) => unit.kind === 'department').map((unit) => unit.id) });
    const result = await benchFanOut(target, inject('temporalAddress'), { n: 10, concurrency: 5, ours });
    expect(result).toMatchObject({ n: 10, ours: { name: 'task-list-publish' } });
    expect(await stack.database.collection('assignments').countDocuments({ listId: 'TL-2099-01' })).toBe(10);
    results.fanOutTaskList = result;
  });

  it('issues a red notice for every item whose deadline passed, with its lateness beside trivial workflows woken by timers', async () => {
    const result = await benchTimerLateness(target, { n: 4, leadUnits: leadUnits(org), dueFrom: new Date(Date.now() + 8000), windowMs: 1000, concurrency: 4, waitAfterMs: 30_000, pollMs: 500 });
    expect(result).toMatchObject({ n: 4, redNotices: 4, registeredAfterDue: 0, settledBeforeDue: true, lateMs: { count: 4 } });
    const raw = await rawTimerLateness(stack.temporal, inject('temporalAddress'), { n: 4, dueFrom: new Date(Date.now() + 4000), windowMs: 1000, concurrency: 4, maxCachedWorkflows: 10, waitAfterMs: 30_000, pollMs: 500 });
    expect(raw).toMatchObject({ n: 4, fired: 4, lateMs: { count: 4 } });
    // Woken by their timers, not at once: the workflow clock at waking is at or after each deadline.
    expect(raw.lateMs.p50).toBeGreaterThanOrEqual(0);
    // This process ran both the app's worker and the trivial one: CPU time was counted for each window.
    expect(result.cpuMsPerFiring?.perProcess.bench).toBeGreaterThan(0);
    expect(raw.cpuMsPerFiring?.perProcess.bench).toBeGreaterThan(0);
    results.timers = { ...result, raw };
  });

  it('reads the worker RSS with its open workflows and replays a long item history', async () => {
    const loaded = await workerFootprint(target);
    expect(loaded.openWorkflows).toBeGreaterThanOrEqual(6);
    expect(loaded.workerRssMiB).toBeGreaterThan(0);
    const workflowBundle = { code: readFileSync(inject('workflowBundlePath'), 'utf8') };
    const replay = await benchReplay(target, workflowBundle, { months: 2, repeats: 2, leadUnitId: 'dept-02' });
    expect(replay.months).toBe(2);
    expect(replay.events).toBeGreaterThan(replay.baseline.events);
    results.footprint = { idle: loaded, loaded, replay };
  });

  it('seeds the read model and loads the inbox through the API and through the driver, first and deep page', async () => {
    const seed = await seedReadModel(stack.database, org, { total: 600, exportItems: 40, budgetMs: 60_000, batch: 200 });
    expect(seed).toMatchObject({ requested: 600, seeded: 600, note: null });
    const token = await login(stack.baseUrl, 'town-01', BENCH_PASSWORD);
    // 4 s windows: on a loaded 2-core machine a 1 s window sometimes finished no request at all.
    const inbox = await benchInbox(stack.baseUrl, stack.database, { token, unitId: 'town-01', status: 'rectifying', limit: 2, pages: [1, 3], connections: 2, durationSeconds: 4, items: 600 });
    expect(inbox.pages.map((p) => [p.page, p.rowsOnPage, p.api.errors, p.driver.errors])).toEqual([
      [1, 2, 0, 0],
      [3, 2, 0, 0],
    ]);
    expect(inbox.pages.every((p) => p.api.requests > 0 && p.driver.requests > 0)).toBe(true);
    results.seed = seed;
    results.inbox = inbox;
  });

  it('exports the ledger of one unit with every seeded row, and renders the report', async () => {
    const token = await login(stack.baseUrl, 'office', BENCH_PASSWORD);
    const result = await benchExport(stack.baseUrl, process.pid, stack.database, { token, unitId: EXPORT_UNIT, expectedRows: 40 });
    expect(result).toMatchObject({ unitId: EXPORT_UNIT, expectedRows: 40, rows: 40, driver: { rows: 40 } });
    expect(result.apiRssPeakMiB).toBeGreaterThan(0);
    results.export = result;

    const markdown = renderMarkdown({ ...results, finishedAt: new Date().toISOString() });
    for (const heading of ['Fan-out', 'monthly list of 10 assignments', 'Inbox page 1', 'Inbox page 3', 'Timer lateness', 'raw Temporal, 4 trivial workflows sleeping until deadlines', 'CPU per firing', 'Worker RSS', 'Replay', 'Ledger export']) expect(markdown).toContain(heading);
  });
});

describe('the county section at a tiny scale', () => {
  const county = countyOrg();
  let countyStack: Stack;
  beforeAll(async () => {
    countyStack = await startStack(countyOrgFile(county));
  });
  afterAll(async () => {
    await countyStack?.close();
  });

  it('seeds a county through the read models, resumes a cut-short seed without duplicates, and measures every figure through the API beside the read model alone', { timeout: 600_000 }, async () => {
    const scale = 0.0005;
    const sizes = countySizes(scale);
    const seed = await seedCounty(countyStack.database, county, { scale, writers: 2, batch: 40 });
    expect(seed.phases.map((p) => [p.phase, p.records, p.seededNow])).toEqual([
      ['users', county.users.length, county.users.length],
      ['items', 100, 100],
      ['assignments', 250, 250],
      ['notifications', 500, 500],
      ['audit', 500, 500],
    ]);
    const count = (name: string) => countyStack.database.collection(name).countDocuments();
    expect([await count('rectifications'), await count('assignments'), await count('notifications'), await count('audit_log')]).toEqual([100, 250, 500, 500]);

    // A run cut short after the items were written but before their progress was saved: they are written again, not twice.
    await countyStack.database.collection('bench_seed').updateOne({ _id: 'county' as never }, { $set: { 'done.items': 0 } });
    const resumed = await seedCounty(countyStack.database, county, { scale, writers: 2, batch: 40 });
    expect(resumed.anchor).toBe(seed.anchor);
    expect(resumed.phases.map((p) => [p.phase, p.seededNow])).toEqual([['users', 0], ['items', 100], ['assignments', 0], ['notifications', 0], ['audit', 0]]);
    expect(await count('rectifications')).toBe(100);

    const load = await benchCounty(countyStack.baseUrl, process.pid, countyStack.database, county, sizes, { anchor: Date.parse(seed.anchor), users: 2, windowSeconds: 1, maxWaitSeconds: 60, deepPage: 2, limit: 2 });
    const whats = load.figures.map((f) => f.what);
    for (const list of ['inbox', 'assignment list', 'notification list']) {
      for (const kind of ['village', 'township', 'department', 'office']) {
        expect(whats).toContain(`${list} page 1, ${kind}`);
        expect(whats.some((w) => w.startsWith(`${list} deep page`) && w.endsWith(`, ${kind}`))).toBe(true);
      }
    }
    for (const what of ['item detail', 'counts by light', 'dashboard, office', 'dashboard, township', 'audit search by user and day']) expect(whats.some((w) => w.startsWith(what))).toBe(true);
    // Every call answered 200: the API and the read model alone both ran each query.
    for (const f of load.figures) {
      const probe = f.api ?? f.baseline;
      expect([f.what, probe.errors, probe.unfinished, f.baseline.errors]).toEqual([f.what, 0, 0, 0]);
      // A deep page is left out only when page 1 did not answer within its window (a loaded machine).
      if (!probe.note?.startsWith('not measured')) expect([f.what, probe.count > 0]).toEqual([f.what, true]);
    }
    expect(load.export).toMatchObject({ unitId: 'dept-01', expectedRows: 5, rows: 5, driver: { rows: 5 } });

    const rows = countyRows({ database: 'FerretDB', store: { dir: 'test', reused: false }, seed, load, loadAverage: { start: 0, end: 0 } }).map((cells) => cells[0]);
    expect(rows[0]).toContain('County at scale 0.0005');
    expect(rows).toContain('County: inbox page 1, village, 2 concurrent users');
    expect(rows.at(-1)).toContain('ledger export of dept-01, 5 rows');
  });
});
