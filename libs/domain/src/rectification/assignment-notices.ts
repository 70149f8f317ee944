import type { Effect } from '../supervision/effects.js';
import { shanghaiDate } from '../time.js';
import type { RectificationState } from './state.js';

/**
 * 交办: when an item is registered, the lead unit and every co-unit are told it is theirs now — the handlers who sign
 * for it and the unit leaders who answer for it.
 */
export function assignmentNotices(state: Pick<RectificationState, 'title' | 'leadUnitId' | 'coUnitIds' | 'dueAt'>): Effect[] {
  const dueDate = shanghaiDate(state.dueAt);
  const tell = (unitId: string, body: string): Effect => ({
    kind: 'notify',
    key: `assign:${unitId}`,
    unitId,
    audience: ['handlers', 'unit_leaders'],
    level: 'info',
    title: `新交办整改问题：“${state.title}”`,
    body,
  });
  return [
    tell(state.leadUnitId, `本单位为牵头单位，整改时限 ${dueDate}。请及时签收，报送整改方案并组织整改。`),
    ...state.coUnitIds
      .filter((unitId) => unitId !== state.leadUnitId)
      .map((unitId) => tell(unitId, `本单位为配合单位，整改时限 ${dueDate}。请配合牵头单位整改，并报送配合情况。`)),
  ];
}
