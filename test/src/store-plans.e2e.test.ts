import type { Connection } from 'mongoose';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endOfShanghaiDay, publishAssignment, register, type Actor, type Status } from '@duban/domain';
import { AssignmentReadModel, AuditLogRepository, MONTH_AT_ONCE, NotificationRepository, RectificationCounts, RectificationReadModel, ReportReadModel, assignmentRecord, openDatabase, positionOf, rectificationRecord, syncIndexes, type AuditAppend, type ListPosition, type NewNotification } from '@duban/persistence';
// @ts-expect-error plain ESM helper without types
import { freePort, startFerretDbOnPostgres } from '../../tools/lib/servers.mjs';
import { until } from './support/until.js';

// Issue #26: on FerretDB v1.24 over PostgreSQL, the hot queries' equality filters are pushed down as
// `_jsonb->'field' @> value`; these tests hold that PostgreSQL answers them from an index, not a sequential scan.
// FerretDB pushes neither the sort nor the limit (docs/queries.md): each query still reads every row its filter
// matches, so the filter must be selective — that is the read model's part.

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

interface Explained {
  filterPushdown?: boolean;
  queryPlanner?: { Plan?: PlanNode };
}

const USERS = 60;
const PER_USER = 50;
const UNITS = 20;
const ITEMS = 2_000;
const SOURCES = ['provincial_assessment', 'self_inspection'] as const;
const CATEGORIES = ['housing', 'health', 'employment'] as const;
/** A user with more notifications in a month than are read at once: listed day by day. */
const HEAVY_USER = 'user-heavy';
const HEAVY_PER_DAY = 50;
const AUDIT_ENTRIES = 3_000;
const AUDIT_ACTORS = 10;

let store: { stop(): Promise<void> };
let database: Connection;
let dir: string;
/** The filters of the `find` commands this process sent, per collection (the driver's command monitoring). */
const sentFilters: { collection: string; filter: Record<string, unknown> }[] = [];
/** Rows each `find` / `getMore` answered, by request id (what FerretDB decoded: the whole filter is pushed). */
const answeredRows: { collection: string; rows: number }[] = [];
const requestCollections = new Map<number, string>();

// The list buckets' seed: a county of 2 townships of 10 villages, items due over 60 days from 2026-12-01.
const TOWNSHIPS = 2;
const VILLAGES = 10;
const LIST_ITEMS = 2_400;
const LIST_DAYS = 60;
const LIST_STATUSES: Status[] = ['assigned', 'rectifying', 'rectifying', 'pending_acceptance', 'closed'];
const PAGE = 20;
const listNow = new Date('2026-11-20T00:00:00.000Z');
const seeder: Actor = { userId: 'office-1', name: '县乡村振兴局', unitId: 'office', roles: ['office'] };
const villageOf = (i: number) => `t${i % TOWNSHIPS}-v${Math.floor(i / TOWNSHIPS) % VILLAGES}`;
const dueDateOf = (i: number) => new Date(Date.parse('2026-12-01T00:00:00.000Z') + Math.floor(i / (LIST_ITEMS / LIST_DAYS)) * 86_400_000).toISOString().slice(0, 10);
const statusOf = (i: number) => LIST_STATUSES[Math.floor(i / (TOWNSHIPS * VILLAGES)) % LIST_STATUSES.length]!;

async function explainFind(collection: string, filter: Record<string, unknown>, sort?: Record<string, 1 | -1>, limit?: number): Promise<{ pushedDown: boolean; nodes: PlanNode[] }> {
  const explained = (await database.db!.command({ explain: { find: collection, filter, ...(sort ? { sort } : {}), ...(limit ? { limit } : {}) } })) as Explained;
  const nodes: PlanNode[] = [];
  const walk = (node: PlanNode | undefined) => {
    if (!node) return;
    nodes.push(node);
    node.Plans?.forEach(walk);
  };
  walk(explained.queryPlanner?.Plan);
  return { pushedDown: explained.filterPushdown === true, nodes };
}

/**
 * A filter FerretDB v1.24 pushes down whole: top-level keys, each a string, number or boolean (docs/queries.md).
 * Such a filter reads exactly the rows it matches, so counting them counts what the query reads.
 */
const isPushedEquality = (filter: Record<string, unknown>) =>
  Object.entries(filter).every(([key, value]) => !key.includes('.') && !key.startsWith('$') && ['string', 'number', 'boolean'].includes(typeof value));

/** The `find` filters this process sent to `collection` while `run` ran. */
async function filtersSentBy(collection: string, run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const before = sentFilters.length;
  await run();
  return sentFilters.slice(before).filter((command) => command.collection === collection).map((command) => command.filter);
}

/** Fails unless each filter is served by an index scan on each of `fields` (waiting for the store to create them) and no Seq Scan. */
async function expectIndexScans(collection: string, filters: Record<string, unknown>[], fields: readonly string[]): Promise<void> {
  expect(filters.length).toBeGreaterThan(0);
  for (const filter of filters) {
    const plan = await until(`index scans on ${fields.join(', ')} for ${JSON.stringify(filter)}`, () => explainFind(collection, filter), ({ nodes }) => fields.every((field) => indexScansOn(nodes, field).length > 0));
    expect(plan.pushedDown).toBe(true);
    expect(plan.nodes.map((node) => node['Node Type'])).not.toContain('Seq Scan');
  }
}

/**
 * For the small per-user directories (a user's months, counters, the one-document audit head): PostgreSQL's planner
 * rightly prefers a Seq Scan once it has analysed a table of a few hundred rows, so what must hold is that the filter
 * is wholly pushed down and matches at most `maxRows` — what a read costs in FerretDB.
 */
async function expectPushedAndBounded(collection: string, filters: Record<string, unknown>[], maxRows: number): Promise<void> {
  expect(filters.length).toBeGreaterThan(0);
  for (const filter of filters) {
    expect((await explainFind(collection, filter)).pushedDown, JSON.stringify(filter)).toBe(true);
    expect(await database.collection(collection).countDocuments(filter)).toBeLessThanOrEqual(maxRows);
  }
}

/** The plan's index scans on `field` (FerretDB's SQL names the field as `_jsonb -> 'field'`). */
const indexScansOn = (nodes: PlanNode[], field: string) =>
  nodes.filter((node) => node['Node Type'].includes('Index Scan') && (node['Index Cond'] ?? '').includes(`'${field}'::text`));

describe('the store on FerretDB / PostgreSQL answers hot queries from indexes', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'duban-plans-'));
    const port = await freePort();
    store = await startFerretDbOnPostgres({ port, dataDir: join(dir, 'store'), logFile: join(dir, 'ferretdb.log') });
    // Slow-command settings only to switch the driver's command monitoring on; nothing is that slow.
    database = await openDatabase({ url: `mongodb://127.0.0.1:${port}/duban_plans`, slowCommands: { thresholdMs: Number.POSITIVE_INFINITY, onSlowCommand: () => undefined } });
    database.getClient().on('commandStarted', (event) => {
      if (event.commandName === 'find') sentFilters.push({ collection: event.command.find as string, filter: event.command.filter as Record<string, unknown> });
      if (event.commandName === 'find' || event.commandName === 'getMore') requestCollections.set(event.requestId, (event.command.find ?? event.command.collection) as string);
    });
    database.getClient().on('commandSucceeded', (event) => {
      const collection = requestCollections.get(event.requestId);
      if (collection === undefined) return;
      requestCollections.delete(event.requestId);
      const cursor = (event.reply as { cursor?: { firstBatch?: unknown[]; nextBatch?: unknown[] } }).cursor;
      answeredRows.push({ collection, rows: (cursor?.firstBatch ?? cursor?.nextBatch ?? []).length });
    });
    await syncIndexes(database);
    // Items with the fields the ledger filters on (unitScope: the unit and the county above it).
    await database.collection('rectifications').insertMany(
      Array.from({ length: ITEMS }, (_, i) => ({
        _id: `item-${String(i).padStart(5, '0')}`,
        version: 1,
        status: 'rectifying',
        source: SOURCES[i % SOURCES.length],
        leadUnitId: `unit-${i % UNITS}`,
        unitScope: [`unit-${i % UNITS}`, 'county'],
        registeredAt: new Date(Date.parse('2026-01-05T00:00:00.000Z') + i * 60_000).toISOString(),
        due: new Date('2026-03-01T00:00:00.000Z'),
        // What the counts read model counts (category, deadline, lagging inputs, escalation).
        category: CATEGORIES[i % CATEGORIES.length],
        dueAt: `2026-${String(2 + (i % 3)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}T15:59:59.999Z`,
        schedule: { blueAt: null },
        closedAt: null,
        missedProgress: false,
        returns: 0,
        policy: { yellowAfterReturns: 2 },
        escalationOpen: false,
        escalationLevel: 0,
      })) as never[],
    );
    // Inbox items and assignments as the projection stores them (their bucket keys and directory markers).
    await new RectificationReadModel(database).insertProjected(
      Array.from({ length: LIST_ITEMS }, (_, i) => {
        const village = villageOf(i);
        const state = register(
          { id: `list-item-${String(i).padStart(5, '0')}`, title: `第${i}号问题`, description: '饮水不达标', source: 'provincial_assessment', category: 'drinking_water', severity: 'general', leadUnitId: village, coUnitIds: [], dueAt: endOfShanghaiDay(dueDateOf(i)) },
          seeder,
          '2026-11-01T02:00:00.000Z',
        );
        return rectificationRecord({ ...state, status: statusOf(i) }, [village, village.split('-')[0]!, 'county']);
      }),
    );
    await new AssignmentReadModel(database).insertProjected(
      Array.from({ length: LIST_ITEMS }, (_, i) => {
        const village = villageOf(i);
        const state = publishAssignment(
          { id: `list-2026-12.item-${i}.${village}`, listId: 'list-2026-12', listTitle: '12月任务清单', month: '2026-12', itemId: `item-${i}`, title: '入户走访', content: '走访脱贫户', leadUnitId: village, coUnitIds: [], dueAt: endOfShanghaiDay(dueDateOf(i)), onUnfinished: 'carry_over', carriedFrom: null, quantity: null },
          seeder,
          '2026-12-01T01:00:00.000Z',
        );
        return assignmentRecord(state, [village, village.split('-')[0]!, 'county']);
      }),
    );
    const notifications = new NotificationRepository(database);
    const start = Date.parse('2026-01-05T00:00:00.000Z');
    // One bulk write, as a bench seed writes them.
    await notifications.createIfAbsent(
      Array.from({ length: PER_USER }, (_, n) =>
        Array.from({ length: USERS }, (_, u) => ({
          _id: `deadline:${n}:user-${u}`,
          key: `deadline:${n}`,
          userId: `user-${u}`,
          unitId: `unit-${u % 10}`,
          level: 'blue' as const,
          title: '任务即将到期',
          body: '您有一项任务将于3日后到期，请及时办理。',
          subject: { kind: 'rectification' as const, id: `item-${n}` },
          createdAt: new Date(start + (n * USERS + u) * 60_000),
        })),
      )
        .flat<NewNotification[][]>()
        .concat(
          Array.from({ length: 3 * HEAVY_PER_DAY }, (_, n): NewNotification => ({
            _id: `busy:${n}:${HEAVY_USER}`,
            key: `busy:${n}`,
            userId: HEAVY_USER,
            unitId: 'unit-1',
            level: 'red' as const,
            title: '红色督办',
            body: '请立即办理。',
            subject: { kind: 'rectification' as const, id: `item-${n}` },
            createdAt: new Date(start + Math.floor(n / HEAVY_PER_DAY) * 86_400_000 + (n % HEAVY_PER_DAY) * 60_000),
          })),
        ),
    );
    // Audit entries of 10 users, 100 a day over 30 days, chained as append chains them.
    const entries: AuditAppend[] = Array.from({ length: AUDIT_ENTRIES }, (_, i) => ({
      action: 'POST /api/rectifications',
      result: 'success',
      status: 201,
      actor: { userId: `user-${i % AUDIT_ACTORS}`, name: '用户', unitId: `unit-${i % UNITS}`, roles: ['unit'] },
      target: `item-${i}`,
    }));
    let seq = 0;
    await new AuditLogRepository(database, () => new Date(start + seq++ * 864_000)).appendMany(entries);
  });

  afterAll(async () => {
    await database?.close();
    await store?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("a user's notification list, first and deep pages, reads a sparse month or one day's bucket per query through the userMonth / userDay index", async () => {
    const notifications = new NotificationRepository(database);
    const filters: Record<string, unknown>[] = [];
    for (const userId of ['user-7', HEAVY_USER]) {
      let page: Awaited<ReturnType<NotificationRepository['listForUser']>> = [];
      filters.push(...(await filtersSentBy('notifications', async () => (page = await notifications.listForUser({ userId, limit: 20 })))));
      expect(page).toHaveLength(20);
      expect(page.every((row) => row.userId === userId)).toBe(true);
      const last = page.at(-1)!;
      filters.push(...(await filtersSentBy('notifications', () => notifications.listForUser({ userId, limit: 20, after: { createdAt: last.createdAt, id: last._id } }))));
      filters.push(...(await filtersSentBy('notifications', () => notifications.listForUser({ userId, limit: 20, unreadOnly: true }))));
    }
    const byDay = filters.filter((filter) => 'userDay' in filter);
    const byMonth = filters.filter((filter) => 'userMonth' in filter);
    expect(byDay.length).toBeGreaterThan(0); // the heavy user's month is read day by day
    expect(byMonth.length).toBeGreaterThan(0); // user-7's month (50) at once
    expect(byDay.length + byMonth.length).toBe(filters.length);
    for (const filter of filters) {
      expect(isPushedEquality(filter)).toBe(true);
      expect(await database.collection('notifications').countDocuments(filter)).toBeLessThanOrEqual(MONTH_AT_ONCE);
    }
    await expectIndexScans('notifications', byDay, ['userDay']);
    await expectIndexScans('notifications', byMonth, ['userMonth']);
    // The buckets' own lists: a user's months, a month's days.
    await expectPushedAndBounded('notification_months', await filtersSentBy('notification_months', () => notifications.listForUser({ userId: 'user-7', limit: 5 })), 36);
    await expectPushedAndBounded('notification_days', await filtersSentBy('notification_days', () => notifications.listForUser({ userId: 'user-7', limit: 5 })), 31);
  });

  it("a user's unread count reads only the user's few counter documents, by a pushed userId", async () => {
    const notifications = new NotificationRepository(database);
    let unread = 0;
    const filters = await filtersSentBy('notification_counts', async () => (unread = await notifications.countUnread('user-7')));
    expect(unread).toBe(PER_USER);
    for (const filter of filters) {
      expect(isPushedEquality(filter)).toBe(true);
      expect(await database.collection('notification_counts').countDocuments(filter)).toBeLessThanOrEqual(3);
    }
    await expectPushedAndBounded('notification_counts', filters, 3);
  });

  it("the audit search by user and day reads that user's entries of that day through the actorUserId and day indexes", async () => {
    const audit = new AuditLogRepository(database);
    let found: Awaited<ReturnType<AuditLogRepository['list']>> = [];
    const filters = await filtersSentBy('audit_log', async () => (found = await audit.list({ actorId: 'user-3', from: new Date('2026-01-09T16:00:00.000Z'), to: new Date('2026-01-10T15:59:59.999Z'), limit: 50 })));
    expect(found).toHaveLength(10);
    expect(found.every((entry) => entry.actor?.userId === 'user-3')).toBe(true);
    for (const filter of filters) {
      // The pushed part: everything but the period, which FerretDB checks in Go on the day's rows.
      const { at: _period, ...pushed } = filter;
      expect(isPushedEquality(pushed)).toBe(true);
      expect(pushed).toMatchObject({ actorUserId: 'user-3', day: '2026-01-10' });
      expect(await database.collection('audit_log').countDocuments(pushed)).toBeLessThanOrEqual(10);
    }
    await expectIndexScans('audit_log', filters, ['actorUserId', 'day']);
  });

  it("the audit chain's tail is read from the head record and the seqs after it by _id, and verify reads 500-seq batches by index", async () => {
    const sentTo = (collection: string, from: number) => sentFilters.slice(from).filter((command) => command.collection === collection).map((command) => command.filter);
    const before = sentFilters.length;
    const appended = await new AuditLogRepository(database).append({ action: 'test.tail', result: 'success' });
    expect(appended._id).toBe(AUDIT_ENTRIES + 1);
    const tailReads = sentTo('audit_log', before);
    for (const filter of tailReads) expect(Object.keys(filter)).toEqual(['_id']);
    await expectPushedAndBounded('audit_head', sentTo('audit_head', before), 1);
    await expectIndexScans('audit_log', tailReads, ['_id']);

    let verified: Awaited<ReturnType<AuditLogRepository['verify']>> | undefined;
    const batches = await filtersSentBy('audit_log', async () => (verified = await new AuditLogRepository(database).verify()));
    expect(verified).toMatchObject({ ok: true, checked: AUDIT_ENTRIES + 1 });
    const batchReads = batches.filter((filter) => 'batch' in filter);
    expect(batchReads.length).toBe(Math.floor((AUDIT_ENTRIES + 1) / 500) + 1);
    for (const filter of batchReads) expect(isPushedEquality(filter)).toBe(true);
    await expectIndexScans('audit_log', batchReads.slice(0, 2), ['batch']);
  });

  it('a notification is found by its id through an index on _id', async () => {
    const query = () => explainFind('notifications', { _id: 'deadline:3:user-7' });
    const plan = await until('an index scan on _id', query, ({ nodes }) => indexScansOn(nodes, '_id').length > 0);
    expect(plan.pushedDown).toBe(true);
    expect(plan.nodes.map((node) => node['Node Type'])).not.toContain('Seq Scan');
    expect((await new NotificationRepository(database).findById('deadline:3:user-7'))?.userId).toBe('user-7');
  });

  it("the ledger of a unit's items from one source is filtered in PostgreSQL through the unitScope index", async () => {
    const read = new ReportReadModel(database);
    const before = sentFilters.length;
    let rows = 0;
    for await (const item of read.stream({ scopeUnitId: 'unit-3', source: 'self_inspection', now: new Date('2026-02-01T00:00:00.000Z') })) {
      expect(item.unitScope).toContain('unit-3');
      rows++;
    }
    expect(rows).toBe(ITEMS / UNITS);
    const sent = sentFilters.slice(before).find((command) => command.collection === 'rectifications');
    expect(sent).toBeDefined();

    const plan = await until('an index scan on unitScope', () => explainFind('rectifications', sent!.filter, { registeredAt: 1, _id: 1 }), ({ nodes }) => indexScansOn(nodes, 'unitScope').length > 0);
    expect(plan.pushedDown).toBe(true);
    expect(plan.nodes.map((node) => node['Node Type'])).not.toContain('Seq Scan');
  });

  it("a unit's dashboard counts and the county's light gauge read a bounded set of count documents through indexes", async () => {
    const counts = RectificationCounts.of(database);
    await counts.rebuild();
    const reads: { collection: string; filter: Record<string, unknown> }[] = [];
    const now = new Date('2026-03-10T04:00:00.000Z');
    for (const read of [() => counts.groups({ scope: 'unit-3', now }), () => counts.groups({ scope: 'unit-3', source: 'self_inspection', now }), () => counts.runningByLight(now)]) {
      const before = sentFilters.length;
      await read();
      reads.push(...sentFilters.slice(before).filter((command) => command.collection === 'rectification_counts'));
    }
    expect(reads.length).toBeGreaterThan(3);
    for (const { filter } of reads) {
      const key = ['_id', 'part', 'scope'].find((field) => field in filter)!;
      const plan = await until(`an index scan on ${key}`, () => explainFind('rectification_counts', filter), ({ nodes }) => indexScansOn(nodes, key).length > 0);
      expect(plan.pushedDown, JSON.stringify(filter)).toBe(true);
      expect(plan.nodes.map((node) => node['Node Type'])).not.toContain('Seq Scan');
      // Bounded by groups × months, not by items: 2,000 items, at most 2 sources × (1 unit + 3 categories) per month.
      expect(await database.collection('rectification_counts').countDocuments(filter)).toBeLessThanOrEqual(8);
    }
    expect((await counts.groups({ scope: 'unit-3', now })).filter((g) => g.kind === 'u').reduce((sum, g) => sum + g.total, 0)).toBe(ITEMS / UNITS);
  });

  describe('the inbox and the assignment list read only their buckets', () => {
    /** The wrapper indexes the seeded collections one after another (minutes on a loaded machine): wait for all three. */
    beforeAll(async () => {
      const indexed = async (collection: string, filter: Record<string, unknown>, field: string) => {
        for (let i = 0; i < 1_500; i++) {
          if (indexScansOn((await explainFind(collection, filter)).nodes, field).length > 0) return;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        throw new Error(`no index scan on ${collection}.${field}`);
      };
      await indexed('rectifications', { inboxKeys: 't0-v3|open|2026-12-05' }, 'inboxKeys');
      await indexed('assignments', { listKeys: 't1|running|2026-12-05|0' }, 'listKeys');
      await indexed('list_days', { parent: 'rectifications:t0-v3|open' }, 'parent');
    });

    /** Rows the store decoded for `read`, the pushed filters it sent, and the page. */
    async function measured<T>(collection: string, read: () => Promise<T[]>): Promise<{ page: T[]; rows: number; filters: Record<string, unknown>[] }> {
      const sentBefore = sentFilters.length;
      const answeredBefore = answeredRows.length;
      const page = await read();
      const rows = answeredRows.slice(answeredBefore).filter((a) => a.collection === collection).reduce((sum, a) => sum + a.rows, 0);
      const sent = sentFilters.slice(sentBefore);
      const filters = sent.filter((f) => f.collection === collection).map((f) => f.filter);
      // The walk's directory: the pushed `{ parent }` alone.
      expect(sent.filter((f) => f.collection === 'list_days').every((f) => Object.keys(f.filter).join() === 'parent' && typeof f.filter.parent === 'string')).toBe(true);
      return { page, rows, filters };
    }

    /** The largest bucket a page may read: every row sent by `filters` is in one of them. */
    const isBucketFilter = (keysField: string) => (filter: Record<string, unknown>) =>
      typeof filter[keysField] === 'string' && Object.values(filter).every((value) => ['string', 'boolean'].includes(typeof value));

    const cases: { who: string; query: { unitId?: string; statuses?: Status[] }; scopeRows: number }[] = [
      { who: 'a village', query: { unitId: 't0-v3' }, scopeRows: LIST_ITEMS / (TOWNSHIPS * VILLAGES) },
      { who: 'a township, one status', query: { unitId: 't1', statuses: ['rectifying'] }, scopeRows: (LIST_ITEMS / TOWNSHIPS) * 0.4 },
      { who: 'the office', query: {}, scopeRows: LIST_ITEMS },
    ];

    it.each(cases)("the inbox of $who, page 1 and a deep page, reads only its buckets through the inboxKeys index", async ({ query, scopeRows }) => {
      const items = new RectificationReadModel(database);
      const plan = await explainFind('rectifications', { inboxKeys: `${query.unitId ?? '*'}|open|2026-12-05`, lagging: false });
      expect(plan.pushedDown).toBe(true);
      expect(indexScansOn(plan.nodes, 'inboxKeys').length).toBeGreaterThan(0);
      expect(plan.nodes.map((node) => node['Node Type'])).not.toContain('Seq Scan');

      let after: ListPosition | undefined;
      for (let page = 1; page <= 4; page++) {
        const read = await measured('rectifications', () => items.inbox({ ...query, now: listNow, limit: PAGE, ...(after ? { after } : {}) }));
        expect(read.page).toHaveLength(PAGE);
        expect(read.filters.every(isBucketFilter('inboxKeys'))).toBe(true);
        // A page decodes its rows and at most the rest of the buckets it opened: never the scope's rows.
        expect(read.rows).toBeLessThanOrEqual(3 * PAGE);
        expect(read.rows).toBeLessThan(scopeRows);
        after = positionOf(read.page.at(-1)!);
      }
    });

    it("a unit's and a list's assignments, page 1 and a deep page, read only their buckets through the listKeys index", async () => {
      const tasks = new AssignmentReadModel(database);
      const plan = await explainFind('assignments', { listKeys: 't1|running|2026-12-05|0', listId: 'list-2026-12' });
      expect(plan.pushedDown).toBe(true);
      expect(indexScansOn(plan.nodes, 'listKeys').length).toBeGreaterThan(0);
      expect(plan.nodes.map((node) => node['Node Type'])).not.toContain('Seq Scan');
      for (const query of [{ unitId: 't1' }, { listId: 'list-2026-12' }]) {
        let after: ListPosition | undefined;
        for (let page = 1; page <= 4; page++) {
          const read = await measured('assignments', () => tasks.find({ ...query, now: listNow, limit: PAGE, ...(after ? { after } : {}) }));
          expect(read.page).toHaveLength(PAGE);
          expect(read.filters.every(isBucketFilter('listKeys'))).toBe(true);
          expect(read.rows).toBeLessThanOrEqual(3 * PAGE);
          after = positionOf(read.page.at(-1)!);
        }
      }
    });
  });
});
