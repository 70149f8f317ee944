import type { CountyResult } from './county.js';
import type { Probe } from './county-load.js';
import type { ExportResult } from './export.js';
import type { FanOutResult } from './fanout.js';
import type { ReplayResult, WorkerFootprint } from './footprint.js';
import type { InboxResult, LoadFigures } from './inbox.js';
import type { SeedResult } from './seed.js';
import { ratio } from './stats.js';
import type { TimerLatenessResult } from './timers.js';
import type { PageLoad, WebLoadResult } from './web.js';

/** Everything one `npm run bench` measured; sections left out (or that failed) are absent and noted. */
export interface BenchResults {
  readonly startedAt: string;
  finishedAt: string;
  readonly machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string; loadAverageAtStart?: number[]; loadAverageAtEnd?: number[] };
  readonly servers: { temporal: string; database: string };
  fanOut?: FanOutResult;
  fanOutTaskList?: FanOutResult;
  /** The fan-out on a dev server with the other SQLite pragmas than the main one's (absent in older results: default). */
  fanOutPragmas?: { pragmas: string[]; mainPragmas?: string[]; result: FanOutResult };
  fanOutPostgres?: FanOutResult;
  timers?: TimerLatenessResult;
  footprint?: { idle: WorkerFootprint; loaded: WorkerFootprint; replay?: ReplayResult };
  seed?: SeedResult;
  exportSeed?: SeedResult;
  inbox?: InboxResult;
  export?: ExportResult;
  web?: WebLoadResult;
  county?: CountyResult;
  notes: string[];
}

const goal = (ok: boolean) => (ok ? '✅' : '❌');

/** How many times faster a fan-out on another server was than the main one's, ours and raw. */
const speedUps = (other: FanOutResult, main: FanOutResult) =>
  `ours ×${ratio(other.ours.perSecond, main.ours.perSecond)}, raw ×${ratio(other.raw.perSecond, main.raw.perSecond)}`;

/** A dev server's SQLite pragmas as a row names them. */
const pragmaSetting = (pragmas: readonly string[]) => (pragmas.length > 0 ? pragmas.map((x) => `\`${x}\``).join(' ') : 'default pragmas');

/** The markdown table of one run, figures beside their baselines and the goals of issue #11. */
export function renderMarkdown(r: BenchResults): string {
  const rows: string[][] = [];
  if (r.county) rows.push(...countyRows(r.county));
  if (r.fanOut) {
    const f = r.fanOut;
    rows.push([`Fan-out, ${f.n} workflows, ${f.concurrency} in flight`, `${f.ours.perSecond} items/s (${f.ours.seconds} s) — ${f.ours.name}`, `${f.raw.perSecond} wf/s (${f.raw.seconds} s) raw trivial workflows`, `${f.ratio}`, `≥ 0.5 ${goal(f.ratio >= 0.5)}`]);
  }
  if (r.fanOutTaskList) {
    const f = r.fanOutTaskList;
    rows.push([`Fan-out, monthly list of ${f.n} assignments`, `${f.ours.perSecond} assignments/s (${f.ours.seconds} s) — ${f.ours.name}`, `${f.raw.perSecond} wf/s (${f.raw.seconds} s) raw trivial workflows`, `${f.ratio}`, `≥ 0.5 ${goal(f.ratio >= 0.5)}`]);
  }
  if (r.fanOutPragmas) {
    const { pragmas, mainPragmas = [], result: p } = r.fanOutPragmas;
    const repeat = pragmaSetting(pragmas) === pragmaSetting(mainPragmas) ? ', the same pragmas: a repeat' : '';
    rows.push([`Fan-out, dev server with ${pragmaSetting(pragmas)}`, `${p.ours.perSecond} items/s`, `${p.raw.perSecond} wf/s raw`, `${p.ratio}`, r.fanOut ? `${speedUps(p, r.fanOut)} vs the main dev server (${pragmaSetting(mainPragmas)}${repeat})` : '']);
  }
  if (r.fanOutPostgres) {
    const p = r.fanOutPostgres;
    rows.push([`Fan-out, full Temporal server on PostgreSQL`, `${p.ours.perSecond} items/s (${p.ours.seconds} s)`, `${p.raw.perSecond} wf/s (${p.raw.seconds} s) raw`, `${p.ratio}`, r.fanOut ? `${speedUps(p, r.fanOut)} vs dev server` : '']);
  }
  if (r.inbox) {
    // A window in which nothing answered has no latency: say so, rather than print autocannon's zeros as a pass.
    const answered = (l: LoadFigures) => l.requests > 0;
    for (const page of r.inbox.pages) {
      const bothAnswered = answered(page.api) && answered(page.driver);
      rows.push([
        `Inbox page ${page.page} (\`${page.query}\`), ${r.inbox.items.toLocaleString('en')} items, ${r.inbox.connections} connections × ${r.inbox.durationSeconds} s, unit user ${r.inbox.unitId} (${r.inbox.matching.toLocaleString('en')} matching)${r.inbox.database ? `; ${r.inbox.database}` : ''}${r.inbox.loadAverage ? `, load ${r.inbox.loadAverage.start} → ${r.inbox.loadAverage.end}` : ''}`,
        answered(page.api)
          ? `p50 ${page.api.p50Ms} ms, p99 ${page.api.p99Ms} ms, ${page.api.requestsPerSecond} req/s (${page.api.errors} errors)`
          : `no request answered (${page.api.errors} errors: autocannon gives up on a request after 10 s)`,
        answered(page.driver)
          ? `driver: p50 ${page.driver.p50Ms} ms, p99 ${page.driver.p99Ms} ms, ${page.driver.requestsPerSecond} req/s (${page.driver.errors} errors, ${page.driver.unfinished ?? 0} unfinished)`
          : `driver: no query finished within the window + 10 s (${page.driver.errors} errors, ${page.driver.unfinished ?? 0} unfinished)`,
        bothAnswered ? `p99 ×${page.p99Ratio}, req/s ×${page.throughputRatio}` : '',
        answered(page.api) ? `p99 ≤ 50 ms ${goal(page.api.p99Ms <= 50)}, ≤ 2× driver ${bothAnswered ? goal(page.p99Ratio <= 2) : '❌'}` : 'p99 ≤ 50 ms ❌',
      ]);
    }
    const times = (ratio: number | null) => (ratio === null || Number.isNaN(ratio) ? 'no figure' : `×${ratio}`);
    rows.push([`Inbox page ${r.inbox.pages.at(-1)!.page} vs page 1 (p99)`, `API ${times(r.inbox.deepPageP99Ratio.api)}`, `driver ${times(r.inbox.deepPageP99Ratio.driver)}`, '', '']);
  }
  if (r.timers) {
    const t = r.timers;
    const late = (d: { p50: number; p99: number; max: number }) => `p50 ${d.p50} ms, p99 ${d.p99} ms, max ${d.max} ms`;
    const settled = t.settledBeforeDue ? `all ${t.n} settled ${t.settledSeconds} s after the first start, before the first deadline` : 'NOT all settled before the first deadline: the lateness includes the start backlog';
    const cache = t.stickyCache ? `; worker cache in the window: ${t.stickyCache.hits} hits, ${t.stickyCache.misses} misses (replays), ${t.stickyCache.forcedEvictions} evictions` : '';
    const deadlines = (d: { dueFrom: string; dueTo: string }) =>
      d.dueFrom === d.dueTo ? `all at ${d.dueFrom.slice(11, 19)} UTC` : `${d.dueFrom.slice(11, 19)}–${d.dueTo.slice(11, 19)} UTC`;
    const cpu = (c: TimerLatenessResult['cpuMsPerFiring']) =>
      c ? `; CPU per firing ${c.total} ms (${Object.entries(c.perProcess).map(([name, ms]) => `${name} ${ms}`).join(', ')})` : '';
    const raw = t.raw
      ? `raw Temporal, ${t.raw.n} trivial workflows sleeping until deadlines ${deadlines(t.raw)}: ${late(t.raw.lateMs)} (${t.raw.fired} woke)${cpu(t.raw.cpuMsPerFiring)}`
      : 'due instant';
    rows.push([
      `Timer lateness, ${t.n} deadlines ${deadlines(t)}`,
      `${late(t.lateMs)} (${t.redNotices} red notices)${cpu(t.cpuMsPerFiring)}; ${settled}${cache}`,
      raw,
      t.raw && t.raw.lateMs.p99 > 0 ? `p99 ×${ratio(t.lateMs.p99, t.raw.lateMs.p99)}` : '',
      `p99 ≤ 2 s ${goal(t.lateMs.p99 <= 2000)}`,
    ]);
  }
  if (r.footprint) {
    const { idle, loaded, replay } = r.footprint;
    rows.push([`Worker RSS, ${loaded.openWorkflows} open workflows`, `${loaded.workerRssMiB} MiB`, `${idle.workerRssMiB} MiB idle (${idle.openWorkflows} open)`, '', `≤ 1024 MiB ${goal(loaded.workerRssMiB <= 1024)}`]);
    if (replay) rows.push([`Replay of a two-year item (${replay.months} monthly reports, ${replay.events} events)`, `${replay.replayMs.median} ms median (first ${replay.replayMs.first} ms)`, `${replay.baseline.replayMs} ms for a ${replay.baseline.events}-event history`, '', '']);
  }
  if (r.export) {
    const e = r.export;
    rows.push([`Ledger export, ${e.expectedRows.toLocaleString('en')} items (${e.rows.toLocaleString('en')} rows, ${(e.bytes / 1024 / 1024).toFixed(1)} MiB XLSX)`, `${e.seconds} s, API RSS ${e.apiRssStartMiB} → peak ${e.apiRssPeakMiB} MiB`, `driver cursor alone: ${e.driver.seconds} s`, `×${Math.round((e.seconds / e.driver.seconds) * 10) / 10} time`, `API RSS +${Math.round(e.apiRssPeakMiB - e.apiRssStartMiB)} MiB (one size measured)`]);
  }
  if (r.web) {
    const { link, visits, compressed, uncompressed } = r.web;
    const load = (l: PageLoad) => `${(l.ms / 1000).toFixed(2)} s, ${Math.round(l.bytes / 1024)} KiB in ${l.requests} requests (${l.encodings.join('/')})`;
    for (const page of ['login', 'workbench'] as const) {
      const what = page === 'login' ? 'login page, address to form' : 'workbench after login, 登录 to the inbox rows';
      rows.push([`Web first load on ${link.downloadKbit / 1000} Mbit/s, ${link.rttMs} ms RTT (Chromium, 390×844, median of ${visits}): ${what}`, load(compressed[page]), `uncompressed: ${load(uncompressed[page])}`, `×${ratio(compressed[page].ms, uncompressed[page].ms)} time, ×${ratio(compressed[page].bytes, uncompressed[page].bytes)} bytes`, `≤ 3 s ${goal(compressed[page].ms <= 3000)}`]);
    }
  }
  for (const [seed, purpose] of [[r.seed, 'inbox'], [r.exportSeed, 'export']] as const) {
    if (seed) rows.push([`Seeding the read model for the ${purpose} (insertMany, indexes in place)`, `${seed.seeded.toLocaleString('en')} items in ${seed.seconds} s (${seed.perSecond}/s)`, '', '', '']);
  }
  const m = r.machine;
  return [
    `# Benchmarks — ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Machine: ${m.cpus} cores (${m.cpuModel}), ${m.memoryGiB} GiB RAM, Node ${m.node}, ${m.platform}${m.loadAverageAtStart ? `; load average (1/5/15 min) ${m.loadAverageAtStart.join(' / ')} at start, ${m.loadAverageAtEnd?.join(' / ') ?? '?'} at the end` : ''}. Temporal: ${r.servers.temporal}. Database: ${r.servers.database}.`,
    '',
    '| what | ours | baseline (same run) | ratio | goal |',
    '|---|---|---|---|---|',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
    '',
    ...(r.notes.length ? ['Notes:', '', ...r.notes.map((n) => `- ${n}`), ''] : []),
  ].join('\n');
}

/** A window's latencies, or why there are none. */
const probe = (p: Probe) => {
  if (p.note) return p.count > 0 ? `${p.maxMs} ms: ${p.note}` : p.note;
  return p.count > 0
    ? `p50 ${p.p50Ms} ms, p99 ${p.p99Ms} ms, ${p.perSecond}/s (${p.count} calls${p.errors ? `, ${p.errors} errors` : ''}${p.unfinished ? `, ${p.unfinished} unfinished` : ''})`
    : `nothing answered in the window (${p.errors} errors, ${p.unfinished} unfinished)`;
};

/** The county section's rows: its sizes and seeding, then each figure beside the read model's query alone and its goal. */
export function countyRows(c: CountyResult): string[][] {
  const { sizes } = c.seed;
  const n = (x: number) => x.toLocaleString('en');
  const rows: string[][] = [];
  const when = (p: CountyResult['seed']['phases'][number]) =>
    p.seededNow > 0 ? ` (${n(p.seededNow)} in ${p.seconds} s, ${n(p.perSecond)}/s)` : p.seeded ? ` (seeded earlier in ${p.seeded.seconds} s, ${n(p.seeded.perSecond)}/s)` : '';
  const seeded = c.seed.phases.map((p) => `${p.phase} ${n(p.records)}${when(p)}`).join('; ');
  rows.push([
    `County at scale ${sizes.scale}: 300 units in 4 levels, ${n(c.seed.users)} users, ${n(sizes.items)} items, ${n(sizes.assignments)} assignments, ${n(sizes.notifications)} notifications, ${n(sizes.audit)} audit entries over 3 years; ${c.database}; load ${c.loadAverage.start} → ${c.loadAverage.end}`,
    c.store.reused ? `store reused (seeded earlier): ${seeded}` : `seeded in ${c.seed.seconds} s, ${c.seed.writers} writers × batches of ${c.seed.batch}: ${seeded}`,
    '',
    '',
    '',
  ]);
  for (const f of c.load.figures) {
    const p99 = f.api ?? f.baseline;
    const met = p99.count > 0 && p99.unfinished === 0 && p99.errors === 0 && p99.p99Ms <= f.goalMs;
    const measured = p99.count > 0 || p99.unfinished > 0 || p99.errors > 0;
    rows.push([
      `County: ${f.what}, ${f.users === 1 ? 'one user' : `${f.users} concurrent users`}`,
      f.api ? `API: ${probe(f.api)}` : probe(f.baseline),
      f.api ? `read model alone: ${probe(f.baseline)}` : '(the query itself)',
      f.api && f.api.count > 0 && f.baseline.count > 0 ? `p99 ×${ratio(f.api.p99Ms, f.baseline.p99Ms)}` : '',
      `${f.users === 1 ? '' : 'p99 '}≤ ${f.goalMs} ms ${measured ? goal(met) : '—'}`,
    ]);
  }
  const e = c.load.export;
  rows.push([
    `County: ledger export of ${e.unitId}, ${n(e.rows)} rows (${(e.bytes / 1024 / 1024).toFixed(1)} MiB XLSX)`,
    `${e.seconds} s, API RSS ${e.apiRssStartMiB} → peak ${e.apiRssPeakMiB} MiB`,
    `driver cursor alone: ${e.driver.seconds} s`,
    `×${ratio(e.seconds, e.driver.seconds)} time`,
    `≤ 5 s ${goal(e.seconds <= 5 && e.rows === e.expectedRows)}${e.rows < 10_000 ? ` (goal set for 10,000 rows)` : ''}`,
  ]);
  return rows;
}
