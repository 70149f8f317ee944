import type { UnitRepository } from '@duban/persistence';

/**
 * A look-up of reference data (units, recipients, channels) remembered for `ttlMs` per argument list, so that a
 * burst of deadlines — a monthly list's assignments falling due on the same day — asks the database once per
 * unit instead of once per item. Calls that come while the first is still loading share its answer; a failed
 * look-up is not remembered. Changes to the org reach the worker at most `ttlMs` late.
 */
export function rememberedFor<A extends readonly unknown[], R>(ttlMs: number, load: (...args: A) => Promise<R>, now: () => number = Date.now): (...args: A) => Promise<R> {
  const entries = new Map<string, { readonly answer: Promise<R>; readonly expiresAt: number }>();
  return (...args: A) => {
    const key = JSON.stringify(args);
    const at = now();
    const entry = entries.get(key);
    if (entry && entry.expiresAt > at) return entry.answer;
    if (entries.size >= MAX_ENTRIES) dropExpired(entries, at);
    const answer = load(...args);
    entries.set(key, { answer, expiresAt: at + ttlMs });
    answer.catch(() => {
      if (entries.get(key)?.answer === answer) entries.delete(key);
    });
    return answer;
  };
}

/** Argument lists are unit ids and role sets: bounded by the org, but a sweep keeps a long-running worker tidy. */
const MAX_ENTRIES = 10_000;

function dropExpired(entries: Map<string, { readonly expiresAt: number }>, at: number): void {
  for (const [key, entry] of entries) if (entry.expiresAt <= at) entries.delete(key);
}

/** How long the worker keeps reference data: long enough to serve a burst, short enough that no one waits on it. */
export const REFERENCE_TTL_MS = 5_000;

/**
 * How long it keeps units' paths (who sees an item): a path changes only when an org file moves a unit, and a new
 * unit is a new key, read at once. In the 5,000-deadline benchmark a unit's next item came ~9 s after its last, so
 * at 5 s these look-ups — each a full read of the units table on FerretDB — were 40 % of the database time.
 */
export const UNIT_PATHS_TTL_MS = 60_000;

/**
 * The read-model `unitScope` of an item or assignment: every unit on the paths of the units involved (who sees it),
 * from unit paths remembered for `UNIT_PATHS_TTL_MS`.
 */
export function rememberedUnitScope(units: UnitRepository): (unitIds: readonly string[]) => Promise<string[]> {
  const unitsByIds = rememberedFor(UNIT_PATHS_TTL_MS, (ids: readonly string[]) => units.findMany(ids));
  return async (unitIds) => [...new Set((await unitsByIds(unitIds)).flatMap((unit) => unit.path))];
}
