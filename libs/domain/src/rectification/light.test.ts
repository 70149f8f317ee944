import { describe, expect, it } from 'vitest';
import { light } from './light.js';

const dueAt = '2026-12-10T15:59:59.999Z';
const at = (iso: string) => new Date(iso);

describe('light', () => {
  it('is green until three days before the deadline, blue within them, red once it has passed', () => {
    expect(light({ status: 'signed', dueAt }, at('2026-12-07T15:59:59.998Z'))).toBe('green');
    expect(light({ status: 'signed', dueAt }, at('2026-12-07T15:59:59.999Z'))).toBe('blue');
    expect(light({ status: 'signed', dueAt }, at('2026-12-10T15:59:59.999Z'))).toBe('blue');
    expect(light({ status: 'signed', dueAt }, at('2026-12-10T16:00:00.000Z'))).toBe('red');
  });

  it('is off once the item is closed, even past its deadline', () => {
    expect(light({ status: 'closed', dueAt }, at('2027-01-01T00:00:00Z'))).toBeNull();
  });
});
