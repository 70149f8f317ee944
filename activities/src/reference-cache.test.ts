import { describe, expect, it } from 'vitest';
import { rememberedFor } from './reference-cache.js';

function counting<R>(answers: (call: number, unitId: string) => Promise<R>) {
  const calls: string[] = [];
  const load = (unitId: string) => {
    calls.push(unitId);
    return answers(calls.length, unitId);
  };
  return { calls, load };
}

describe('rememberedFor', () => {
  it('asks once per argument list within the time, and again once it has passed', async () => {
    let clock = 0;
    const { calls, load } = counting(async (call, unitId) => `${unitId}#${call}`);
    const lookUp = rememberedFor(5_000, load, () => clock);
    expect(await lookUp('water')).toBe('water#1');
    clock = 4_999;
    expect(await lookUp('water')).toBe('water#1');
    expect(await lookUp('health')).toBe('health#2');
    clock = 5_000;
    expect(await lookUp('water')).toBe('water#3');
    expect(calls).toEqual(['water', 'health', 'water']);
  });

  it('lets calls that come while the first is loading share its answer', async () => {
    let release!: (value: string) => void;
    const { calls, load } = counting(() => new Promise<string>((resolve) => (release = resolve)));
    const lookUp = rememberedFor(5_000, load, () => 0);
    const burst = Array.from({ length: 100 }, () => lookUp('water'));
    release('水利局');
    expect(new Set(await Promise.all(burst))).toEqual(new Set(['水利局']));
    expect(calls).toHaveLength(1);
  });

  it('does not remember a failed look-up: the next call asks again', async () => {
    const { calls, load } = counting(async (call) => {
      if (call === 1) throw new Error('database unreachable');
      return 'ok';
    });
    const lookUp = rememberedFor(5_000, load, () => 0);
    await expect(lookUp('water')).rejects.toThrow('database unreachable');
    expect(await lookUp('water')).toBe('ok');
    expect(calls).toHaveLength(2);
  });
});
