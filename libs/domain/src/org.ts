/** Kinds of unit in a county's tree (DOMAIN.md "Who uses it"). */
export const UNIT_KINDS = ['county', 'office', 'department', 'township', 'village', 'external'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export const UNIT_KIND_LABELS: Record<UnitKind, string> = {
  county: '县（区）',
  office: '领导小组办公室',
  department: '县直部门',
  township: '乡（镇）',
  village: '村（社区）',
  external: '驻县单位',
};

/** A unit's materialized path from the root, e.g. ["county", "township-a", "village-1"]. */
export type UnitPath = readonly string[];

/** True when `unitId` is `ancestorId` itself or lies below it in the tree. */
export const isWithin = (path: UnitPath, ancestorId: string): boolean => path.includes(ancestorId);
