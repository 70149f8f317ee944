import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardBuilder, dashboardFromCounts, type DashboardView } from '@duban/api';
import { RUNNING_STATUSES, endOfShanghaiDay, light, shanghaiDate, startOfShanghaiDay, type Light, type RectificationState } from '@duban/domain';
import { RectificationCounts, RectificationReadModel, type RectificationRecord } from '@duban/persistence';
import { PASSWORD, testCounty } from './support/org-fixture.js';
import { startStack, type ApiClient, type Stack } from './support/stack.js';

// Issue #26: the dashboard and the light gauge read the counts read model (rectification_counts); each answer must be
// the one the streaming count over every item gives, at any instant — lights are functions of now.

let stack: Stack;
let office: ApiClient;
let townA: ApiClient;

const DAY = 86_400_000;
const inDays = (days: number) => shanghaiDate(new Date(Date.now() + days * DAY));
const NAMES = new Map(testCounty.units.map((u) => [u.id, u.name]));
const unitName = (id: string) => NAMES.get(id) ?? id;

const items = async () => (await stack.database.collection('rectifications').find({}).toArray()) as unknown as RectificationRecord[];

/** The dashboard as streamed over the items (the computation the counts replace). */
async function streamed(now: Date, scope?: string, source?: string): Promise<DashboardView> {
  const builder = new DashboardBuilder(now, unitName);
  for (const r of await items()) if ((scope === undefined || r.unitScope.includes(scope)) && (source === undefined || r.source === source)) builder.add(r);
  return builder.view();
}

/** The dashboard the API answers now (from the counts). */
async function dashboard(as: ApiClient, query = ''): Promise<DashboardView> {
  const { status, body } = await as.get(`/api/reports/dashboard${query}`);
  expect(status).toBe(200);
  return body as DashboardView;
}

const SCOPES: [string | undefined, string | undefined][] = [
  [undefined, undefined],
  ['town-a', undefined],
  [undefined, 'provincial_assessment'],
];

/**
 * At `now`, the dashboard built from the counts — as the API builds it — equals the streamed one, for the county, a
 * township and a source. Retried for a while: projections land after the API's answers.
 */
async function expectCountsAt(now: Date, label: string): Promise<void> {
  const counts = RectificationCounts.of(stack.database);
  for (const [scope, source] of SCOPES) {
    let counted: DashboardView | undefined;
    let expected: DashboardView | undefined;
    for (let attempt = 0; attempt < 50; attempt++) {
      counted = dashboardFromCounts(await counts.groups({ ...(scope ? { scope } : {}), ...(source ? { source } : {}), now }), now, unitName);
      expected = await streamed(now, scope, source);
      if (isDeepStrictEqual(counted, expected)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(counted, `${label}, ${scope ?? 'county'}${source ? `, ${source}` : ''}`).toEqual(expected);
  }
}

/** The API's answers now, for the office, a township and a source filter, equal the streamed count. */
async function expectApiNow(): Promise<void> {
  for (const [as, scope, source] of [[office, undefined, undefined], [townA, 'town-a', undefined], [office, undefined, 'provincial_assessment']] as const) {
    const answer = await dashboard(as, source ? `?source=${source}` : '');
    expect(answer).toEqual(await streamed(new Date(answer.generatedAt), scope, source));
  }
}

async function runningByLightStreamed(now: Date): Promise<Record<Light, number>> {
  const lights: Record<Light, number> = { green: 0, blue: 0, yellow: 0, red: 0 };
  for (const r of await items()) if (RUNNING_STATUSES.includes(r.status)) lights[light(r, now)!] += 1;
  return lights;
}

/** The workflow state of a stored record (what the activity projects). */
function stateOf(record: RectificationRecord): RectificationState {
  const { _id, unitScope, due, blueFrom, lagging, escalationLevel, escalationOpen, projectedAt, lookBackFailures, ...rest } = record as RectificationRecord & { counted?: unknown; countedKey?: unknown };
  void [_id, unitScope, due, blueFrom, lagging, escalationLevel, escalationOpen, projectedAt, lookBackFailures];
  const { counted, countedKey, ...state } = rest as typeof rest & { counted?: unknown; countedKey?: unknown };
  void [counted, countedKey];
  return state as unknown as RectificationState;
}

beforeAll(async () => {
  stack = await startStack(testCounty);
  const login = (username: string) => stack.api.login(username, PASSWORD);
  const [water, health] = await Promise.all([login('water'), login('health')]);
  [office, townA] = await Promise.all([login('office'), login('town-a')]);
  const register = async (item: { source: string; category: string; leadUnitId: string; dueDate: string; coUnitIds?: string[] }, i: number) => {
    const { status, body } = await office.post('/api/rectifications', { title: `计数问题 ${i}`, description: `计数问题 ${i}，经核查属实。`, severity: 'general', coUnitIds: [], ...item });
    expect(status).toBe(201);
    return body.id as string;
  };
  const seeds = [
    { source: 'provincial_assessment', category: 'drinking_water', leadUnitId: 'water', coUnitIds: ['town-a'], dueDate: inDays(1) },
    { source: 'provincial_assessment', category: 'housing', leadUnitId: 'village-a1', dueDate: inDays(3) },
    { source: 'policy_audit', category: 'health', leadUnitId: 'village-a2', coUnitIds: ['health'], dueDate: inDays(10) },
    { source: 'anonymous_visit', category: 'health', leadUnitId: 'health', dueDate: inDays(2) },
    { source: 'national_post_evaluation', category: 'funds_projects', leadUnitId: 'town-a', dueDate: inDays(40) },
    { source: 'provincial_assessment', category: 'funds_projects', leadUnitId: 'town-a', dueDate: inDays(75) },
    { source: 'policy_audit', category: 'housing', leadUnitId: 'water', dueDate: inDays(20) },
  ];
  const ids: string[] = [];
  for (const [i, seed] of seeds.entries()) ids.push(await register(seed, i));
  // A returned plan (a return), a signed item, and one closed: statuses, returns and a closing month.
  expect((await water.post(`/api/rectifications/${ids[0]}/sign`, {})).status).toBe(200);
  const plan = { measures: '建立台账，逐户落实', targetDate: inDays(1), responsiblePerson: '张三' };
  expect((await water.post(`/api/rectifications/${ids[0]}/plan`, plan)).status).toBe(200);
  expect((await office.post(`/api/rectifications/${ids[0]}/plan/return`, { reason: '措施不具体' })).status).toBe(200);
  expect((await health.post(`/api/rectifications/${ids[3]}/sign`, {})).status).toBe(200);
  expect((await health.post(`/api/rectifications/${ids[3]}/plan`, { ...plan, targetDate: inDays(2) })).status).toBe(200);
  expect((await office.post(`/api/rectifications/${ids[3]}/plan/approve`, { note: '同意' })).status).toBe(200);
  expect((await health.post(`/api/rectifications/${ids[3]}/completion`, { summary: '整改全部完成' })).status).toBe(200);
  expect((await office.post(`/api/rectifications/${ids[3]}/sign-off`, { note: '验收通过' })).body.status).toBe('closed');
}, 180_000);

afterAll(async () => {
  await stack?.close();
});

describe('counts read model', () => {
  it('the dashboard from the counts equals the streamed count over the items at several instants, across due-day and blue-day edges', async () => {
    const stored = await items();
    const running = stored.filter((r) => RUNNING_STATUSES.includes(r.status));
    const edges: [Date, string][] = [[new Date(), 'now'], [new Date(Date.now() + 90 * DAY), 'in 90 days']];
    for (const r of running.slice(0, 3)) {
      const dueEnd = Date.parse(endOfShanghaiDay(shanghaiDate(r.dueAt)));
      edges.push([new Date(dueEnd), `last instant of ${r.id}'s due day`], [new Date(dueEnd + 1), `first instant after ${r.id}'s due day`]);
      if (r.schedule.blueAt) {
        const blueStart = Date.parse(startOfShanghaiDay(shanghaiDate(r.schedule.blueAt)));
        edges.push([new Date(blueStart - 1), `just before ${r.id}'s blue day`], [new Date(blueStart), `start of ${r.id}'s blue day`]);
      }
    }
    for (const [now, label] of edges) await expectCountsAt(now, label);
    await expectApiNow();
  });

  it("an item's detail shows none of the counts' bookkeeping", async () => {
    const record = (await items())[0]!;
    expect(record.countedKey).toBeDefined();
    const { status, body } = await office.get(`/api/rectifications/${record._id}`);
    expect(status).toBe(200);
    expect(body).not.toHaveProperty('counted');
    expect(body).not.toHaveProperty('countedKey');
  });

  it('the open-items gauge counts running items by light from the counts, as counting the items does', async () => {
    const counts = RectificationCounts.of(stack.database);
    for (const now of [new Date(), new Date(Date.now() + 5 * DAY), new Date(Date.now() + 60 * DAY)]) {
      expect(await counts.runningByLight(now)).toEqual(await runningByLightStreamed(now));
    }
  });

  it('a duplicated, reordered or concurrent projection counts each change of an item once', async () => {
    const readModel = new RectificationReadModel(stack.database);
    const record = (await items()).find((r) => r.status === 'assigned')!;
    const state = stateOf(record);
    // An older version arriving late changes nothing.
    await readModel.project({ ...state, version: state.version - 1, status: 'rectifying', category: 'employment' }, record.unitScope);
    await expectCountsAt(new Date(), 'after an older version');
    // The next version, projected four times at once, then once more.
    const next = { ...state, version: state.version + 1, status: 'signed' as const, category: 'employment' as const };
    await Promise.all(Array.from({ length: 4 }, () => readModel.project(next, record.unitScope)));
    await readModel.project(next, record.unitScope);
    expect((await items()).find((r) => r._id === record._id)!.category).toBe('employment');
    await expectCountsAt(new Date(), 'after a duplicated newer version');
  });

  it('a projection retried after a crash between the item write and the counts still counts the change', async () => {
    const record = (await items()).find((r) => r.status === 'signed' && r.category === 'employment')!;
    const state = { ...stateOf(record), version: record.version + 1, status: 'plan_submitted' as const, source: 'policy_audit' as const };
    // The item write of the crashed attempt: the record moved, the counts did not.
    await stack.database.collection('rectifications').updateOne({ _id: record._id as never }, { $set: { version: state.version, status: state.status, source: state.source } });
    const before = await dashboard(office);
    expect(before).not.toEqual(await streamed(new Date(before.generatedAt)));
    // The activity's retry: the item is as new already, the counts catch up.
    await new RectificationReadModel(stack.database).project(state, record.unitScope);
    await expectCountsAt(new Date(), 'after the retry');
    await expectApiNow();
  });

  it('counts are built from the items already stored, once, when the worker starts on a store without them', async () => {
    const counts = RectificationCounts.of(stack.database);
    await stack.database.collection('rectification_counts').deleteMany({});
    expect(await counts.isBuilt()).toBe(false);
    // Without counts the dashboard streams the items.
    const fallback = await dashboard(office);
    expect(fallback).toEqual(await streamed(new Date(fallback.generatedAt)));
    expect(await counts.ensureBuilt()).toBe(true);
    expect(await counts.ensureBuilt()).toBe(false);
    await expectCountsAt(new Date(), 'after the build');
    await expectCountsAt(new Date(Date.now() + 30 * DAY), 'after the build, in 30 days');
  });
});
