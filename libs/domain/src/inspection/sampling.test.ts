import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { drawKey, drawSample, sha256Hex, stratumSize, uuidFromName, type SamplingCandidate } from './index.js';
import { inspectionStepAllowed, nextInspectionStatus } from './inspection.js';

const candidates = (unit: string, n: number): SamplingCandidate[] => Array.from({ length: n }, (_, i) => ({ unitId: unit, itemId: `${unit}-item-${i}` }));
const population = [...candidates('water', 10), ...candidates('town-a', 7), ...candidates('village-a1', 1), ...candidates('health', 3)];

describe('sha256Hex', () => {
  it.each(['', 'abc', 'seed-2026:0c6f…', '回头看', 'x'.repeat(55), 'y'.repeat(56), 'z'.repeat(64), 'w'.repeat(200)])('matches node:crypto for %j', (text) => {
    expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
  });
});

describe('stratumSize', () => {
  it.each([
    [10, 0.3, 3],
    [7, 0.3, 3],
    [1, 0.3, 1],
    [3, 0.1, 1],
    [10, 1, 10],
    [0, 0.5, 0],
    [20, 0.05, 1],
    [100, 0.07, 7],
  ])('n=%i ratio=%f → %i', (n, ratio, size) => {
    expect(stratumSize(n, ratio)).toBe(size);
  });
  it.each([0, -0.1, 1.01, Number.NaN])('refuses ratio %f', (ratio) => {
    expect(() => stratumSize(5, ratio)).toThrow(RangeError);
  });
});

describe('drawSample', () => {
  it('is reproducible from its seed, whatever order the candidates come in', () => {
    const first = drawSample(population, 0.3, 'seed-2026-11');
    const shuffled = [...population].reverse();
    expect(drawSample(shuffled, 0.3, 'seed-2026-11')).toEqual(first);
    expect(drawSample(population, 0.3, 'seed-2026-11')).toEqual(first);
  });

  it('takes ceil(ratio × n) per unit', () => {
    const draw = drawSample(population, 0.3, 'seed-a');
    expect(draw.strata.map((s) => [s.unitId, s.population, s.drawn.length])).toEqual([
      ['health', 3, 1],
      ['town-a', 7, 3],
      ['village-a1', 1, 1],
      ['water', 10, 3],
    ]);
    expect(draw.drawn).toHaveLength(8);
    for (const s of draw.strata) for (const id of s.drawn) expect(id.startsWith(`${s.unitId}-`)).toBe(true);
  });

  it('draws the lowest sha256(seed:itemId) within each unit', () => {
    const draw = drawSample(population, 0.3, 'seed-b');
    const water = population.filter((c) => c.unitId === 'water').map((c) => c.itemId);
    const expected = [...water].sort((a, b) => drawKey('seed-b', a).localeCompare(drawKey('seed-b', b))).slice(0, 3);
    expect(draw.strata.find((s) => s.unitId === 'water')!.drawn).toEqual(expected);
    expect(drawKey('seed-b', 'water-item-0')).toBe(createHash('sha256').update('seed-b:water-item-0').digest('hex'));
  });

  it('depends on the seed', () => {
    const draws = new Set(['s1', 's2', 's3', 's4', 's5'].map((seed) => drawSample(population, 0.3, seed).drawn.join(',')));
    expect(draws.size).toBeGreaterThan(1);
  });

  it('draws everything at ratio 1, nothing from nothing, and counts a repeated id once', () => {
    expect(drawSample(population, 1, 's').drawn).toHaveLength(population.length);
    expect(drawSample([], 0.5, 's')).toEqual({ seed: 's', ratio: 0.5, strata: [], drawn: [] });
    const twice = drawSample([...candidates('water', 2), ...candidates('water', 2)], 1, 's');
    expect(twice.strata).toEqual([{ unitId: 'water', population: 2, drawn: expect.any(Array) }]);
    expect(twice.drawn).toHaveLength(2);
  });

  it('a larger ratio keeps the smaller draw as its prefix (same seed)', () => {
    const small = drawSample(population, 0.2, 'p');
    const large = drawSample(population, 0.6, 'p');
    for (const s of small.strata) {
      const l = large.strata.find((x) => x.unitId === s.unitId)!;
      expect(l.drawn.slice(0, s.drawn.length)).toEqual(s.drawn);
    }
  });

  it('refuses an empty seed', () => {
    expect(() => drawSample(population, 0.3, '')).toThrow(RangeError);
  });
});

describe('uuidFromName', () => {
  it('is a stable v4-shaped uuid per name', () => {
    const id = uuidFromName('finding:abc');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidFromName('finding:abc')).toBe(id);
    expect(uuidFromName('finding:abd')).not.toBe(id);
  });
});

describe('inspection steps', () => {
  it('records findings until published, publishes only with findings, never after', () => {
    expect(inspectionStepAllowed('planned', 'addFinding', 0)).toEqual({ ok: true });
    expect(inspectionStepAllowed('visiting', 'addFinding', 3)).toEqual({ ok: true });
    expect(inspectionStepAllowed('planned', 'publish', 0)).toMatchObject({ ok: false });
    expect(inspectionStepAllowed('visiting', 'publish', 1)).toEqual({ ok: true });
    expect(inspectionStepAllowed('published', 'addFinding', 1)).toMatchObject({ ok: false });
    expect(inspectionStepAllowed('published', 'publish', 1)).toMatchObject({ ok: false });
    expect(nextInspectionStatus('planned', 'addFinding')).toBe('visiting');
    expect(nextInspectionStatus('visiting', 'addFinding')).toBe('visiting');
    expect(nextInspectionStatus('visiting', 'publish')).toBe('published');
  });
});
