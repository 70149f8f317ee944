import { Schema, type Connection, type Model } from 'mongoose';
import type { ActorRef, TaskTemplate } from '@duban/domain';
import { isDuplicateKey } from './settings.js';

/** A recurring obligation (常态化任务) as the office keeps it: the monthly schedule turns it into list items. */
export interface TaskTemplateRecord extends Omit<TaskTemplate, 'id'> {
  _id: string;
  createdBy: ActorRef;
  createdAt: string;
  updatedAt: string;
}

export const toTaskTemplate = ({ _id, ...rest }: TaskTemplateRecord): TaskTemplate => ({ id: _id, ...rest });

const taskTemplateSchema = new Schema<TaskTemplateRecord>(
  {
    _id: { type: String, required: true },
    title: { type: String, required: true },
    active: { type: Boolean, required: true },
    createdAt: { type: String, required: true },
  },
  { collection: 'task_templates', versionKey: false, strict: false },
);
// Serves: the active templates the monthly schedule reads, oldest first (the list's item order).
taskTemplateSchema.index({ active: 1, createdAt: 1 });

export function taskTemplateModel(connection: Connection): Model<TaskTemplateRecord> {
  return (connection.models.TaskTemplate as Model<TaskTemplateRecord>) ?? connection.model<TaskTemplateRecord>('TaskTemplate', taskTemplateSchema);
}

export class TaskTemplateRepository {
  private readonly templates: Model<TaskTemplateRecord>;
  constructor(connection: Connection) {
    this.templates = taskTemplateModel(connection);
  }

  findById(id: string): Promise<TaskTemplateRecord | null> {
    return this.templates.findById(id).lean<TaskTemplateRecord>().exec();
  }

  /** Every template, oldest first. */
  list(): Promise<TaskTemplateRecord[]> {
    return this.templates.find().sort({ createdAt: 1, _id: 1 }).lean<TaskTemplateRecord[]>().exec();
  }

  listActive(): Promise<TaskTemplateRecord[]> {
    return this.templates.find({ active: true }).sort({ createdAt: 1, _id: 1 }).lean<TaskTemplateRecord[]>().exec();
  }

  /** Creates the template; false when one with this id exists (left as it is). */
  async insert(record: TaskTemplateRecord): Promise<boolean> {
    try {
      await this.templates.create(record);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** Replaces what the office edits; null when there is no such template. */
  replace(id: string, changes: Omit<TaskTemplateRecord, '_id' | 'createdBy' | 'createdAt'>): Promise<TaskTemplateRecord | null> {
    return this.templates.findOneAndUpdate({ _id: id }, { $set: changes }, { returnDocument: 'after' }).lean<TaskTemplateRecord>().exec();
  }

  /** True when it existed. Items it already added to lists stay (they keep its id for reference). */
  async delete(id: string): Promise<boolean> {
    return (await this.templates.deleteOne({ _id: id }).exec()).deletedCount === 1;
  }
}
