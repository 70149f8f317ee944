import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { Unit } from '../api/types';

let cached: Promise<Unit[]> | null = null;

/** The unit tree, read once per page load (it changes only by sysadmin imports). */
export function useUnits(): { units: Unit[]; nameOf(id: string | null | undefined): string } {
  const [units, setUnits] = useState<Unit[]>([]);
  useEffect(() => {
    cached ??= api.get<{ items: Unit[] }>('/org/units').then((r) => r.items).catch(() => {
      cached = null;
      return [];
    });
    let live = true;
    void cached.then((items) => live && setUnits(items));
    return () => {
      live = false;
    };
  }, []);
  const byId = new Map(units.map((u) => [u.id, u.name]));
  return { units, nameOf: (id) => (id ? (byId.get(id) ?? id) : '') };
}

/** Units that can be assigned work: everything but the county root and the office itself. */
export function assignable(units: Unit[]): Unit[] {
  return units.filter((u) => u.kind !== 'county' && u.kind !== 'office');
}
