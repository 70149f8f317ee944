import { Schema, type Connection, type Model, type mongo } from 'mongoose';
import { COUNTY_SCOPE, countedItem, dayNumber, lightsOnDay, shanghaiDate, type CountedItem, type Light, type RunningCounts, type Status } from '@duban/domain';
import { rectificationModel, type RectificationRecord } from './rectifications.js';

/**
 * The counts read model (`rectification_counts`): small documents the dashboard and the light gauge read instead of
 * every item. A scope key is a unit whose subtree sees the items (or `*` for the county), alone or with one source
 * (`<unit>~<source>`, for a dashboard filtered by source). Within a scope key, a group is the items of one lead unit
 * (`kind: 'u'`) or of one category and source (`kind: 'c'`, every item in exactly one: the totals, by source and by
 * category come from these).
 *
 * - `g|<scope key>|u|<lead unit>` and `g|<scope key>|c|<source>|<category>` — totals: `n`, by status `st`, running
 *   `run`, lagging `lag`, blue-capable `bc`, sum of due-day numbers `ds`; per month the running items due then
 *   (`fut.<month>`: r, l, b, s as above) and turning blue then (`fut.<month>.e`); for categories also open
 *   escalations `esc1`/`esc2`, `closed`, `onTime` and by month registered `reg` / closed `clo`.
 *   Read with `{scope: "<scope key>|<kind>"}`, pushed equality.
 * - `d|<group>|<month>` — the same per day of one month (`d.<dd>` due, `dl.<dd>` lagging, `db.<dd>` blue-capable,
 *   `bl.<dd>` turning blue), read for the current month only: `{part: "<scope key>|<month>|<kind>"}`.
 *
 * Lights are functions of now: the reader adds up what is due from today on (this month's days, later months'
 * totals) and subtracts it from the totals (lightsOnDay).
 *
 * The projection keeps them with `$inc` deltas: the item records what it was counted as (`counted`), and a change
 * first moves that record (a conditional update: one writer wins) and then applies the difference, so a retried,
 * duplicated or reordered projection applies each change once. A crash between the two leaves the counts short by
 * that change: `npm run rebuild-read-model -- --counts` recounts from the items.
 */
interface CountDocument {
  _id: string;
  [field: string]: unknown;
}

const countSchema = new Schema<CountDocument>({ _id: { type: String, required: true } }, { collection: 'rectification_counts', versionKey: false, strict: false });
// Serves: a scope key's totals of one kind (dashboard, gauge): `scope: "<scope key>|<kind>"`, one pushed equality
// (a second key, such as the kind alone, could lead PostgreSQL to the less selective index).
countSchema.index({ scope: 1 });
// Serves: a scope key's days of this month of one kind (lights): `part: "<scope key>|<month>|<kind>"`.
countSchema.index({ part: 1 });

export function rectificationCountModel(connection: Connection): Model<CountDocument> {
  return (connection.models.RectificationCount as Model<CountDocument>) ?? connection.model<CountDocument>('RectificationCount', countSchema);
}

const META_ID = 'meta';
const MARKS_PER_COMMAND = 20;
/** Lead unit, category and source, or the county's total (`t`, scope `*` only: the gauge's one document). */
type Kind = 'u' | 'c' | 't';

/** One group's counts on a day: the figures of a dashboard row. */
export interface GroupCounts {
  readonly kind: Kind;
  readonly key: string;
  /** The source of a category group; empty for a unit group. */
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
  /** Only items of this source. */
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

type CountedRecord = Pick<RectificationRecord, '_id' | 'source' | 'category' | 'leadUnitId' | 'status' | 'dueAt' | 'schedule' | 'registeredAt' | 'closedAt' | 'missedProgress' | 'returns' | 'policy' | 'unitScope' | 'escalationOpen' | 'escalationLevel' | 'counted' | 'countedKey'>;

const COUNTED_FIELDS = {
  source: 1, category: 1, leadUnitId: 1, status: 1, dueAt: 1, schedule: 1, registeredAt: 1, closedAt: 1, missedProgress: 1, returns: 1, policy: 1,
  unitScope: 1, escalationOpen: 1, escalationLevel: 1, counted: 1, countedKey: 1,
} as const;

export class RectificationCounts {
  private readonly counts: Model<CountDocument>;
  private readonly items: Model<RectificationRecord>;
  private readonly perItem = new KeyedSerial();
  private readonly perDocument = new KeyedSerial();

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
      const claimed = await this.itemCollection.updateOne({ _id: id, countedKey: previousKey as never }, { $set: { counted: target, countedKey: targetKey } });
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
    for await (const item of cursor) {
      const counted = countedItem(item);
      deltasOf([[counted, 1]], all);
      marks.push({ id: item._id, counted });
      items += 1;
    }
    // Written once the scan is over, in small batches: FerretDB v1 on PostgreSQL holds a connection for every
    // statement of one update command until the command ends, and waits forever once its pool (about 50) is used up.
    for (let i = 0; i < marks.length; i += MARKS_PER_COMMAND) {
      const ops = marks.slice(i, i + MARKS_PER_COMMAND).map(({ id, counted }) => ({ updateOne: { filter: { _id: id }, update: { $set: { counted, countedKey: JSON.stringify(counted) } } } }));
      await this.itemCollection.bulkWrite(ops, { ordered: false });
    }
    const documents = [...all.entries()].filter(([, delta]) => Object.values(delta.inc).some((n) => n !== 0));
    for (let i = 0; i < documents.length; i += batch) {
      await this.countCollection.insertMany(
        documents.slice(i, i + batch).map(([id, delta]) => ({ _id: id, ...delta.insert, ...nested(delta.inc) })),
        { ordered: false },
      );
    }
    await this.countCollection.insertOne({ _id: META_ID, builtAt: new Date() });
    return { items, documents: documents.length };
  }

  /** The groups of a scope with their lights on the Shanghai day of `now`. */
  async groups(query: CountsQuery): Promise<GroupCounts[]> {
    const scope = scopeKey(query.scope ?? COUNTY_SCOPE, query.source);
    const today = shanghaiDate(query.now);
    const thisMonth = today.slice(0, 7);
    const kinds: Kind[] = query.kind ? [query.kind] : ['u', 'c'];
    const [totals, days] = await Promise.all([
      Promise.all(kinds.map((kind) => this.countCollection.find({ scope: `${scope}|${kind}` }).toArray())).then((found) => found.flat()),
      Promise.all(kinds.map((kind) => this.countCollection.find({ part: `${scope}|${thisMonth}|${kind}` }).toArray())).then((found) => found.flat()),
    ]);
    const thisMonthByGroup = new Map(days.map((doc) => [doc.group as string, doc]));
    const groups: GroupCounts[] = [];
    for (const doc of totals) {
      const total = num(doc.n);
      if (total === 0) continue;
      const kind = doc.kind as Kind;
      const ahead = { running: 0, lagging: 0, blueCapable: 0, dueDaySum: 0, blueAfter: 0 };
      for (const [month, entry] of Object.entries((doc.fut ?? {}) as Record<string, Record<string, number>>)) {
        if (month <= thisMonth) continue;
        ahead.running += num(entry.r);
        ahead.lagging += num(entry.l);
        ahead.blueCapable += num(entry.b);
        ahead.dueDaySum += num(entry.s);
        ahead.blueAfter += num(entry.e);
      }
      const month = thisMonthByGroup.get(doc._id.slice(2));
      const field = (name: string) => (month?.[name] ?? {}) as Record<string, number>;
      for (const [day, n] of Object.entries(field('d'))) {
        if (`${thisMonth}-${day}` < today) continue;
        ahead.running += n;
        ahead.dueDaySum += n * dayNumber(`${thisMonth}-${day}`);
        ahead.lagging += num(field('dl')[day]);
        ahead.blueCapable += num(field('db')[day]);
      }
      for (const [day, n] of Object.entries(field('bl'))) if (`${thisMonth}-${day}` > today) ahead.blueAfter += n;
      const running: RunningCounts = { running: num(doc.run), lagging: num(doc.lag), blueCapable: num(doc.bc), dueDaySum: num(doc.ds), dueFrom: ahead, blueAfter: ahead.blueAfter };
      const { overdueDays, ...lights } = lightsOnDay(running, today);
      groups.push({
        kind,
        key: doc.key as string,
        source: (doc.src as string | undefined) ?? '',
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
    for (const group of await this.groups({ kind: 't', now })) for (const light of Object.keys(lights) as Light[]) lights[light] += group.lights[light];
    return lights;
  }

  private async apply(deltas: Map<string, Delta>): Promise<void> {
    await Promise.all(
      [...deltas.entries()].map(([id, delta]) => {
        const inc = Object.fromEntries(Object.entries(delta.inc).filter(([, n]) => n !== 0));
        if (Object.keys(inc).length === 0) return undefined;
        return this.perDocument.run(id, () => this.countCollection.updateOne({ _id: id }, { $setOnInsert: delta.insert, $inc: inc } as never, { upsert: true }));
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

const scopeKey = (scope: string, source?: string) => (source === undefined ? scope : `${scope}~${source}`);

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
    const dueDay = item.due.slice(8, 10);
    for (const scope of item.scopes.flatMap((unit) => [scopeKey(unit), scopeKey(unit, item.source)])) {
      const groups: [Kind, string, Record<string, string>][] = [
        ['u', `${scope}|u|${item.leadUnitId}`, { key: item.leadUnitId }],
        ['c', `${scope}|c|${item.source}|${item.category}`, { key: item.category, src: item.source }],
        ...(scope === COUNTY_SCOPE ? [['t', `${scope}|t`, { key: COUNTY_SCOPE }] as [Kind, string, Record<string, string>]] : []),
      ];
      for (const [kind, group, fields] of groups) {
        const totals = `g|${group}`;
        const insert = { scope: `${scope}|${kind}`, kind, ...fields };
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
        add(totals, insert, `fut.${dueMonth}.r`, sign);
        add(totals, insert, `fut.${dueMonth}.s`, sign * dayNumber(item.due));
        const days = `d|${group}|${dueMonth}`;
        const daysInsert = { part: `${scope}|${dueMonth}|${kind}`, kind, group };
        add(days, daysInsert, `d.${dueDay}`, sign);
        if (item.lagging) {
          add(totals, insert, 'lag', sign);
          add(totals, insert, `fut.${dueMonth}.l`, sign);
          add(days, daysInsert, `dl.${dueDay}`, sign);
        }
        if (item.blue) {
          const blueMonth = item.blue.slice(0, 7);
          add(totals, insert, 'bc', sign);
          add(totals, insert, `fut.${dueMonth}.b`, sign);
          add(totals, insert, `fut.${blueMonth}.e`, sign);
          add(days, daysInsert, `db.${dueDay}`, sign);
          add(`d|${group}|${blueMonth}`, { part: `${scope}|${blueMonth}|${kind}`, kind, group }, `bl.${item.blue.slice(8, 10)}`, sign);
        }
      }
    }
  }
  return into;
}
