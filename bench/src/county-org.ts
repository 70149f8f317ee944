import type { Role } from '@duban/domain';

type UnitKind = 'county' | 'office' | 'department' | 'township' | 'village';
export interface CountyUnit {
  readonly id: string;
  readonly name: string;
  readonly kind: UnitKind;
  readonly parent?: string;
}
export interface CountyUser {
  readonly id: string;
  readonly username: string;
  readonly name: string;
  readonly unit: string;
  readonly roles: Role[];
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const DEPARTMENTS = 30;
const TOWNSHIPS = 18;
const VILLAGES = 250;
/** Users per unit by kind (the office has its office users plus a leader and an auditor). */
const USERS_PER_UNIT: Record<Exclude<UnitKind, 'county' | 'office'>, number> = { department: 3, township: 5, village: 3 };
const OFFICE_USERS = 5;

/**
 * A county of the size: 300 units in 4 levels — the county and its office, 30 departments, 18 townships
 * and 250 villages under them (13–14 each) — and 938 users: 5 office users, a leader and an auditor in the office,
 * 3 per department, 5 per township, 3 per village. Ids are stable, so a cached seed matches the same org.
 */
export function countyOrg() {
  const units: CountyUnit[] = [
    { id: 'county', name: '基准县', kind: 'county' },
    { id: 'office', name: '县巩固拓展脱贫攻坚成果工作领导小组办公室', kind: 'office', parent: 'county' },
  ];
  for (let d = 1; d <= DEPARTMENTS; d++) units.push({ id: `dept-${pad(d)}`, name: `县直部门${d}`, kind: 'department', parent: 'county' });
  for (let t = 1; t <= TOWNSHIPS; t++) units.push({ id: `town-${pad(t)}`, name: `第${t}镇`, kind: 'township', parent: 'county' });
  for (let v = 0; v < VILLAGES; v++) {
    const town = (v % TOWNSHIPS) + 1;
    units.push({ id: `town-${pad(town)}-v${pad(Math.floor(v / TOWNSHIPS) + 1)}`, name: `第${town}镇${Math.floor(v / TOWNSHIPS) + 1}村`, kind: 'village', parent: `town-${pad(town)}` });
  }
  const users: CountyUser[] = [];
  const add = (username: string, name: string, unit: string, roles: Role[]) => users.push({ id: `u-${username}`, username, name, unit, roles });
  for (let i = 1; i <= OFFICE_USERS; i++) add(`office-${i}`, `办公室干事${i}`, 'office', ['office']);
  add('leader', '分管领导', 'office', ['leader']);
  add('auditor', '安全审计员', 'office', ['auditor']);
  for (const unit of units) {
    if (unit.kind === 'county' || unit.kind === 'office') continue;
    for (let i = 1; i <= USERS_PER_UNIT[unit.kind]; i++) add(`${unit.id}-u${i}`, `${unit.name}干事${i}`, unit.id, ['unit']);
  }
  const parent = new Map(units.map((u) => [u.id, u.parent]));
  const scopes = new Map<string, string[]>();
  /** The unit and all units above it, as the read models' `unitScope`. */
  const scopeOf = (unitId: string): string[] => {
    let scope = scopes.get(unitId);
    if (!scope) {
      scope = [];
      for (let id: string | undefined = unitId; id; id = parent.get(id)) scope.push(id);
      scopes.set(unitId, scope);
    }
    return scope;
  };
  const ofKind = (kind: UnitKind) => units.filter((u) => u.kind === kind).map((u) => u.id);
  return { units, users, scopeOf, departments: ofKind('department'), townships: ofKind('township'), villages: ofKind('village') };
}

export type CountyOrg = ReturnType<typeof countyOrg>;

/** The org file the API loads (units only: the seed stores the users, with one password hash for all). */
export const countyOrgFile = (org: CountyOrg) => ({ units: org.units, users: [] });
