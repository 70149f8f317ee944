import autocannon from 'autocannon';
import type { Connection } from 'mongoose';
import { closedLoop, distribution, perSecond, ratio } from './stats.js';

export interface LoadFigures {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly requestsPerSecond: number;
  readonly requests: number;
  readonly errors: number;
  /** Driver only: queries still running 10 s after the end, left behind. */
  readonly unfinished?: number;
}

export interface InboxPageResult {
  readonly page: number;
  readonly query: string;
  readonly rowsOnPage: number;
  readonly api: LoadFigures;
  readonly driver: LoadFigures;
  /** api p99 / driver p99 (goal ≤ 2) and api req/s / driver req/s. */
  readonly p99Ratio: number;
  readonly throughputRatio: number;
}

export interface InboxResult {
  readonly items: number;
  readonly unitId: string;
  /** Items the unit user may see with the filter (all pages). */
  readonly matching: number;
  readonly connections: number;
  readonly durationSeconds: number;
  readonly pages: InboxPageResult[];
  /** p99 of page 50 over page 1, API and driver (keyset paging keeps it near 1). */
  readonly deepPageP99Ratio: { api: number; driver: number };
  /** Set by `npm run bench`: the database it ran on and the 1-minute load average before and after. */
  readonly database?: string;
  readonly loadAverage?: { start: number; end: number };
}

interface InboxPage {
  items: { id: string }[];
  nextCursor: string | null;
}

/**
 * The cursor the API hands out after page `page - 1` of the query: the (due, id) of that page's last row, found
 * with one driver query (walking 49 slow pages through the API would cost minutes on FerretDB).
 */
async function cursorBefore(database: Connection, filter: Record<string, unknown>, limit: number, page: number): Promise<string | null> {
  if (page === 1) return null;
  const [row] = await database.db!.collection('rectifications').find(filter, { projection: { due: 1 } }).sort({ due: 1, _id: 1 }).skip((page - 1) * limit - 1).limit(1).toArray();
  if (!row) throw new Error(`inbox has fewer than ${page} pages`);
  return Buffer.from(JSON.stringify([(row.due as Date).toISOString(), row._id])).toString('base64url');
}

/** The cursor's (due, id), as the API decodes it (base64url JSON, see apps/api/src/common/paging.ts). */
function decodeCursor(cursor: string): { due: Date; id: string } {
  const [due, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
  return { due: new Date(due), id };
}

async function loadApi(url: string, token: string, connections: number, durationSeconds: number): Promise<LoadFigures> {
  const result = await autocannon({ url, connections, duration: durationSeconds, headers: { authorization: `Bearer ${token}` } });
  return {
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    requestsPerSecond: Math.round(result.requests.average * 10) / 10,
    requests: result.requests.total,
    errors: result.errors + result.non2xx + result.timeouts,
  };
}

export async function benchInbox(
  apiUrl: string,
  database: Connection,
  options: { token: string; unitId: string; status: string; limit: number; pages: readonly number[]; connections: number; durationSeconds: number; items: number },
): Promise<InboxResult> {
  const { token, unitId, status, limit, connections, durationSeconds } = options;
  const query = `status=${status}&limit=${limit}`;
  const collection = database.db!.collection('rectifications');
  const matching = await collection.countDocuments({ status, unitScope: unitId });
  // Deep pages exist only as far as the seeded data reaches (a scaled-down seed has fewer than 50).
  const pages: InboxPageResult[] = [];
  const wanted = [...new Set(options.pages.map((p) => Math.max(1, Math.min(p, Math.floor(matching / limit)))))];
  for (const page of wanted) {
    // The same query the read model sends (RectificationReadModel.inbox), through the driver alone.
    const base: Record<string, unknown> = { status, unitScope: unitId };
    const cursor = await cursorBefore(database, base, limit, page);
    const url = `${apiUrl}/api/inbox?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const check = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    if (check.status !== 200) throw new Error(`inbox page ${page}: ${check.status} ${await check.text()}`);
    const rowsOnPage = ((await check.json()) as InboxPage).items.length;
    const api = await loadApi(url, token, connections, durationSeconds);

    const filter = { ...base };
    if (cursor) {
      const after = decodeCursor(cursor);
      filter.$or = [{ due: { $gt: after.due } }, { due: after.due, _id: { $gt: after.id } }];
    }
    const loop = await closedLoop(connections, durationSeconds * 1000, () => collection.find(filter).sort({ due: 1, _id: 1 }).limit(limit).maxTimeMS(durationSeconds * 1000 + 10_000).toArray());
    const d = distribution(loop.latencies);
    const driver: LoadFigures = { p50Ms: d.p50, p99Ms: d.p99, maxMs: d.max, requestsPerSecond: perSecond(d.count, loop.seconds), requests: d.count, errors: loop.errors, unfinished: loop.unfinished };
    pages.push({ page, query, rowsOnPage, api, driver, p99Ratio: ratio(api.p99Ms, driver.p99Ms), throughputRatio: ratio(api.requestsPerSecond, driver.requestsPerSecond) });
  }
  const first = pages[0]!;
  const deep = pages.at(-1)!;
  return {
    items: options.items,
    unitId,
    matching,
    connections,
    durationSeconds,
    pages,
    deepPageP99Ratio: { api: ratio(deep.api.p99Ms, first.api.p99Ms), driver: ratio(deep.driver.p99Ms, first.driver.p99Ms) },
  };
}
