import { describe, expect, it } from 'vitest';
import { campaignTasksDigest, taskListDigest, tasksPerUnit } from './unit-digest.js';

const spec = (itemId: string, leadUnitId: string, coUnitIds: string[] = []) => ({ itemId, leadUnitId, coUnitIds });

describe('a publication told to each unit once', () => {
  it('counts the distinct items a unit leads or helps with, an item issued to many townships once for its co-unit', () => {
    const counts = tasksPerUnit([
      spec('i1', 'town-a', ['edu']),
      spec('i1', 'town-b', ['edu']),
      spec('i2', 'town-a'),
      spec('i3', 'edu', ['town-a']),
      spec('i4', 'town-b', ['town-b']),
    ]);
    expect(counts).toEqual([
      { unitId: 'edu', lead: 1, co: 1 },
      { unitId: 'town-a', lead: 2, co: 1 },
      { unitId: 'town-b', lead: 2, co: 0 },
    ]);
  });

  it("says how many tasks the unit carries, keyed by list and unit so a replayed publication tells nobody twice", () => {
    const told = taskListDigest({ id: 'TL-2026-12', title: '2026年12月重点工作清单' }, { unitId: 'town-a', lead: 2, co: 1 });
    expect(told).toMatchObject({
      key: 'tasklist:TL-2026-12:published:town-a',
      unitId: 'town-a',
      audience: ['handlers', 'unit_leaders'],
      title: '本月重点任务清单已下发，贵单位承担 3 项',
    });
    expect(told.body).toContain('牵头办理 2 项，配合办理 1 项');
    const campaign = campaignTasksDigest({ id: 'C-1', name: '大排查' }, { key: 'checks', label: '排查任务' }, { unitId: 'town-b', lead: 1, co: 0 });
    expect(campaign).toMatchObject({ key: 'campaign:C-1:checks:town-b', title: '专项行动“大排查”排查任务已下发，贵单位承担 1 项' });
    expect(campaign.body).not.toContain('配合');
  });
});
