import type { Actor } from '@duban/domain';

export const BENCH_PASSWORD = 'Bench-passw0rd';

type UnitKind = 'county' | 'office' | 'department' | 'township' | 'village';
interface Unit {
  id: string;
  name: string;
  kind: UnitKind;
  parent?: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A county of realistic shape: the office, 10 departments, 20 townships of `villagesPerTown` villages each (131 units
 * with 5; `npm run bench` uses 10: 200 villages, so the monthly list is the 50 items × 200 units), an
 * office user and one user per township. `dept-01` leads only the export's items (see seed.ts).
 */
export function benchOrg(villagesPerTown = 5) {
  const units: Unit[] = [
    { id: 'county', name: '基准县', kind: 'county' },
    { id: 'office', name: '县巩固拓展脱贫攻坚成果工作领导小组办公室', kind: 'office', parent: 'county' },
  ];
  for (let d = 1; d <= 10; d++) units.push({ id: `dept-${pad(d)}`, name: `县直部门${d}`, kind: 'department', parent: 'county' });
  for (let t = 1; t <= 20; t++) {
    units.push({ id: `town-${pad(t)}`, name: `第${t}镇`, kind: 'township', parent: 'county' });
    for (let v = 1; v <= villagesPerTown; v++) units.push({ id: `town-${pad(t)}-v${v}`, name: `第${t}镇${v}村`, kind: 'village', parent: `town-${pad(t)}` });
  }
  const users = [
    { username: 'office', name: '办公室主任', unit: 'office', roles: ['office' as const], password: BENCH_PASSWORD },
    ...Array.from({ length: 20 }, (_, i) => ({ username: `town-${pad(i + 1)}`, name: `第${i + 1}镇干事`, unit: `town-${pad(i + 1)}`, roles: ['unit' as const], password: BENCH_PASSWORD })),
  ];
  return { units, users };
}

export type BenchOrg = ReturnType<typeof benchOrg>;

/** Units that lead the workflow benchmarks' items (every unit but the county, the office and dept-01). */
export const leadUnits = (org: BenchOrg): string[] => org.units.filter((u) => !['county', 'office', 'dept-01'].includes(u.id)).map((u) => u.id);

/** The unit and all units above it, as the read model's `unitScope`. */
export function scopeOf(org: BenchOrg, unitId: string): string[] {
  const parent = new Map(org.units.map((u) => [u.id, u.parent]));
  const scope: string[] = [];
  for (let id: string | undefined = unitId; id; id = parent.get(id)) scope.push(id);
  return scope;
}

export const officeActor: Actor = { userId: 'bench-office', name: '办公室主任', unitId: 'office', roles: ['office'] };
export const unitActor = (unitId: string): Actor => ({ userId: `bench-${unitId}`, name: `${unitId} 干事`, unitId, roles: ['unit'] });
