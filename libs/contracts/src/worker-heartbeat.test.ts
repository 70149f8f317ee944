import { describe, expect, it } from 'vitest';
import { WORKER_HEARTBEAT_INTERVAL_MS, WORKER_HEARTBEAT_STALE_AFTER_MS, workerIsUp } from './worker-heartbeat.js';

describe('worker heartbeat', () => {
  const now = new Date('2026-03-01T08:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);

  it('counts a worker as up while its last beat is recent', () => {
    expect(workerIsUp(ago(WORKER_HEARTBEAT_INTERVAL_MS), now)).toBe(true);
    expect(workerIsUp(ago(WORKER_HEARTBEAT_STALE_AFTER_MS), now)).toBe(true);
  });

  it('counts a worker as down once it missed several beats, or never beat', () => {
    expect(workerIsUp(ago(WORKER_HEARTBEAT_STALE_AFTER_MS + 1), now)).toBe(false);
    expect(workerIsUp(undefined, now)).toBe(false);
  });

  it('allows a few missed beats before calling a worker down', () => {
    expect(WORKER_HEARTBEAT_STALE_AFTER_MS).toBeGreaterThanOrEqual(3 * WORKER_HEARTBEAT_INTERVAL_MS);
  });
});
