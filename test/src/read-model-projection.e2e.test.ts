import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { register, type Actor, type RectificationState } from '@duban/domain';
import { RectificationReadModel, openDatabase } from '@duban/persistence';

// The read model as the worker writes it (on the real database): projections arrive retried, replayed and out of
// order, and what the inbox shows must always be the newest state, stored with the types its queries filter on.

let connection: Connection;
let readModel: RectificationReadModel;

beforeAll(async () => {
  connection = await openDatabase({ url: `${inject('mongoUrl')}duban_e2e_projection_${randomUUID().slice(0, 8)}` });
  readModel = new RectificationReadModel(connection);
});

afterAll(async () => {
  await connection?.dropDatabase();
  await connection?.close();
});

const office: Actor = { userId: 'office-1', name: '县乡村振兴局', unitId: 'office', roles: ['office'] };

function registered(id = randomUUID()): RectificationState {
  return register(
    {
      id,
      title: '脱贫户饮水安全保障问题',
      description: '3 户饮水不达标',
      source: 'provincial_assessment',
      category: 'drinking_water',
      severity: 'general',
      leadUnitId: 'water',
      coUnitIds: [],
      dueAt: '2026-12-31T09:00:00.000Z',
    },
    office,
    '2026-12-01T02:00:00.000Z',
  );
}

const later = (state: RectificationState, version: number, title: string): RectificationState => ({ ...state, version, title });

describe('read-model projection', () => {
  it('stores the newest state whatever order its projections arrive in', async () => {
    const first = registered();
    await readModel.project(first, ['water', 'county']);
    await readModel.project(later(first, 3, '第三版'), ['water', 'county']);
    await readModel.project(later(first, 2, '第二版'), ['water', 'county']);
    await readModel.project(first, ['water', 'county']);

    const stored = await readModel.findById(first.id);
    expect(stored).toMatchObject({ version: 3, title: '第三版' });
  });

  it('moves a record forward with every field of the new state, and the same projection twice changes nothing', async () => {
    const first = registered();
    await readModel.project(first, ['water', 'county']);
    const next = { ...later(first, 2, '已改标题'), status: 'rectifying' as const };
    await readModel.project(next, ['water', 'town-01', 'county']);
    await readModel.project(next, ['water', 'town-01', 'county']);

    const stored = await readModel.findById(first.id);
    expect(stored).toMatchObject({ version: 2, title: '已改标题', status: 'rectifying', unitScope: ['water', 'town-01', 'county'] });
  });

  it('stores dates as dates, so the inbox finds the item by unit and status, ordered by its deadline', async () => {
    const early = { ...registered(), dueAt: '2026-12-10T09:00:00.000Z' };
    const late = { ...registered(), dueAt: '2026-12-20T09:00:00.000Z' };
    await readModel.project(late, ['dates-unit']);
    await readModel.project(early, ['dates-unit']);
    // The update path too, not only the first insert.
    await readModel.project({ ...early, version: early.version + 1 }, ['dates-unit']);

    const raw = await connection.collection('rectifications').findOne({ _id: early.id as never });
    expect(raw?.due).toBeInstanceOf(Date);
    const inbox = await readModel.inbox({ unitId: 'dates-unit', statuses: [early.status], now: new Date('2026-12-05T00:00:00Z'), limit: 10 });
    expect(inbox.map((item) => item.id)).toEqual([early.id, late.id]);
  });
});
