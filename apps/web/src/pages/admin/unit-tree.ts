import { useCallback, useEffect, useState } from 'react';
import { adminApi } from '../../api/admin';
import type { Unit } from '../../api/types';

export type AdminUnit = Unit & { path: string[] };

/** A unit with its sub-units, for tree tables and tree selects. */
export interface UnitNode {
  key: string;
  value: string;
  title: string;
  unit: AdminUnit;
  children?: UnitNode[];
}

/** The unit tree (county → departments and townships → villages) built from the flat list the API gives. */
export function unitTree(units: AdminUnit[]): UnitNode[] {
  const nodes = new Map(units.map((unit) => [unit.id, { key: unit.id, value: unit.id, title: unit.name, unit } as UnitNode]));
  const roots: UnitNode[] = [];
  for (const unit of units) {
    const node = nodes.get(unit.id)!;
    const parent = unit.parentId ? nodes.get(unit.parentId) : undefined;
    if (parent) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  return roots;
}

/** The sysadmin's own copy of the unit list, read again after every change (the shared one is read once per page load). */
export function useAdminUnits(): { units: AdminUnit[]; loading: boolean; reload(): Promise<void>; nameOf(id: string | null | undefined): string } {
  const [units, setUnits] = useState<AdminUnit[]>([]);
  const [loading, setLoading] = useState(true);
  const reload = useCallback(async () => {
    setLoading(true);
    try {
      setUnits(await adminApi.units());
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void reload().catch(() => undefined);
  }, [reload]);
  const byId = new Map(units.map((u) => [u.id, u.name]));
  return { units, loading, reload, nameOf: (id) => (id ? (byId.get(id) ?? id) : '') };
}
