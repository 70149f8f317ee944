/** The worker's workflow cache (Temporal's sticky cache) over a stretch of a run, from its `/metrics`. */
export interface StickyCacheCounts {
  /** Workflow tasks served from a workflow kept in memory. */
  readonly hits: number;
  /** Workflow tasks whose workflow had to be rebuilt by replaying its whole history first. */
  readonly misses: number;
  /** Workflows evicted to make room (the cache was full). */
  readonly forcedEvictions: number;
}

const COUNTERS = { hits: 'sticky_cache_hit', misses: 'sticky_cache_miss', forcedEvictions: 'sticky_cache_total_forced_eviction' } as const;

/** Reads the counters now; null when the worker exports no metrics (the in-process smoke target). */
export async function readStickyCache(metricsUrl: string | undefined): Promise<StickyCacheCounts | null> {
  if (!metricsUrl) return null;
  const text = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(30_000) })).text();
  const sum = (name: string) =>
    text
      .split('\n')
      .filter((line) => new RegExp(`^temporal_${name}(_total)?[{ ]`).test(line))
      .reduce((total, line) => total + Number(line.trim().split(/\s+/).at(-1)), 0);
  return { hits: sum(COUNTERS.hits), misses: sum(COUNTERS.misses), forcedEvictions: sum(COUNTERS.forcedEvictions) };
}

/** What happened between two readings. */
export function stickyCacheBetween(before: StickyCacheCounts | null, after: StickyCacheCounts | null): StickyCacheCounts | null {
  if (!before || !after) return null;
  return { hits: after.hits - before.hits, misses: after.misses - before.misses, forcedEvictions: after.forcedEvictions - before.forcedEvictions };
}
