import { ROLE_LABELS, type Role } from './actor.js';

/** Roles that may not be combined with any other (等保 2.0 三员分立: the sysadmin and the auditor hold no business data). */
export const SEPARATED_ROLES: readonly Role[] = ['sysadmin', 'auditor'];

/** Why a role combination is not allowed, in Chinese; null when it is. The API enforces it, the user form shows it. */
export function roleCombinationProblem(roles: readonly Role[]): string | null {
  const separated = SEPARATED_ROLES.find((role) => roles.includes(role));
  if (separated && new Set(roles).size > 1) return `${ROLE_LABELS[separated]}（${separated}）不能兼任其他角色（三员分立）`;
  return null;
}
