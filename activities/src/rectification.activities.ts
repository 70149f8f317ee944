import type { Connection } from 'mongoose';
import type { RectificationActivities } from '@duban/contracts';
import { RectificationReadModel, UnitRepository } from '@duban/persistence';

/** Activities of the rectification workflow, bound to the worker's database connection. */
export function createRectificationActivities(connection: Connection): RectificationActivities {
  const readModel = new RectificationReadModel(connection);
  const units = new UnitRepository(connection);

  return {
    async projectRectification(state) {
      const involved = await units.findMany([state.leadUnitId, ...state.coUnitIds]);
      const unitScope = [...new Set(involved.flatMap((unit) => unit.path))];
      await readModel.project(state, unitScope);
    },
  };
}
