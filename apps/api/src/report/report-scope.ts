import { hasRole, type Actor } from '@duban/domain';
import { ApiError } from '../common/api-error.js';

/**
 * Scoped like the inbox: the office and the leaders see every unit; a unit (or its leader) sees the items of its
 * own subtree — `unitScope` of each item holds every involved unit and their ancestors.
 */
export function reportScope(actor: Actor): string | undefined {
  if (hasRole(actor, 'office', 'leader')) return undefined;
  if (!hasRole(actor, 'unit', 'unit_leader')) throw ApiError.notFound('报表');
  return actor.unitId;
}
