import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { CATEGORIES, SOURCES, register, shanghaiDate, type RectificationState, type Status } from '@duban/domain';
import { RectificationReadModel, rectificationRecord, type RectificationRecord } from '@duban/persistence';
import { officeActor, scopeOf, type BenchOrg } from './org.js';

/** Unit whose items are exactly the export benchmark's: it leads items 0 … exportItems-1 and nothing else. */
export const EXPORT_UNIT = 'dept-01';

const STATUS_MIX: Status[] = ['assigned', 'signed', 'plan_submitted', 'rectifying', 'rectifying', 'rectifying', 'pending_acceptance', 'deferred', 'closed', 'closed'];

/** A deterministic pseudo-random number in [0, 1) from an index (the seed needs variety, not randomness). */
export function mix(i: number, salt: number): number {
  // murmur3's finalizer over (index, salt): independent-looking values per salt.
  let h = Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(salt + 1, 0x85ebca6b);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4_294_967_296;
}

/** One read-model record as the projection would store it, built from the domain's own `register`. */
export function seedRecord(i: number, org: BenchOrg, otherLeads: readonly string[], exportItems: number, now: number): RectificationRecord {
  const leadUnitId = i < exportItems ? 'dept-01' : otherLeads[Math.floor(mix(i, 1) * otherLeads.length)]!;
  const registeredAt = new Date(now - Math.floor(mix(i, 2) * 365 * 86_400_000)).toISOString();
  const due = new Date(now + Math.floor((mix(i, 3) - 0.2) * 365 * 86_400_000));
  const id = randomUUID();
  const registered = register(
    {
      id,
      title: `第${i + 1}号问题：脱贫户饮水安全保障不到位`,
      description: '省考核发现：部分脱贫户季节性缺水，未落实应急供水措施，需限期整改并报送整改情况。',
      source: SOURCES[i % SOURCES.length]!,
      category: CATEGORIES[i % CATEGORIES.length]!,
      severity: i % 5 === 0 ? 'major' : 'general',
      leadUnitId,
      coUnitIds: [],
      dueAt: due.toISOString(),
    },
    officeActor,
    registeredAt,
  );
  const status = STATUS_MIX[Math.floor(mix(i, 4) * STATUS_MIX.length)]!;
  const planned = !['assigned', 'signed'].includes(status);
  const blueFrom = new Date(due.getTime() - 5 * 86_400_000);
  const state: RectificationState = {
    ...registered,
    status,
    missedProgress: mix(i, 5) < 0.05,
    plan: planned
      ? { measures: '制定应急供水方案，改造入户管网', targetDate: shanghaiDate(due.toISOString()), responsiblePerson: '张三', evidence: [], submittedAt: registeredAt, submittedBy: officeActor, approvedAt: registeredAt }
      : null,
    schedule: { ...registered.schedule, blueAt: blueFrom.toISOString() },
    closedAt: status === 'closed' ? registeredAt : null,
  };
  // As the projection stores it, list keys included (the inbox reads its buckets).
  return rectificationRecord(state, scopeOf(org, leadUnitId));
}

export interface SeedResult {
  readonly requested: number;
  readonly seeded: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** Set when the seed stopped at its time budget before `requested`. */
  readonly note: string | null;
}

/**
 * Inserts `total` records straight into the read model (indexes in place, as in production), in batches,
 * stopping early when `budgetMs` runs out. `exportItems` of them belong to EXPORT_UNIT alone.
 */
export async function seedReadModel(database: Connection, org: BenchOrg, options: { total: number; exportItems: number; budgetMs: number; batch?: number; onProgress?: (seeded: number) => void }): Promise<SeedResult> {
  const { total, exportItems, budgetMs } = options;
  const batch = options.batch ?? 2000;
  const otherLeads = org.units.filter((u) => !['county', 'office', EXPORT_UNIT].includes(u.id)).map((u) => u.id);
  const readModel = new RectificationReadModel(database);
  const now = Date.now();
  const started = performance.now();
  let seeded = 0;
  while (seeded < total && performance.now() - started < budgetMs) {
    const size = Math.min(batch, total - seeded);
    const docs = Array.from({ length: size }, (_, k) => seedRecord(seeded + k, org, otherLeads, exportItems, now));
    await readModel.insertProjected(docs);
    seeded += size;
    options.onProgress?.(seeded);
  }
  const seconds = Math.round((performance.now() - started) / 10) / 100;
  return {
    requested: total,
    seeded,
    seconds,
    perSecond: Math.round(seeded / seconds),
    note: seeded < total ? `seeding stopped after ${Math.round(budgetMs / 1000)} s at ${seeded} of ${total} items (${Math.round(seeded / seconds)} items/s)` : null,
  };
}
