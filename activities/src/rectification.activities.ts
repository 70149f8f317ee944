import type { Connection } from 'mongoose';
import type { RectificationActivities } from '@duban/contracts';
import { NoticeRepository, RectificationReadModel, UnitRepository } from '@duban/persistence';
import { rememberedUnitScope } from './reference-cache.js';

/** Activities of the rectification workflow, bound to the worker's database connection. */
export function createRectificationActivities(connection: Connection): RectificationActivities {
  const readModel = new RectificationReadModel(connection);
  const units = new UnitRepository(connection);
  const notices = new NoticeRepository(connection);
  const unitScopeOf = rememberedUnitScope(units);

  return {
    async projectRectification(state) {
      // The verifier (first-level review) must see the item too.
      await readModel.project(state, await unitScopeOf([state.leadUnitId, ...state.coUnitIds, ...(state.verifierUnitId ? [state.verifierUnitId] : [])]));
      return { at: Date.now() };
    },

    async recordNotice({ key, issuedAt, ...notice }) {
      return notices.record({ _id: key, ...notice, issuedAt: new Date(issuedAt) });
    },
  };
}
