import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgFile } from '@duban/api';
import { shanghaiDate } from '@duban/domain';
import { startStack, type ApiClient, type Stack } from './support/stack.js';
import { until } from './support/until.js';

/** Everyone who must act is told when the action becomes theirs (issue #29): lead and co-units, the verifier, the head. */
const PASSWORD = 'Told-2026-units';
const org: OrgFile = {
  units: [
    { id: 'county', name: '告知县', kind: 'county' },
    { id: 'office', name: '县巩固拓展脱贫攻坚成果工作领导小组办公室', kind: 'office', parent: 'county' },
    { id: 'edu', name: '县教体局', kind: 'department', parent: 'county' },
    { id: 'town-a', name: '甲镇', kind: 'township', parent: 'county' },
    { id: 'town-b', name: '乙镇', kind: 'township', parent: 'county' },
    { id: 'village-a1', name: '甲镇一村', kind: 'village', parent: 'town-a' },
  ],
  users: [
    { username: 'office', name: '办公室王主任', unit: 'office', roles: ['office'], password: PASSWORD },
    { username: 'leader', name: '李组长', unit: 'county', roles: ['leader'], password: PASSWORD },
    { username: 'edu', name: '教体局周科长', unit: 'edu', roles: ['unit'], password: PASSWORD },
    { username: 'edu-head', name: '教体局吴局长', unit: 'edu', roles: ['unit_leader'], password: PASSWORD },
    { username: 'town-a', name: '甲镇陈干事', unit: 'town-a', roles: ['unit'], password: PASSWORD },
    { username: 'town-a-head', name: '甲镇吴镇长', unit: 'town-a', roles: ['unit_leader'], password: PASSWORD },
    { username: 'town-b', name: '乙镇刘干事', unit: 'town-b', roles: ['unit'], password: PASSWORD },
    { username: 'village-a1', name: '一村赵书记', unit: 'village-a1', roles: ['unit'], password: PASSWORD },
  ],
};

interface Told {
  title: string;
  body: string;
  level: string;
  subject: { kind: string; id: string };
}

let stack: Stack;
let office: ApiClient;
let leader: ApiClient;
let edu: ApiClient;
let eduHead: ApiClient;
let townA: ApiClient;
let townAHead: ApiClient;
let townB: ApiClient;
let villageA1: ApiClient;

const inDays = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000));
const month = shanghaiDate(new Date()).slice(0, 7);
const listId = `TL-${month}`;

beforeAll(async () => {
  stack = await startStack(org);
  const login = (username: string) => stack.api.login(username, PASSWORD);
  [office, leader, edu, eduHead, townA, townAHead, townB, villageA1] = await Promise.all([
    login('office'),
    login('leader'),
    login('edu'),
    login('edu-head'),
    login('town-a'),
    login('town-a-head'),
    login('town-b'),
    login('village-a1'),
  ]);
});

afterAll(async () => {
  await stack?.close();
});

const notificationsOf = async (client: ApiClient): Promise<Told[]> => (await client.get('/api/notifications?limit=100')).body.items;
const about = (kind: string, id: string) => async (client: ApiClient) => (await notificationsOf(client)).filter((n) => n.subject.kind === kind && n.subject.id === id);
/** Polls until `client` has a notification about the subject that `matches`, and answers it. */
async function toldOf(client: ApiClient, kind: string, id: string, matches: (n: Told) => boolean = () => true): Promise<Told> {
  const found = await until(`a notification about ${kind} ${id}`, () => about(kind, id)(client), (told) => told.some(matches));
  return found.find(matches)!;
}

describe('told when the action becomes theirs', () => {
  it("tells 县教体局's users and the co-unit village's users when an item is registered for them", async () => {
    const registered = await office.post('/api/rectifications', {
      title: '义务教育阶段控辍保学台账不实',
      description: '省考核发现：台账与学籍系统不一致。',
      source: 'provincial_assessment',
      category: 'education',
      severity: 'general',
      leadUnitId: 'edu',
      coUnitIds: ['village-a1'],
      dueDate: inDays(40),
    });
    expect(registered.status).toBe(201);
    const id = registered.body.id as string;
    for (const client of [edu, eduHead]) expect((await toldOf(client, 'rectification', id)).body).toContain('牵头单位');
    expect((await toldOf(villageA1, 'rectification', id)).body).toContain('配合单位');
    for (const client of [townA, townB, leader]) expect(await about('rectification', id)(client)).toEqual([]);
  });

  it('tells each unit a published monthly list reaches once, with how many of its tasks the unit carries', async () => {
    const draft = await office.post('/api/task-lists', {
      month,
      items: [
        { title: '更新就业帮扶台账', targetUnitKind: 'township', dueKind: 'date', dueDate: inDays(3) },
        { title: '资助政策入户宣传', targetUnitIds: ['town-a'], coUnitIds: ['edu'], dueKind: 'monthEnd' },
        { title: '控辍保学月度核查', targetUnitIds: ['edu'], dueKind: 'monthEnd' },
      ],
    });
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    expect((await office.post(`/api/task-lists/${listId}/publish`, {})).status).toBe(202);
    await until('four assignments', () => office.get(`/api/assignments?listId=${listId}`), (r) => r.body.items?.length === 4);

    for (const [client, count] of [[townA, 2], [townAHead, 2], [townB, 1], [edu, 2], [eduHead, 2]] as const) {
      const told = await toldOf(client, 'taskList', listId);
      expect(told.title).toBe(`本月重点任务清单已下发，贵单位承担 ${count} 项`);
      expect(await about('taskList', listId)(client)).toHaveLength(1);
    }
    expect((await toldOf(edu, 'taskList', listId)).body).toContain('牵头办理 1 项，配合办理 1 项');
    for (const client of [villageA1, office, leader]) expect(await about('taskList', listId)(client)).toEqual([]);
  });

  it("tells the unit head when a task is reported done and awaits the head's countersign", async () => {
    const id = `${listId}.i2.town-a`;
    await until('the assignment projected', () => townA.get(`/api/assignments/${id}`), (r) => r.status === 200);
    expect((await townA.post(`/api/assignments/${id}/sign`)).status).toBe(200);
    expect((await townA.post(`/api/assignments/${id}/submit`, { summary: '已入户宣传 120 户' })).status).toBe(200);
    expect((await toldOf(townAHead, 'assignment', id, (n) => n.title.includes('审签'))).body).toContain('审签');
  });

  it('tells the verifier unit when the lead unit reports the rectification complete', async () => {
    const registered = await office.post('/api/rectifications', {
      title: '一村饮水工程管护不到位',
      description: '暗访发现：蓄水池无人管护。',
      source: 'provincial_assessment',
      category: 'drinking_water',
      severity: 'general',
      leadUnitId: 'village-a1',
      coUnitIds: [],
      verifierUnitId: 'town-a',
      dueDate: inDays(40),
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const id = registered.body.id as string;
    expect((await villageA1.post(`/api/rectifications/${id}/sign`)).status).toBe(200);
    expect((await villageA1.post(`/api/rectifications/${id}/plan`, { measures: '落实管护员', targetDate: inDays(20), responsiblePerson: '赵书记' })).status).toBe(200);
    expect((await office.post(`/api/rectifications/${id}/plan/approve`, {})).status).toBe(200);
    expect(await about('rectification', id)(townA)).toEqual([]);
    const completed = await villageA1.post(`/api/rectifications/${id}/completion`, { summary: '已落实专人管护' });
    expect(completed.body.status).toBe('pending_verification');
    for (const client of [townA, townAHead]) {
      const told = await toldOf(client, 'rectification', id);
      expect(told.title).toContain('待初验');
    }
    expect(await about('rectification', id)(townB)).toEqual([]);
  });

  it('tells each unit a campaign reaches when its tasks are issued, once per batch', async () => {
    const created = await office.post('/api/campaigns', {
      name: '控辍保学专项行动',
      startDate: inDays(0),
      phases: [
        { name: '全面排查', kind: 'check', endDate: inDays(5) },
        { name: '整改落实', kind: 'rectify', endDate: inDays(30) },
      ],
      checkItems: [
        { text: '是否有失学辍学学生', targetUnitKind: 'township' },
        { text: '是否落实送教上门', targetUnitIds: ['town-a'] },
      ],
      reports: [{ name: '行动方案', targetUnitIds: ['edu'], dueDates: [inDays(10)] }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect((await office.post(`/api/campaigns/${id}/start`)).status).toBe(202);
    for (const client of [townA, townAHead, townB]) {
      const told = await toldOf(client, 'campaign', id, (n) => n.title.includes('排查任务'));
      expect(told.title).toBe('专项行动“控辍保学专项行动”排查任务已下发，贵单位承担 1 项');
    }
    expect((await toldOf(edu, 'campaign', id)).title).toBe('专项行动“控辍保学专项行动”报送任务已下发，贵单位承担 1 项');
    expect(await about('campaign', id)(villageA1)).toEqual([]);
  });
});
