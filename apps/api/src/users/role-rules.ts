import type { Role } from '@duban/domain';

export { roleCombinationProblem, SEPARATED_ROLES } from '@duban/domain';

/** The same set of roles, in any order: a change of roles ends the sessions that claim the old ones. */
export const sameRoles = (a: readonly Role[], b: readonly Role[]): boolean => a.length === b.length && a.every((r) => b.includes(r));
