import type { OrgFile } from '@duban/api';

export const PASSWORD = 'Test-passw0rd';

/** A small county: the office, two departments, a township with two villages, and a user per role. */
export const testCounty: OrgFile = {
  units: [
    { id: 'county', name: '测试县', kind: 'county' },
    { id: 'office', name: '县巩固拓展脱贫攻坚成果工作领导小组办公室', kind: 'office', parent: 'county' },
    { id: 'water', name: '县水利局', kind: 'department', parent: 'county' },
    { id: 'health', name: '县卫健委', kind: 'department', parent: 'county' },
    { id: 'town-a', name: '甲镇', kind: 'township', parent: 'county' },
    { id: 'village-a1', name: '甲镇一村', kind: 'village', parent: 'town-a' },
    { id: 'village-a2', name: '甲镇二村', kind: 'village', parent: 'town-a' },
  ],
  users: [
    { username: 'office', name: '办公室王主任', unit: 'office', roles: ['office'], password: PASSWORD },
    { username: 'leader', name: '李组长', unit: 'county', roles: ['leader'], password: PASSWORD },
    { username: 'water', name: '水利局张科长', unit: 'water', roles: ['unit'], password: PASSWORD },
    { username: 'health', name: '卫健委刘科长', unit: 'health', roles: ['unit'], password: PASSWORD },
    { username: 'town-a', name: '甲镇陈干事', unit: 'town-a', roles: ['unit'], password: PASSWORD },
    { username: 'village-a1', name: '一村赵书记', unit: 'village-a1', roles: ['unit'], password: PASSWORD },
    { username: 'village-a2', name: '二村孙书记', unit: 'village-a2', roles: ['unit'], password: PASSWORD },
    { username: 'inspector', name: '督导组周组长', unit: 'office', roles: ['inspector'], password: PASSWORD },
  ],
};
