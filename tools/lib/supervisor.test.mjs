import { describe, expect, it } from 'vitest';
import { BACKOFF, restartDelay } from './supervisor.mjs';

describe('restart backoff', () => {
  it('waits 1 s before the first restart', () => {
    expect(restartDelay(undefined, 500)).toBe(1_000);
  });

  it('doubles the wait while a part keeps crashing soon after it started', () => {
    const waits = [];
    let previous;
    for (let i = 0; i < 8; i++) waits.push((previous = restartDelay(previous, 2_000)));
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
  });

  it('starts again from 1 s once the part had stayed up a while', () => {
    expect(restartDelay(60_000, BACKOFF.stableAfterMs)).toBe(1_000);
    expect(restartDelay(60_000, BACKOFF.stableAfterMs - 1)).toBe(60_000);
  });

  it('follows the rule it is given', () => {
    const rule = { initialMs: 100, maxMs: 300, stableAfterMs: 1_000 };
    expect([restartDelay(undefined, 0, rule), restartDelay(100, 0, rule), restartDelay(200, 0, rule), restartDelay(300, 5_000, rule)]).toEqual([100, 200, 300, 100]);
  });
});
