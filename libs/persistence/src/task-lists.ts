import { Schema, type Connection, type Model } from 'mongoose';
import type { ActorRef, PublishedItem, QuarterReview, TaskListItem, TaskListStatus, UnitMonthResult } from '@duban/domain';
import { isDuplicateKey } from './settings.js';

/** A monthly key-task list: the office's draft, then the snapshot publishing froze, then the month-end results. */
export interface TaskListRecord {
  /** `TL-YYYY-MM`: one list per month. */
  _id: string;
  month: string;
  title: string;
  /** The office that issues it (领导小组办公室). */
  issuingUnitId: string;
  status: TaskListStatus;
  items: TaskListItem[];
  /** When publication is scheduled (ISO), while status is 'scheduled'. */
  publishAt: string | null;
  published: { at: string; by: ActorRef; items: PublishedItem[]; total: number; closeAt: string } | null;
  closed: { at: string; results: UnitMonthResult[] } | null;
  /** On a quarter's last list: the quarterly review (季度盘点) taken when that month closed — three months per unit. */
  quarterReview?: QuarterReview;
  createdAt: string;
  updatedAt: string;
}

export const taskListId = (month: string) => `TL-${month}`;

const taskListSchema = new Schema<TaskListRecord>(
  {
    _id: { type: String, required: true },
    month: { type: String, required: true },
    title: { type: String, required: true },
    status: { type: String, required: true },
    published: { type: Schema.Types.Mixed, default: null },
    closed: { type: Schema.Types.Mixed, default: null },
    items: { type: Schema.Types.Mixed, default: [] },
  },
  { collection: 'task_lists', versionKey: false, strict: false },
);
// Serves: the lists by month, newest first.
taskListSchema.index({ month: -1 });

export function taskListModel(connection: Connection): Model<TaskListRecord> {
  return (connection.models.TaskList as Model<TaskListRecord>) ?? connection.model<TaskListRecord>('TaskList', taskListSchema);
}

export class TaskListRepository {
  private readonly lists: Model<TaskListRecord>;
  constructor(connection: Connection) {
    this.lists = taskListModel(connection);
  }

  findById(id: string): Promise<TaskListRecord | null> {
    return this.lists.findById(id).lean<TaskListRecord>().exec();
  }

  list(limit: number): Promise<TaskListRecord[]> {
    return this.lists.find().sort({ month: -1 }).limit(limit).lean<TaskListRecord[]>().exec();
  }

  /** Creates the list; false when the month has one already. */
  async insert(record: TaskListRecord): Promise<boolean> {
    try {
      await this.lists.create(record);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** Replaces title and items of a draft; null when the list is not (or no longer) a draft. */
  updateDraft(id: string, changes: { title: string; items: TaskListItem[]; updatedAt: string }): Promise<TaskListRecord | null> {
    return this.lists
      .findOneAndUpdate({ _id: id, status: 'draft' }, { $set: changes }, { returnDocument: 'after' })
      .lean<TaskListRecord>()
      .exec();
  }

  /** Moves a draft to 'scheduled' (or straight on); null when it was not a draft — publishing happens once. */
  markScheduled(id: string, publishAt: string, at: string): Promise<TaskListRecord | null> {
    return this.lists
      .findOneAndUpdate({ _id: id, status: 'draft' }, { $set: { status: 'scheduled', publishAt, updatedAt: at } }, { returnDocument: 'after' })
      .lean<TaskListRecord>()
      .exec();
  }

  /** Stores the published snapshot once; a second call leaves the first in place. */
  async markPublished(id: string, published: NonNullable<TaskListRecord['published']>): Promise<TaskListRecord | null> {
    await this.lists.updateOne({ _id: id, published: null }, { $set: { status: 'published', published, updatedAt: published.at } }).exec();
    return this.findById(id);
  }

  /**
   * Adds items to a list, each once by id; creates the month's draft when there is none. Items are derived from their
   * source (template and month, or the carried assignment), so two callers racing add equal objects, which
   * `$addToSet` stores once.
   */
  async addItems(id: string, seed: Omit<TaskListRecord, 'items'>, items: TaskListItem[]): Promise<TaskListRecord> {
    await this.insert({ ...seed, _id: id, items: [] });
    const current = (await this.findById(id))!;
    const known = new Set((current.items ?? []).map((item) => item.id));
    const fresh = items.filter((item) => !known.has(item.id));
    if (fresh.length > 0) await this.lists.updateOne({ _id: id }, { $addToSet: { items: { $each: fresh } } }).exec();
    return (await this.findById(id))!;
  }

  /** Appends frozen items to a list that is already published (carried over into a running month). */
  async addPublishedItems(id: string, items: PublishedItem[], added: number): Promise<void> {
    await this.lists.updateOne({ _id: id }, { $push: { 'published.items': { $each: items } }, $inc: { 'published.total': added } }).exec();
  }

  async recordQuarterReview(id: string, review: NonNullable<TaskListRecord['quarterReview']>): Promise<void> {
    await this.lists.updateOne({ _id: id }, { $set: { quarterReview: review } }).exec();
  }

  async markClosed(id: string, closed: NonNullable<TaskListRecord['closed']>): Promise<void> {
    await this.lists.updateOne({ _id: id, closed: null }, { $set: { status: 'closed', closed, updatedAt: closed.at } }).exec();
  }
}
