import type { Worker } from '@temporalio/worker';
import type { Connection } from 'mongoose';
import { WORKER_HEARTBEAT_INTERVAL_MS } from '@duban/contracts';
import { WorkerHeartbeatRepository } from '@duban/persistence';

const DAY_MS = 86_400_000;

/**
 * Runs the worker and records its heartbeat every few seconds while it polls (the API's /api/health reads it);
 * the record is removed when the worker stops. Resolves when the worker has stopped.
 */
export async function runWithHeartbeat(worker: Worker, database: Connection): Promise<void> {
  const heartbeats = new WorkerHeartbeatRepository(database);
  const { identity, taskQueue } = worker.options;
  await heartbeats.forgetOlderThan(new Date(Date.now() - DAY_MS)).catch(() => undefined);
  let lastBeat: Promise<void> = Promise.resolve();
  // A missed beat (database briefly away) is not the worker's failure: the next one tries again.
  const beat = () => (lastBeat = heartbeats.beat(identity, taskQueue, new Date()).catch(() => undefined));
  const running = worker.run();
  void beat();
  const timer = setInterval(() => {
    if (worker.getState() === 'RUNNING') void beat();
  }, WORKER_HEARTBEAT_INTERVAL_MS);
  try {
    await running;
  } finally {
    clearInterval(timer);
    await lastBeat;
    await heartbeats.forget(identity).catch(() => undefined);
  }
}
