import { sha256Hex } from './sha256.js';

/** One closed item that a look-back may draw, with the unit it is counted against (the stratum). */
export interface SamplingCandidate {
  readonly itemId: string;
  readonly unitId: string;
}

export interface Draw {
  readonly seed: string;
  readonly ratio: number;
  /** Per unit: how many closed items matched, and which were drawn (in draw order). */
  readonly strata: readonly { readonly unitId: string; readonly population: number; readonly drawn: readonly string[] }[];
  /** Every drawn item id, units in id order, each unit's items in draw order. */
  readonly drawn: readonly string[];
}

/** The key that orders candidates within a stratum: sha256 of `${seed}:${itemId}`, lowest first. */
export const drawKey = (seed: string, itemId: string): string => sha256Hex(`${seed}:${itemId}`);

/** How many of a stratum of `population` items a draw takes: ceil(ratio × n), so every unit with items is checked. */
export function stratumSize(population: number, ratio: number): number {
  if (!(ratio > 0 && ratio <= 1)) throw new RangeError('ratio must be in (0, 1]');
  // Rounding guard: 0.3 × 10 is 3.0000000000000004 in binary floating point.
  return Math.min(population, Math.ceil(Math.round(ratio * population * 1e9) / 1e9));
}

/**
 * 回头看抽样: stratified by unit, reproducible from the seed. Within each unit the candidates are ordered by
 * sha256(seed + ':' + itemId) (ties by id) and the first ceil(ratio × n) are drawn. Anyone holding the seed, the
 * ratio and the list of candidates gets the same draw, whatever order the candidates come in.
 */
export function drawSample(candidates: readonly SamplingCandidate[], ratio: number, seed: string): Draw {
  if (seed.length === 0) throw new RangeError('seed must not be empty');
  const byUnit = new Map<string, Set<string>>();
  for (const c of candidates) {
    const set = byUnit.get(c.unitId) ?? new Set<string>();
    set.add(c.itemId);
    byUnit.set(c.unitId, set);
  }
  const strata = [...byUnit.keys()].sort().map((unitId) => {
    const ids = [...byUnit.get(unitId)!];
    const keyed = ids.map((id) => ({ id, key: drawKey(seed, id) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : 1));
    return { unitId, population: ids.length, drawn: keyed.slice(0, stratumSize(ids.length, ratio)).map((k) => k.id) };
  });
  return { seed, ratio, strata, drawn: strata.flatMap((s) => s.drawn) };
}

/**
 * A uuid (v4 layout) derived from a name: the rectification item a finding becomes has id
 * `uuidFromName('finding:' + findingId)`, so publishing twice creates nothing twice.
 */
export function uuidFromName(name: string): string {
  const hex = sha256Hex(name).slice(0, 32).split('');
  hex[12] = '4';
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
