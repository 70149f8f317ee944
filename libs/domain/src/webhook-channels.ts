import { hasRole, type Actor } from './actor.js';

/**
 * Who configures a unit's push channels (webhooks): the office for any unit, a unit leader for their own unit.
 * Not the sysadmin: every notice a channel carries is business data (三员分立).
 */
export const mayManageWebhookChannels = (actor: Actor, unitId: string): boolean =>
  hasRole(actor, 'office') || (actor.unitId === unitId && hasRole(actor, 'unit_leader'));
