import { Schema, type Connection, type Model, type mongo } from 'mongoose';
import { shanghaiDate } from '@duban/domain';
import { isDuplicateKey } from './settings.js';

/**
 * Due-ordered lists (the inbox, the assignment list) read as a walk over small buckets, each one pushed equality
 * find (docs/queries.md): FerretDB on PostgreSQL pushes `keys: "<bucket>"` into SQL and serves it from a GIN index,
 * but decodes and sorts in Go every row its pushed filter matches, so each bucket must hold at most a page or two.
 *
 * A list is `<scope>|<class>` (a unit, `*` for every unit, `me:<user>`, …; a status or a set of statuses). A record
 * of a list sits in the bucket `<list>|<due day>` (Shanghai), or for dense lists in `<list>|<due day>|<spread>`,
 * `spread` the first one or two hex digits of the id's hash (`ListShape.spreadDigits`: the office's lists; a task
 * list's thousands of assignments all due on its last day). The order of every list is (due day, spread, id), so a
 * bucket's rows sorted by (spread, id) follow one another without overlap, whatever the digits.
 *
 * A directory of presence markers (`list_days`) lets a walk skip empty days: per list its months, per month its days,
 * per split day its spreads, each marker `{ _id, parent }` read by the pushed `{ parent }`. The projection inserts a
 * record's markers after writing the record (children before parents, duplicates ignored); a reader that finds a
 * marker's bucket empty deletes the marker, then looks again and puts it back if a record arrived meanwhile, so a
 * marker is never missing while its bucket holds a record.
 */

/** A record's place in a due-ordered list; also the content of the list's keyset cursor. */
export interface ListPosition {
  readonly day: string;
  readonly id: string;
}

/** The scope of lists that hold every record (the office's views). */
export const EVERY_UNIT = '*';

/** Two hex digits from the id (FNV-1a): spread a dense day over 16 or 256 buckets. Stored in keys: never change it. */
export function spreadOf(id: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return ((hash >>> 0) & 255).toString(16).padStart(2, '0');
}

/** How one collection's lists are bucketed: the directory's namespace and how finely each list's days are split. */
export interface ListShape {
  readonly namespace: string;
  readonly spreadDigits: (list: string) => 0 | 1 | 2;
}

export const dueDayOf = (due: Date): string => shanghaiDate(due);

export const positionOf = (record: { _id: string; due: Date }): ListPosition => ({ day: dueDayOf(record.due), id: record._id });

/** Orders positions as every list is ordered: due day, spread, id. */
export function comparePositions(a: ListPosition, b: ListPosition): number {
  if (a.day !== b.day) return a.day < b.day ? -1 : 1;
  const sa = spreadOf(a.id);
  const sb = spreadOf(b.id);
  if (sa !== sb) return sa < sb ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The bucket of a record of `list` due on `day`. */
export function bucketKey(shape: ListShape, list: string, day: string, id: string): string {
  const digits = shape.spreadDigits(list);
  return digits > 0 ? `${list}|${day}|${spreadOf(id).slice(0, digits)}` : `${list}|${day}`;
}

interface Marker {
  _id: string;
  parent: string;
}

const markerSchema = new Schema<Marker>({ _id: { type: String, required: true }, parent: { type: String, required: true } }, { collection: 'list_days', versionKey: false });
// Serves: a list's months, a month's days, a day's spreads (the walk's directory), one pushed equality each.
markerSchema.index({ parent: 1 });

export function listDayModel(connection: Connection): Model<Marker> {
  return (connection.models.ListDay as Model<Marker>) ?? connection.model<Marker>('ListDay', markerSchema);
}

/** The directory of one read-model collection's lists (`namespace` keeps collections apart). */
export class ListDirectory {
  private readonly markers: mongo.Collection<Marker>;
  constructor(
    connection: Connection,
    readonly shape: ListShape,
  ) {
    this.markers = listDayModel(connection).collection as unknown as mongo.Collection<Marker>;
  }

  private root = (list: string) => `${this.shape.namespace}:${list}`;

  /** Records that `id`, due on `day`, is in each of `lists`: spreads, then days, then months (children first). */
  async mark(lists: readonly string[], day: string, id: string): Promise<void> {
    await this.markMany([{ lists, day, id }]);
  }

  /**
   * `mark` for many records at once (a seed, a backfill batch). Only the leaves (a split day's spreads, a day) are sent
   * every time; a parent only with a child that was not there yet (a parent is never pruned while it has a child, and
   * a reader that pruned one puts it back on finding a child): a failed insert of a present marker is the dear part.
   */
  async markMany(records: readonly { readonly lists: readonly string[]; readonly day: string; readonly id: string }[]): Promise<void> {
    const leaves = new Map<string, Marker>();
    const parents = new Map<string, Marker>();
    for (const { lists, day, id } of records) {
      for (const list of lists) {
        const root = this.root(list);
        const month: Marker = { _id: `${root}|${day.slice(0, 7)}`, parent: root };
        const dayMarker: Marker = { _id: `${root}|${day}`, parent: month._id };
        const digits = this.shape.spreadDigits(list);
        parents.set(month._id, month);
        if (digits > 0) {
          const spread = `${dayMarker._id}|${spreadOf(id).slice(0, digits)}`;
          leaves.set(spread, { _id: spread, parent: dayMarker._id });
          parents.set(dayMarker._id, dayMarker);
        } else leaves.set(dayMarker._id, dayMarker);
      }
    }
    // Up the levels: the parents of what was new (spread → day → month), each level in one insert.
    let fresh = await this.insertAbsent([...leaves.values()]);
    while (fresh.length > 0) {
      const next = new Map<string, Marker>();
      for (const marker of fresh) {
        const parent = parents.get(marker.parent);
        if (parent) next.set(parent._id, parent);
      }
      fresh = await this.insertAbsent([...next.values()]);
    }
  }

  /** The children of a marker (or of a list's root), as what follows `within|` in their ids (`within`: the list's root), ascending. */
  async children(parentId: string, within = parentId): Promise<string[]> {
    const rows = await this.markers.find({ parent: parentId }, { projection: { _id: 1 } }).toArray();
    return rows.map((row) => row._id.slice(within.length + 1)).sort();
  }

  /**
   * Deletes a marker whose bucket was found empty; if `isEmpty` then finds a record (the projection wrote one after the
   * first look and found the marker still there), puts the marker back.
   */
  async prune(marker: Marker, isEmpty: () => Promise<boolean>): Promise<void> {
    await this.markers.deleteOne({ _id: marker._id });
    if (!(await isEmpty())) await this.insertAbsent([marker]);
  }

  listRoot(list: string): string {
    return this.root(list);
  }

  /** Inserts the markers not there yet; answers those it inserted. */
  private async insertAbsent(markers: Marker[]): Promise<Marker[]> {
    if (markers.length === 0) return [];
    try {
      await this.markers.insertMany(markers, { ordered: false });
      return markers;
    } catch (error) {
      const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
      const errors = (Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : []) as { index: number; code?: number; err?: { code?: number } }[];
      if (errors.length === 0) {
        if (!isDuplicateKey(error)) throw error;
        return [];
      }
      if (!errors.every((e) => (e.code ?? e.err?.code) === 11000)) throw error;
      const present = new Set(errors.map((e) => e.index));
      return markers.filter((_, i) => !present.has(i));
    }
  }
}

export interface ListWalk<T> {
  readonly list: string;
  /** Reads one bucket: a pushed equality on the keys field, with `extra` equalities. */
  readonly fetch: (key: string) => Promise<T[]>;
  /** True when `fetch` adds no condition, so an empty answer means an empty bucket (its marker may go). */
  readonly exact: boolean;
  /** Exclusive: the last position of the previous page. */
  readonly after?: ListPosition;
  /** Inclusive bounds on the due day (light filters). */
  readonly fromDay?: string;
  readonly toDay?: string;
  /** The check a bucket's row must pass besides its key (the light of the moment, a status of several). */
  readonly accept?: (row: T) => boolean;
}

/** The rows of one list in order, from `after`, reading one bucket at a time. */
export async function* walkList<T extends { _id: string; due: Date }>(directory: ListDirectory, walk: ListWalk<T>): AsyncGenerator<T> {
  const root = directory.listRoot(walk.list);
  const digits = directory.shape.spreadDigits(walk.list);
  const lowDay = [walk.fromDay, walk.after?.day].filter((d): d is string => d !== undefined).sort().at(-1);
  const highDay = walk.toDay;
  if (lowDay !== undefined && highDay !== undefined && lowDay > highDay) return;
  for (const month of await directory.children(root)) {
    if (lowDay !== undefined && month < lowDay.slice(0, 7)) continue;
    if (highDay !== undefined && month > highDay.slice(0, 7)) return;
    const monthId = `${root}|${month}`;
    const days = await directory.children(monthId, root);
    if (days.length === 0) {
      await directory.prune({ _id: monthId, parent: root }, async () => (await directory.children(monthId)).length === 0);
      continue;
    }
    for (const day of days) {
      if (lowDay !== undefined && day < lowDay) continue;
      if (highDay !== undefined && day > highDay) return;
      const dayId = `${root}|${day}`;
      const buckets =
        digits > 0
          ? (await directory.children(dayId))
              .filter((spread) => !(walk.after && day === walk.after.day && spread < spreadOf(walk.after.id).slice(0, digits)))
              .map((spread) => ({ key: `${walk.list}|${day}|${spread}`, marker: { _id: `${dayId}|${spread}`, parent: dayId } }))
          : [{ key: `${walk.list}|${day}`, marker: { _id: dayId, parent: monthId } }];
      if (buckets.length === 0) {
        await directory.prune({ _id: dayId, parent: monthId }, async () => (await directory.children(dayId)).length === 0);
        continue;
      }
      for (const bucket of buckets) {
        const rows = await walk.fetch(bucket.key);
        if (rows.length === 0 && walk.exact) await directory.prune(bucket.marker, async () => (await walk.fetch(bucket.key)).length === 0);
        const after = walk.after;
        const ordered = rows
          .map((row) => ({ row, at: positionOf(row) }))
          .filter(({ row, at }) => (!after || comparePositions(at, after) > 0) && (walk.accept?.(row) ?? true))
          .sort((a, b) => comparePositions(a.at, b.at));
        for (const { row } of ordered) yield row;
      }
    }
  }
}

/** The first `limit` rows of several lists merged in list order (disjoint lists: statuses, day ranges). */
export async function mergedPage<T extends { _id: string; due: Date }>(walks: AsyncGenerator<T>[], limit: number): Promise<T[]> {
  const heads = await Promise.all(walks.map((walk) => walk.next()));
  const page: T[] = [];
  try {
    while (page.length < limit) {
      let best = -1;
      heads.forEach((head, i) => {
        if (head.done) return;
        if (best < 0 || comparePositions(positionOf(head.value), positionOf((heads[best] as IteratorYieldResult<T>).value)) < 0) best = i;
      });
      if (best < 0) break;
      page.push((heads[best] as IteratorYieldResult<T>).value);
      if (page.length < limit) heads[best] = await walks[best]!.next();
    }
  } finally {
    await Promise.all(walks.map((walk) => walk.return(undefined)));
  }
  return page;
}

/** A Shanghai calendar day `days` after `day`. */
export function dayAfter(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Blue comes on `blueWorkingDaysLeft` (at most 5 in every policy) working days before the due day; with the longest
 * run of rest days of the official calendar (about 9) that is well within a month.
 */
export const BLUE_LEAD_DAYS = 31;

/** Runs `backfill` over every stored record once per store and shape version (see `backfillInboxKeys`). */
export async function backfillOnce<T extends { _id: string; version: number; due: Date }>(
  model: Model<T>,
  directory: ListDirectory,
  shape: { id: string; version: number },
  keysOf: (record: T) => Record<string, string[]>,
  listsOf: (record: T) => string[],
): Promise<number> {
  const markers = model.db.collection('list_days');
  const done = await markers.findOne({ _id: shape.id as never });
  if (done && (done.version as number) >= shape.version) return 0;
  let changed = 0;
  const cursor = model.collection.find({}).batchSize(500);
  let marks: { lists: string[]; day: string; id: string }[] = [];
  for await (const raw of cursor) {
    const record = raw as unknown as T;
    const keys = keysOf(record);
    const stale = Object.entries(keys).some(([field, value]) => JSON.stringify((record as Record<string, unknown>)[field]) !== JSON.stringify(value));
    if (!stale) continue;
    // Only the version read: a projection that moved the record on meanwhile has written its own keys.
    await model.collection.updateOne({ _id: record._id as never, version: record.version } as never, { $set: keys } as never);
    marks.push({ lists: listsOf(record), day: dueDayOf(record.due), id: record._id });
    if (marks.length >= 500) {
      await directory.markMany(marks);
      marks = [];
    }
    changed += 1;
  }
  await directory.markMany(marks);
  await markers.updateOne({ _id: shape.id as never }, { $set: { parent: 'shape', version: shape.version } }, { upsert: true });
  return changed;
}

