import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKey } from './settings.js';

interface CounterRecord {
  _id: string;
  seq: number;
}

const counterSchema = new Schema<CounterRecord>(
  { _id: { type: String, required: true }, seq: { type: Number, required: true } },
  { collection: 'counters', versionKey: false },
);

interface Waiter {
  resolve(seq: number): void;
  reject(error: unknown): void;
}

/**
 * Named counters whose numbers are handed out in arrival order. Requests that come while a counter's update is
 * in flight wait and share the next one (`$inc` by their count): a burst of notices on one counter costs one
 * round trip per batch instead of one per number, and this process never sends two updates of one counter at
 * once. (FerretDB v1's findAndModify is not atomic, so concurrent ones can answer the same value; across
 * processes the unique index on what is numbered still refuses a duplicate.)
 */
export class CounterSequences {
  private readonly counters: Model<CounterRecord>;
  private readonly waiting = new Map<string, Waiter[]>();

  private constructor(connection: Connection) {
    this.counters = (connection.models.Counter as Model<CounterRecord>) ?? connection.model<CounterRecord>('Counter', counterSchema);
  }

  private static readonly perConnection = new WeakMap<Connection, CounterSequences>();

  /** The one instance of a connection, so that every repository on it shares the batches. */
  static of(connection: Connection): CounterSequences {
    let sequences = CounterSequences.perConnection.get(connection);
    if (!sequences) CounterSequences.perConnection.set(connection, (sequences = new CounterSequences(connection)));
    return sequences;
  }

  /** The next number of `counterId` (1 for a new counter). */
  next(counterId: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const queue = this.waiting.get(counterId);
      if (queue) return void queue.push({ resolve, reject });
      this.waiting.set(counterId, [{ resolve, reject }]);
      void this.drain(counterId);
    });
  }

  /** Serves the counter's queue batch by batch until no one waits; the queue's presence marks an update in flight. */
  private async drain(counterId: string): Promise<void> {
    const queue = this.waiting.get(counterId)!;
    while (queue.length > 0) {
      const batch = queue.splice(0);
      try {
        const last = await this.increment(counterId, batch.length);
        batch.forEach((waiter, i) => waiter.resolve(last - batch.length + 1 + i));
      } catch (error) {
        for (const waiter of batch) waiter.reject(error);
      }
    }
    this.waiting.delete(counterId);
  }

  /** Adds `by` to the counter and answers its new value. Two first uses at once race on the upsert; the loser retries. */
  private async increment(counterId: string, by: number): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      try {
        const counter = await this.counters
          .findOneAndUpdate({ _id: counterId }, { $inc: { seq: by } }, { upsert: true, returnDocument: 'after' })
          .lean<CounterRecord>()
          .exec();
        return counter!.seq;
      } catch (error) {
        if (!isDuplicateKey(error) || attempt >= 5) throw error;
      }
    }
  }
}
