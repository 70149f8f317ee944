import mongoose, { type Connection, type Model } from 'mongoose';
import { RUNNING_STATUSES, type Light, type Source, type Status } from '@duban/domain';
import { rectificationModel, type RectificationRecord } from './rectifications.js';

const { trusted } = mongoose;

/** Filters of the ledger export, the dashboards and the evaluation; all optional. */
export interface ReportFilter {
  /** Only items this unit may see (its subtree, as in the inbox); absent for roles that see every unit. */
  readonly scopeUnitId?: string;
  /** Only items involving this unit or one below it (a second scope, intersected with the first). */
  readonly unitId?: string;
  readonly source?: Source;
  readonly status?: Status;
  readonly light?: Light;
  /** Registered at or after / before these instants (the ledger's date window, 交办日期). */
  readonly registeredFrom?: Date;
  readonly registeredBefore?: Date;
  readonly now: Date;
}

/** Reads over the rectification read model for reports: streamed, never all in memory. */
export class ReportReadModel {
  private readonly items: Model<RectificationRecord>;
  constructor(connection: Connection) {
    this.items = rectificationModel(connection);
  }

  /** The items of a filter in ledger order (registration time, then id), one at a time. */
  stream(filter: ReportFilter, options: { withTimeline?: boolean } = {}): AsyncIterable<RectificationRecord> {
    // The timeline is most of a record's size; only the evaluation reads it.
    const projection = options.withTimeline ? {} : { timeline: 0, fired: 0 };
    return this.items
      .find(toQuery(filter), projection)
      // The filter is built here from checked values only; source, category and registeredAt are read-model
      // fields the schema does not declare (it is strict: false), which the global strictQuery 'throw' refuses.
      .setOptions({ strictQuery: false })
      .sort({ registeredAt: 1, _id: 1 })
      .lean<RectificationRecord[]>()
      .cursor({ batchSize: 500 }) as unknown as AsyncIterable<RectificationRecord>;
  }

  count(filter: ReportFilter): Promise<number> {
    return this.items.countDocuments(toQuery(filter)).setOptions({ strictQuery: false }).exec();
  }

  /** Ids of these that are already in the read model (an import's re-run skips them). */
  async existing(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const found = await this.items.find({ _id: trusted({ $in: [...ids] }) }, { _id: 1 }).lean<{ _id: string }[]>().exec();
    return new Set(found.map((f) => f._id));
  }
}

/**
 * The conditions as top-level keys, and only a second condition on a key already taken inside `$and`: FerretDB on
 * PostgreSQL pushes top-level equality down to SQL but nothing inside `$and` (docs/queries.md), so a ledger of one
 * unit and one source read every item of the county.
 */
function toQuery(filter: ReportFilter): Record<string, unknown> {
  const conditions: Record<string, unknown>[] = [];
  if (filter.scopeUnitId !== undefined) conditions.push({ unitScope: filter.scopeUnitId });
  if (filter.unitId !== undefined) conditions.push({ unitScope: filter.unitId });
  if (filter.source !== undefined) conditions.push({ source: filter.source });
  if (filter.status !== undefined) conditions.push({ status: filter.status });
  if (filter.light !== undefined) conditions.push({ status: trusted({ $in: [...RUNNING_STATUSES] }) }, lightQuery(filter.light, filter.now));
  if (filter.registeredFrom) conditions.push({ registeredAt: trusted({ $gte: filter.registeredFrom.toISOString() }) });
  if (filter.registeredBefore) conditions.push({ registeredAt: trusted({ $lt: filter.registeredBefore.toISOString() }) });
  const query: Record<string, unknown> = {};
  const and: Record<string, unknown>[] = [];
  for (const condition of conditions) {
    for (const [key, value] of Object.entries(condition)) {
      if (key in query) and.push({ [key]: value });
      else query[key] = value;
    }
  }
  if (and.length > 0) query.$and = and;
  return query;
}

/** The same light rules as the inbox (light() in libs/domain): red overdue, yellow lagging, blue near the deadline. */
function lightQuery(light: Light, now: Date): Record<string, unknown> {
  switch (light) {
    case 'red':
      return { due: trusted({ $lt: now }) };
    case 'yellow':
      return { due: trusted({ $gte: now }), lagging: true };
    case 'blue':
      return { due: trusted({ $gte: now }), lagging: false, blueFrom: trusted({ $lte: now }) };
    case 'green':
      return { lagging: false, blueFrom: trusted({ $gt: now }) };
  }
}
