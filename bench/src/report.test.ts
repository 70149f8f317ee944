import { describe, expect, it } from 'vitest';
import type { FanOutResult } from './fanout.js';
import { renderMarkdown, type BenchResults } from './report.js';

const WAL = ['journal_mode=wal', 'synchronous=normal'];

function fanOut(oursPerSecond: number, rawPerSecond: number): FanOutResult {
  return {
    n: 2000,
    concurrency: 50,
    raw: { seconds: 2000 / rawPerSecond, perSecond: rawPerSecond },
    ours: { name: 'rectification-register', describe: 'registering items', seconds: 2000 / oursPerSecond, perSecond: oursPerSecond },
    ratio: Math.round((oursPerSecond / rawPerSecond) * 100) / 100,
  };
}

function run(fanOutPragmas: BenchResults['fanOutPragmas']): BenchResults {
  const results: BenchResults = {
    startedAt: '2026-12-06T22:00:00.000Z',
    finishedAt: '2026-12-06T23:00:00.000Z',
    machine: { cpus: 2, cpuModel: 'test', memoryGiB: 24, node: 'v20', platform: 'linux x64' },
    servers: { temporal: 'dev server', database: 'FerretDB' },
    fanOut: fanOut(40, 80),
    notes: [],
  };
  if (fanOutPragmas) results.fanOutPragmas = fanOutPragmas;
  return results;
}

const pragmasRow = (markdown: string) => markdown.split('\n').find((line) => line.startsWith('| Fan-out, dev server with'));

describe('the pragmas row of the benchmark table', () => {
  it('names the setting of each server it compares, when the main dev server runs with WAL', () => {
    const row = pragmasRow(renderMarkdown(run({ pragmas: [], mainPragmas: WAL, result: fanOut(10, 20) })));

    expect(row).toContain('dev server with default pragmas');
    expect(row).toContain('ours ×0.25, raw ×0.25 vs the main dev server (`journal_mode=wal` `synchronous=normal`)');
    expect(row).not.toContain('a repeat');
  });

  it('names WAL against default pragmas the other way round', () => {
    const row = pragmasRow(renderMarkdown(run({ pragmas: WAL, mainPragmas: [], result: fanOut(35, 80) })));

    expect(row).toContain('dev server with `journal_mode=wal` `synchronous=normal`');
    expect(row).toContain('ours ×0.88, raw ×1 vs the main dev server (default pragmas)');
  });

  it('calls two servers with the same pragmas a repeat, not a comparison of settings', () => {
    const row = pragmasRow(renderMarkdown(run({ pragmas: WAL, mainPragmas: WAL, result: fanOut(44, 88) })));

    expect(row).toContain('vs the main dev server (`journal_mode=wal` `synchronous=normal`, the same pragmas: a repeat)');
  });
});

describe('the seeding rows of the benchmark table', () => {
  it('say which section each seeding served, when both seeded', () => {
    const seeding = { requested: 100_000, seeded: 100_000, seconds: 50, perSecond: 2000, note: null };
    const markdown = renderMarkdown({ ...run(undefined), seed: seeding, exportSeed: { ...seeding, seconds: 75, perSecond: 1333 } });

    expect(markdown).toContain('| Seeding the read model for the inbox (insertMany, indexes in place) | 100,000 items in 50 s (2000/s) |');
    expect(markdown).toContain('| Seeding the read model for the export (insertMany, indexes in place) | 100,000 items in 75 s (1333/s) |');
  });
});

describe('the web rows of the benchmark table', () => {
  const load = (ms: number, bytes: number) => ({ ms, bytes, requests: 10, encodings: ['br'] });
  const withWeb = (loginMs: number): BenchResults => ({
    ...run(undefined),
    web: {
      link: { downloadKbit: 1600, uploadKbit: 750, rttMs: 150 },
      visits: 3,
      compressed: { login: load(loginMs, 240_000), workbench: load(1500, 120_000) },
      uncompressed: { login: load(5400, 790_000), workbench: load(2600, 370_000) },
    },
  });
  const webRows = (markdown: string) => markdown.split('\n').filter((line) => line.startsWith('| Web first load'));

  it('puts each page beside its uncompressed load and judges the compressed one against 3 s', () => {
    const [login, workbench] = webRows(renderMarkdown(withWeb(2700)));
    expect(login).toContain('login page');
    expect(login).toContain('2.70 s, 234 KiB');
    expect(login).toContain('uncompressed: 5.40 s, 771 KiB');
    expect(login).toContain('≤ 3 s ✅');
    expect(workbench).toContain('workbench after login');
    expect(webRows(renderMarkdown(withWeb(3100)))[0]).toContain('≤ 3 s ❌');
  });
});
