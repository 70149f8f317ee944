/** Latency or delay figures in milliseconds. */
export interface Distribution {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

const round = (value: number) => Math.round(value * 10) / 10;

/** Nearest-rank percentile of values sorted ascending. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? Number.NaN),
    mean: round(sorted.length ? sum / sorted.length : Number.NaN),
  };
}

/** Runs task(0 … n-1) with at most `concurrency` in flight; resolves with the results in order. */
export async function inPool<T>(n: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(n);
  let next = 0;
  const lane = async () => {
    while (next < n) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, lane));
  return results;
}

/**
 * Calls `task` from `connections` loops for `durationMs`; latencies of every call. Calls still running `graceMs`
 * after the end are left behind and counted as unfinished (a saturated database would otherwise hold the run).
 */
export async function closedLoop(
  connections: number,
  durationMs: number,
  task: () => Promise<unknown>,
  graceMs = 10_000,
): Promise<{ latencies: number[]; errors: number; unfinished: number; seconds: number }> {
  const latencies: number[] = [];
  let errors = 0;
  let inFlight = 0;
  const started = performance.now();
  const until = started + durationMs;
  const lane = async () => {
    while (performance.now() < until) {
      const t0 = performance.now();
      inFlight++;
      try {
        await task();
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
      } finally {
        inFlight--;
      }
    }
  };
  await Promise.race([Promise.all(Array.from({ length: connections }, lane)), sleep(durationMs + graceMs)]);
  return { latencies: [...latencies], errors, unfinished: inFlight, seconds: Math.min(performance.now() - started, durationMs + graceMs) / 1000 };
}

export const seconds = (fromMs: number) => Math.round((performance.now() - fromMs) / 10) / 100;
export const perSecond = (count: number, secs: number) => Math.round((count / secs) * 10) / 10;
export const ratio = (ours: number, baseline: number) => Math.round((ours / baseline) * 100) / 100;
export const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
