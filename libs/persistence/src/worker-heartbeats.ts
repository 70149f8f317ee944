import { Schema, type Connection, type Model } from 'mongoose';

interface WorkerHeartbeatRecord {
  /** The worker's Temporal identity (`<pid>@<host>`): one record per worker process. */
  _id: string;
  taskQueue: string;
  beatAt: Date;
}

const workerHeartbeatSchema = new Schema<WorkerHeartbeatRecord>(
  { _id: { type: String, required: true }, taskQueue: { type: String, required: true }, beatAt: { type: Date, required: true } },
  { collection: 'worker_heartbeats', versionKey: false },
);

/** When each worker last showed it was polling (see `workerIsUp` in @duban/contracts). */
export class WorkerHeartbeatRepository {
  private readonly heartbeats: Model<WorkerHeartbeatRecord>;
  constructor(connection: Connection) {
    this.heartbeats =
      (connection.models.WorkerHeartbeat as Model<WorkerHeartbeatRecord>) ??
      connection.model<WorkerHeartbeatRecord>('WorkerHeartbeat', workerHeartbeatSchema);
  }

  async beat(identity: string, taskQueue: string, at: Date): Promise<void> {
    await this.heartbeats.updateOne({ _id: identity }, { $set: { taskQueue, beatAt: at } }, { upsert: true }).exec();
  }

  /** A worker that stops cleanly says so at once instead of waiting for its beat to go stale. */
  async forget(identity: string): Promise<void> {
    await this.heartbeats.deleteOne({ _id: identity }).exec();
  }

  /** Records of workers gone long ago (killed, so never forgotten): removed when a worker starts. */
  async forgetOlderThan(before: Date): Promise<void> {
    await this.heartbeats.deleteMany({ beatAt: { $lt: before } }).exec();
  }

  /** The newest beat of any worker on the task queue. */
  async latest(taskQueue: string, maxTimeMs: number): Promise<Date | undefined> {
    const newest = await this.heartbeats.findOne({ taskQueue }).sort({ beatAt: -1 }).maxTimeMS(maxTimeMs).lean<WorkerHeartbeatRecord>().exec();
    return newest?.beatAt;
  }
}
