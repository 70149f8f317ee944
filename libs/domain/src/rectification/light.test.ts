import { describe, expect, it } from 'vitest';
import { light } from './light.js';
import { STANDARD_POLICY } from '../supervision/policy.js';

const base = {
  status: 'rectifying' as const,
  dueAt: '2026-12-10T15:59:59.999Z',
  missedProgress: false,
  returns: 0,
  policy: STANDARD_POLICY,
  schedule: { signInBy: null, planBy: null, blueAt: '2026-12-07T16:00:00.000Z', level1At: null, level2At: null, nextProgressDue: null },
};
const at = (iso: string) => new Date(iso);

describe('light', () => {
  it('is green until the blue instant, blue from it, red once the deadline has passed', () => {
    expect(light(base, at('2026-12-07T15:59:59.999Z'))).toBe('green');
    expect(light(base, at('2026-12-07T16:00:00.000Z'))).toBe('blue');
    expect(light(base, at('2026-12-10T15:59:59.999Z'))).toBe('blue');
    expect(light(base, at('2026-12-10T16:00:00.000Z'))).toBe('red');
  });

  it('is yellow while a progress report is missing or after the policy number of returns, but red wins once overdue', () => {
    expect(light({ ...base, missedProgress: true }, at('2026-12-01T00:00:00Z'))).toBe('yellow');
    expect(light({ ...base, returns: 2 }, at('2026-12-08T00:00:00Z'))).toBe('yellow');
    expect(light({ ...base, returns: 1 }, at('2026-12-01T00:00:00Z'))).toBe('green');
    expect(light({ ...base, missedProgress: true }, at('2026-12-11T00:00:00Z'))).toBe('red');
  });

  it('is off when the deadline does not run: closed, merged or deferred', () => {
    for (const status of ['closed', 'merged', 'deferred'] as const) expect(light({ ...base, status }, at('2027-01-01T00:00:00Z'))).toBeNull();
  });
});
