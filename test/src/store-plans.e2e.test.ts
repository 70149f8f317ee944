import type { Connection } from 'mongoose';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotificationRepository, RectificationCounts, ReportReadModel, openDatabase, syncIndexes } from '@duban/persistence';
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

let store: { stop(): Promise<void> };
let database: Connection;
let dir: string;
/** The filters of the `find` commands this process sent, per collection (the driver's command monitoring). */
const sentFilters: { collection: string; filter: Record<string, unknown> }[] = [];

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
    const notifications = new NotificationRepository(database);
    const start = Date.parse('2026-01-05T00:00:00.000Z');
    for (let n = 0; n < PER_USER; n++) {
      await notifications.createIfAbsent(
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
      );
    }
  });

  afterAll(async () => {
    await database?.close();
    await store?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("a user's notification list is filtered in PostgreSQL through an index on userId", async () => {
    const query = () => explainFind('notifications', { userId: 'user-7' }, { createdAt: -1, _id: -1 }, 20);
    // The store creates its indexes for a new collection within a second.
    const plan = await until('an index scan on userId', query, ({ nodes }) => indexScansOn(nodes, 'userId').length > 0);
    expect(plan.pushedDown).toBe(true);
    expect(plan.nodes.map((node) => node['Node Type'])).not.toContain('Seq Scan');

    const page = await new NotificationRepository(database).listForUser({ userId: 'user-7', limit: 20 });
    expect(page).toHaveLength(20);
    expect(page.every((row) => row.userId === 'user-7')).toBe(true);
    expect(page[0]!._id).toBe(`deadline:${PER_USER - 1}:user-7`);
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
});
