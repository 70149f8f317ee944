/**
 * Workers record a heartbeat in the database every interval while they poll; the API's health check counts the
 * worker up while the newest heartbeat of its task queue is recent. A worker killed with -9 leaves its last beat,
 * so it is counted down once that beat is older than a few intervals.
 */
export const WORKER_HEARTBEAT_INTERVAL_MS = 5_000;
export const WORKER_HEARTBEAT_STALE_AFTER_MS = 4 * WORKER_HEARTBEAT_INTERVAL_MS;

export function workerIsUp(lastBeatAt: Date | undefined, now: Date): boolean {
  return lastBeatAt !== undefined && now.getTime() - lastBeatAt.getTime() <= WORKER_HEARTBEAT_STALE_AFTER_MS;
}
