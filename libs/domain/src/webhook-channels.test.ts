import { describe, expect, it } from 'vitest';
import type { Actor, Role } from './actor.js';
import { mayManageWebhookChannels } from './webhook-channels.js';

const actor = (unitId: string, ...roles: Role[]): Actor => ({ userId: 'u', name: '某人', unitId, roles });

describe('mayManageWebhookChannels', () => {
  it('lets the office configure any unit and a unit leader only their own unit', () => {
    expect(mayManageWebhookChannels(actor('office', 'office'), 'water')).toBe(true);
    expect(mayManageWebhookChannels(actor('water', 'unit_leader'), 'water')).toBe(true);
    expect(mayManageWebhookChannels(actor('water', 'unit_leader'), 'health')).toBe(false);
  });

  it('refuses the sysadmin, the auditor and everyone else, also for their own unit', () => {
    for (const role of ['sysadmin', 'auditor', 'unit', 'leader', 'inspector'] as const) {
      expect(mayManageWebhookChannels(actor('water', role), 'water')).toBe(false);
    }
  });
});
