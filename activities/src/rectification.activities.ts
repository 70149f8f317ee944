import type { Connection } from 'mongoose';
import type { RectificationActivities } from '@duban/contracts';
import { NoticeRepository, RectificationReadModel, UnitRepository } from '@duban/persistence';
import { UNIT_PATHS_TTL_MS, rememberedFor } from './reference-cache.js';

/** Activities of the rectification workflow, bound to the worker's database connection. */
export function createRectificationActivities(connection: Connection): RectificationActivities {
  const readModel = new RectificationReadModel(connection);
  const units = new UnitRepository(connection);
  const notices = new NoticeRepository(connection);
  const unitsByIds = rememberedFor(UNIT_PATHS_TTL_MS, (ids: readonly string[]) => units.findMany(ids));

  return {
    async projectRectification(state) {
      // The verifier (first-level review) must see the item too.
      const involved = await unitsByIds([state.leadUnitId, ...state.coUnitIds, ...(state.verifierUnitId ? [state.verifierUnitId] : [])]);
      const unitScope = [...new Set(involved.flatMap((unit) => unit.path))];
      await readModel.project(state, unitScope);
    },

    async recordNotice({ key, issuedAt, ...notice }) {
      return notices.record({ _id: key, ...notice, issuedAt: new Date(issuedAt) });
    },
  };
}
