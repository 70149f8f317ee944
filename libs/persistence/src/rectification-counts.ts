import { Schema, type Connection, type Model, type mongo } from 'mongoose';
import { COUNTY_SCOPE, countedItem, dayNumber, lightsOnDay, shanghaiDate, type CountedItem, type Light, type RunningCounts, type Status } from '@duban/domain';
import { rectificationModel, type RectificationRecord } from './rectifications.js';

/**
 * The counts read model (`rectification_counts`): small documents the dashboard and the light gauge read instead of
 * every item. Each holds the counts of one group — the items of one lead unit (`kind: 'u'`) or of one category
 * (`kind: 'c'`) with one source, within one scope (a unit whose subtree sees them, or `*` for the county):
 *
 * - `g|<scope>|<source>|<kind>|<key>` — totals: `n`, by status `st`, running `run`, lagging `lag`, blue-capable `bc`,
 *   sum of due-day numbers `ds`; for categories also open escalations `esc1`/`esc2`, `closed`, `onTime` and by month
 *   registered `reg` / closed `clo`. Read with `{scope[, kind][, src]}`, pushed equality.
 * - `e|<scope>|<source>|<kind>|<key>|<month>` — the running items due (`d.<dd>`: r, l, b, s as above) and turning
 *   blue (`bl.<dd>`) on each day of one month. Lights are functions of now: the reader adds up the days from today
 *   on, month by month (`{part: "<scope>|<month>"}`), and subtracts from the totals (lightsOnDay).
 * - `m|<scope>` — the months that have such day documents (`months`).
 *
 * The projection keeps them with `$inc` deltas: the item records what it was counted as (`counted`), and a change
 * first moves that record (a conditional update: one writer wins) and then applies the difference, so a retried,
 * duplicated or reordered projection applies each change once. A crash between the two leaves the counts short by
 * that change: `rebuild` (at the worker's first start on existing data, or `npm run rebuild-read-model -- --counts`)
 * recounts from the items.
 */
interface CountDocument {
  _id: string;
  [field: string]: unknown;
}

const countSchema = new Schema<CountDocument>({ _id: { type: String, required: true } }, { collection: 'rectification_counts', versionKey: false, strict: false });
// Serves: a scope's totals (dashboard, gauge), by kind and source; pushed as equality on FerretDB / PostgreSQL.
countSchema.index({ scope: 1, kind: 1, src: 1 });
// Serves: a scope's days of one month (lights), by kind and source.
countSchema.index({ part: 1, kind: 1, src: 1 });

export function rectificationCountModel(connection: Connection): Model<CountDocument> {
  return (connection.models.RectificationCount as Model<CountDocument>) ?? connection.model<CountDocument>('RectificationCount', countSchema);
}

const META_ID = 'meta';
type Kind = 'u' | 'c';

/** One group's counts on a day: the figures of a dashboard row. */
export interface GroupCounts {
  readonly kind: Kind;
  readonly key: string;
  readonly source: string;
  readonly total: number;
  readonly statuses: Partial<Record<Status, number>>;
  readonly lights: Record<Light, number>;
  readonly overdueDays: number;
  /** Category groups only (zero for unit groups). */
  readonly escalations: { readonly level1: number; readonly level2: number };
  readonly closed: number;
  readonly closedOnTime: number;
  readonly registeredByMonth: Readonly<Record<string, number>>;
  readonly closedByMonth: Readonly<Record<string, number>>;
}

export interface CountsQuery {
  /** A unit (its subtree's items) or absent for the county. */
  readonly scope?: string;
  readonly kind?: Kind;
  readonly source?: string;
  readonly now: Date;
}

interface Delta {
  readonly insert: Record<string, unknown>;
  readonly inc: Record<string, number>;
}

/** Serializes work per key within this process (FerretDB v1 applies an update as a read then a write). */
class KeyedSerial {
  private readonly tails = new Map<string, Promise<unknown>>();
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

type CountedRecord = Pick<RectificationRecord, '_id' | 'source' | 'category' | 'leadUnitId' | 'status' | 'dueAt' | 'schedule' | 'registeredAt' | 'closedAt' | 'missedProgress' | 'returns' | 'policy' | 'unitScope' | 'escalationOpen' | 'escalationLevel'> & {
  counted?: CountedItem | null;
  countedKey?: string | null;
};

const COUNTED_FIELDS = {
  source: 1, category: 1, leadUnitId: 1, status: 1, dueAt: 1, schedule: 1, registeredAt: 1, closedAt: 1, missedProgress: 1, returns: 1, policy: 1,
  unitScope: 1, escalationOpen: 1, escalationLevel: 1, counted: 1, countedKey: 1,
} as const;

export class RectificationCounts {
  private readonly counts: Model<CountDocument>;
  private readonly items: Model<RectificationRecord>;
  private readonly perItem = new KeyedSerial();
  private readonly perDocument = new KeyedSerial();
  private readonly knownMonths = new Set<string>();

  private static readonly perConnection = new WeakMap<Connection, RectificationCounts>();

  /** The one instance of a connection: its per-item and per-document ordering is shared by every caller. */
  static of(connection: Connection): RectificationCounts {
    let counts = RectificationCounts.perConnection.get(connection);
    if (!counts) RectificationCounts.perConnection.set(connection, (counts = new RectificationCounts(connection)));
    return counts;
  }

  private constructor(connection: Connection) {
    this.counts = rectificationCountModel(connection);
    this.items = rectificationModel(connection);
  }

  private get countCollection(): mongo.Collection<CountDocument> {
    return this.counts.collection as unknown as mongo.Collection<CountDocument>;
  }

  private get itemCollection(): mongo.Collection<CountedRecord> {
    return this.items.collection as unknown as mongo.Collection<CountedRecord>;
  }

  /** Brings the counts in line with the stored item `id` (whatever version is stored): a no-op when they are. */
  reconcile(id: string): Promise<void> {
    return this.perItem.run(id, async () => {
      const item = await this.itemCollection.findOne({ _id: id }, { projection: COUNTED_FIELDS });
      if (!item) return;
      const target = countedItem(item);
      const targetKey = JSON.stringify(target);
      const previousKey = item.countedKey ?? null;
      if (previousKey === targetKey) return;
      // Claim the change: of two writers that read the same previous record, only one moves it.
      const claimed = await this.itemCollection.updateOne({ _id: id, countedKey: previousKey }, { $set: { counted: target, countedKey: targetKey } });
      if (claimed.modifiedCount === 0) return;
      await this.apply(deltasOf([[item.counted ?? null, -1], [target, 1]]));
    });
  }

  /** Builds the counts from the items unless they were built already; true when it built them. */
  async ensureBuilt(): Promise<boolean> {
    if (await this.isBuilt()) return false;
    await this.rebuild();
    return true;
  }

  async isBuilt(): Promise<boolean> {
    return (await this.countCollection.findOne({ _id: META_ID }, { projection: { _id: 1 } })) !== null;
  }

  /**
   * Recounts every item from scratch and records on each what it was counted as. Run it while nothing projects
   * (the worker runs it before it polls): a projection during the recount could be counted twice or not at all.
   */
  async rebuild(options: { batch?: number } = {}): Promise<{ items: number; documents: number }> {
    const batch = options.batch ?? 1_000;
    await this.countCollection.deleteMany({});
    const all = new Map<string, Delta>();
    const marks: { id: string; counted: CountedItem }[] = [];
    let items = 0;
    const cursor = this.itemCollection.find({}, { projection: COUNTED_FIELDS, batchSize: 500 });
    const flushMarks = async () => {
      if (marks.length === 0) return;
      const ops = marks.splice(0).map(({ id, counted }) => ({ updateOne: { filter: { _id: id }, update: { $set: { counted, countedKey: JSON.stringify(counted) } } } }));
      await this.itemCollection.bulkWrite(ops, { ordered: false });
    };
    for await (const item of cursor) {
      const counted = countedItem(item);
      deltasOf([[counted, 1]], all);
      marks.push({ id: item._id, counted });
      items += 1;
      if (marks.length >= batch) await flushMarks();
    }
    await flushMarks();
    const documents = [...all.entries()].filter(([, delta]) => Object.values(delta.inc).some((n) => n !== 0) || delta.insert.months);
    for (let i = 0; i < documents.length; i += batch) {
      await this.countCollection.insertMany(
        documents.slice(i, i + batch).map(([id, delta]) => ({ _id: id, ...delta.insert, ...nested(delta.inc) })),
        { ordered: false },
      );
    }
    await this.countCollection.insertOne({ _id: META_ID, builtAt: new Date() });
    this.knownMonths.clear();
    return { items, documents: documents.length };
  }

  /** The groups of a scope with their lights on the Shanghai day of `now`. */
  async groups(query: CountsQuery): Promise<GroupCounts[]> {
    const scope = query.scope ?? COUNTY_SCOPE;
    const narrow = { ...(query.kind ? { kind: query.kind } : {}), ...(query.source ? { src: query.source } : {}) };
    const today = shanghaiDate(query.now);
    const thisMonth = today.slice(0, 7);
    const [totals, monthsDoc] = await Promise.all([
      this.countCollection.find({ scope, ...narrow }).toArray(),
      this.countCollection.findOne({ _id: `m|${scope}` }),
    ]);
    const months = ((monthsDoc?.months as string[] | undefined) ?? []).filter((month) => month >= thisMonth);
    const days = (await Promise.all(months.map((month) => this.countCollection.find({ part: `${scope}|${month}`, ...narrow }).toArray()))).flat();
    const ahead = new Map<string, { running: number; lagging: number; blueCapable: number; dueDaySum: number; blueAfter: number }>();
    for (const doc of days) {
      const group = `${doc.src as string}|${doc.kind as string}|${doc.key as string}`;
      const sums = ahead.get(group) ?? { running: 0, lagging: 0, blueCapable: 0, dueDaySum: 0, blueAfter: 0 };
      const month = doc.month as string;
      for (const [day, entry] of Object.entries((doc.d ?? {}) as Record<string, { r?: number; l?: number; b?: number; s?: number }>)) {
        if (`${month}-${day}` < today) continue;
        sums.running += entry.r ?? 0;
        sums.lagging += entry.l ?? 0;
        sums.blueCapable += entry.b ?? 0;
        sums.dueDaySum += entry.s ?? 0;
      }
      for (const [day, n] of Object.entries((doc.bl ?? {}) as Record<string, number>)) if (`${month}-${day}` > today) sums.blueAfter += n;
      ahead.set(group, sums);
    }
    const groups: GroupCounts[] = [];
    for (const doc of totals) {
      if (doc._id === META_ID || typeof doc.kind !== 'string') continue;
      const total = (doc.n as number | undefined) ?? 0;
      if (total === 0) continue;
      const kind = doc.kind as Kind;
      const sums = ahead.get(`${doc.src as string}|${kind}|${doc.key as string}`) ?? { running: 0, lagging: 0, blueCapable: 0, dueDaySum: 0, blueAfter: 0 };
      const running: RunningCounts = {
        running: num(doc.run),
        lagging: num(doc.lag),
        blueCapable: num(doc.bc),
        dueDaySum: num(doc.ds),
        dueFrom: sums,
        blueAfter: sums.blueAfter,
      };
      const { overdueDays, ...lights } = lightsOnDay(running, today);
      groups.push({
        kind,
        key: doc.key as string,
        source: doc.src as string,
        total,
        statuses: nonZero(doc.st) as Partial<Record<Status, number>>,
        lights,
        overdueDays,
        escalations: { level1: num(doc.esc1), level2: num(doc.esc2) },
        closed: num(doc.closed),
        closedOnTime: num(doc.onTime),
        registeredByMonth: nonZero(doc.reg),
        closedByMonth: nonZero(doc.clo),
      });
    }
    return groups;
  }

  /** Running items of the county by light now (the metrics gauge). */
  async runningByLight(now: Date): Promise<Record<Light, number>> {
    const lights: Record<Light, number> = { green: 0, blue: 0, yellow: 0, red: 0 };
    for (const group of await this.groups({ kind: 'c', now })) for (const light of Object.keys(lights) as Light[]) lights[light] += group.lights[light];
    return lights;
  }

  private async apply(deltas: Map<string, Delta>): Promise<void> {
    await Promise.all(
      [...deltas.entries()].map(([id, delta]) => {
        const inc = Object.fromEntries(Object.entries(delta.inc).filter(([, n]) => n !== 0));
        const { months, ...insert } = delta.insert as { months?: string[] };
        if (months) {
          const fresh = months.filter((month) => !this.knownMonths.has(`${id}|${month}`));
          if (fresh.length === 0) return undefined;
          return this.perDocument.run(id, async () => {
            await this.countCollection.updateOne({ _id: id }, { $addToSet: { months: { $each: fresh } } } as never, { upsert: true });
            fresh.forEach((month) => this.knownMonths.add(`${id}|${month}`));
          });
        }
        if (Object.keys(inc).length === 0) return undefined;
        return this.perDocument.run(id, () => this.countCollection.updateOne({ _id: id }, { $setOnInsert: insert, $inc: inc } as never, { upsert: true }));
      }),
    );
  }
}

const num = (value: unknown): number => (typeof value === 'number' ? value : 0);

function nonZero(value: unknown): Record<string, number> {
  return Object.fromEntries(Object.entries((value ?? {}) as Record<string, number>).filter(([, n]) => n !== 0));
}

/** `{ 'a.b': 1 }` as `{ a: { b: 1 } }`, for inserting built documents. */
function nested(flat: Record<string, number>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, n] of Object.entries(flat)) {
    if (n === 0) continue;
    const keys = path.split('.');
    let node = out;
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[keys.at(-1)!] = n;
  }
  return out;
}

/** The count documents' changes for items counted (+1) or uncounted (−1), merged into `into`. */
function deltasOf(changes: readonly [CountedItem | null, 1 | -1][], into = new Map<string, Delta>()): Map<string, Delta> {
  const add = (id: string, insert: Record<string, unknown>, field: string, n: number) => {
    const delta = into.get(id) ?? { insert, inc: {} };
    delta.inc[field] = (delta.inc[field] ?? 0) + n;
    into.set(id, delta);
  };
  for (const [item, sign] of changes) {
    if (!item) continue;
    const dueMonth = item.due.slice(0, 7);
    for (const scope of item.scopes) {
      if (sign > 0) {
        const months = [dueMonth, ...(item.blue ? [item.blue.slice(0, 7)] : [])].filter((m, i, all) => item.running && all.indexOf(m) === i);
        if (months.length > 0) {
          const id = `m|${scope}`;
          const existing = into.get(id);
          const merged = [...new Set([...((existing?.insert.months as string[] | undefined) ?? []), ...months])];
          into.set(id, { insert: { ...(existing?.insert ?? {}), months: merged }, inc: existing?.inc ?? {} });
        }
      }
      for (const [kind, key] of [['u', item.leadUnitId], ['c', item.category]] as const) {
        const group = `${scope}|${item.source}|${kind}|${key}`;
        const totals = `g|${group}`;
        const insert = { scope, kind, src: item.source, key };
        add(totals, insert, 'n', sign);
        add(totals, insert, `st.${item.status}`, sign);
        if (kind === 'c') {
          add(totals, insert, `reg.${item.registered}`, sign);
          if (item.closed) {
            add(totals, insert, 'closed', sign);
            add(totals, insert, `clo.${item.closed}`, sign);
            if (item.closedOnTime) add(totals, insert, 'onTime', sign);
          }
          if (item.escalation > 0) add(totals, insert, `esc${item.escalation}`, sign);
        }
        if (!item.running) continue;
        add(totals, insert, 'run', sign);
        add(totals, insert, 'ds', sign * dayNumber(item.due));
        if (item.lagging) add(totals, insert, 'lag', sign);
        if (item.blue) add(totals, insert, 'bc', sign);
        const dueDays = `e|${group}|${dueMonth}`;
        const dueInsert = { part: `${scope}|${dueMonth}`, month: dueMonth, kind, src: item.source, key };
        const dd = item.due.slice(8, 10);
        add(dueDays, dueInsert, `d.${dd}.r`, sign);
        add(dueDays, dueInsert, `d.${dd}.s`, sign * dayNumber(item.due));
        if (item.lagging) add(dueDays, dueInsert, `d.${dd}.l`, sign);
        if (item.blue) {
          add(dueDays, dueInsert, `d.${dd}.b`, sign);
          const blueMonth = item.blue.slice(0, 7);
          add(`e|${group}|${blueMonth}`, { part: `${scope}|${blueMonth}`, month: blueMonth, kind, src: item.source, key }, `bl.${item.blue.slice(8, 10)}`, sign);
        }
      }
    }
  }
  return into;
}

