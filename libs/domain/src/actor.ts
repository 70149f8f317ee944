/** Roles from DOMAIN.md "Who uses it"; auditor and sysadmin hold no business data (三员分立). */
export const ROLES = ['office', 'leader', 'unit', 'unit_leader', 'inspector', 'auditor', 'sysadmin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  office: '领导小组办公室',
  leader: '领导小组组长/分管领导',
  unit: '责任单位经办人',
  unit_leader: '责任单位负责人',
  inspector: '督导组/暗访组',
  auditor: '审计管理员',
  sysadmin: '系统管理员',
};

/** Who takes a step: carried into every command and recorded on every timeline entry. */
export interface Actor {
  readonly userId: string;
  readonly name: string;
  readonly unitId: string;
  readonly roles: readonly Role[];
}

export const hasRole = (actor: Actor, ...roles: Role[]): boolean => actor.roles.some((r) => roles.includes(r));

/** Members of a unit act for it; a unit leader acts for it too. */
export const actsForUnit = (actor: Actor, unitId: string): boolean =>
  actor.unitId === unitId && hasRole(actor, 'unit', 'unit_leader');
