import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { endOfShanghaiDay, publishAssignment, register, type Actor, type AssignmentState, type RectificationState, type Status } from '@duban/domain';
import { AssignmentReadModel, RectificationReadModel, backfillListKeys, comparePositions, openDatabase, positionOf, syncIndexes, type ListPosition } from '@duban/persistence';

// Issue #26: the inbox and the assignment list are read as walks over small due-day buckets. Whatever the buckets,
// a user pages through exactly the rows the filter selects, in due order, each once; lights are those of the moment.

let connection: Connection;
let items: RectificationReadModel;
let tasks: AssignmentReadModel;

beforeAll(async () => {
  connection = await openDatabase({ url: `${inject('mongoUrl')}duban_e2e_buckets_${randomUUID().slice(0, 8)}` });
  await syncIndexes(connection);
  items = new RectificationReadModel(connection);
  tasks = new AssignmentReadModel(connection);
});

afterAll(async () => {
  await connection?.dropDatabase();
  await connection?.close();
});

const office: Actor = { userId: 'office-1', name: '县乡村振兴局', unitId: 'office', roles: ['office'] };
const clerk: Actor = { userId: 'clerk-7', name: '乡镇登记员', unitId: 'town-01', roles: ['unit'] };

/** An item of `unit` due at the end of `dueDate` (Shanghai), in `status`. */
function item(unit: string, dueDate: string, status: Status = 'rectifying', changes: Partial<RectificationState> = {}, by: Actor = office): RectificationState {
  const registered = register(
    { id: randomUUID(), title: `${unit} ${dueDate}`, description: '饮水不达标', source: 'provincial_assessment', category: 'drinking_water', severity: 'general', leadUnitId: unit, coUnitIds: [], dueAt: endOfShanghaiDay(dueDate) },
    by,
    '2026-11-01T02:00:00.000Z',
  );
  return { ...registered, status, ...changes };
}

/** Every row of the inbox, page by page of `limit`, resuming from the last row as the API's cursor does. */
async function allPages<T extends { _id: string; due: Date }>(read: (after: ListPosition | undefined) => Promise<T[]>, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let after: ListPosition | undefined;
  for (let pages = 1; ; pages++) {
    const page = await read(after);
    ids.push(...page.map((row) => row._id));
    if (page.length < limit) return { ids, pages };
    after = positionOf(page.at(-1)!);
  }
}

const inOrder = (records: { id: string; dueAt: string }[]) =>
  [...records].sort((a, b) => comparePositions(positionOf({ _id: a.id, due: new Date(a.dueAt) }), positionOf({ _id: b.id, due: new Date(b.dueAt) }))).map((r) => r.id);

describe('the inbox read from due-day buckets', () => {
  it('pages a unit and every unit across due days and months in due order, each item once', async () => {
    const days = ['2026-11-28', '2026-11-30', '2026-12-01', '2026-12-01', '2026-12-01', '2026-12-02', '2027-01-15', '2027-01-15'];
    const mine = days.map((day) => item('paging-v1', day));
    const elsewhere = days.slice(0, 3).map((day) => item('paging-v2', day));
    for (const state of [...mine, ...elsewhere]) await items.project(state, [state.leadUnitId, 'paging-town', 'county']);
    const now = new Date('2026-11-20T00:00:00.000Z');

    const village = await allPages((after) => items.inbox({ unitId: 'paging-v1', now, limit: 3, ...(after ? { after } : {}) }), 3);
    expect(village.ids).toEqual(inOrder(mine));
    expect(village.pages).toBe(3);

    const town = await allPages((after) => items.inbox({ unitId: 'paging-town', statuses: ['rectifying'], now, limit: 2, ...(after ? { after } : {}) }), 2);
    expect(town.ids).toEqual(inOrder([...mine, ...elsewhere]));

    // Every unit: the office's list, spread over 16 buckets a day; other tests' items are in it too.
    const everyUnit = await allPages((after) => items.inbox({ now, limit: 4, ...(after ? { after } : {}) }), 4);
    const ours = new Set([...mine, ...elsewhere].map((s) => s.id));
    expect(everyUnit.ids.filter((id) => ours.has(id))).toEqual(inOrder([...mine, ...elsewhere]));
    expect(new Set(everyUnit.ids).size).toBe(everyUnit.ids.length);
  });

  it('merges several statuses in one due order, and an item that changes status moves to its new list', async () => {
    const assigned = [item('merge-v1', '2026-12-03', 'assigned'), item('merge-v1', '2026-12-05', 'assigned')];
    const rectifying = [item('merge-v1', '2026-12-04', 'rectifying'), item('merge-v1', '2026-12-03', 'rectifying')];
    for (const state of [...assigned, ...rectifying]) await items.project(state, ['merge-v1']);
    const now = new Date('2026-11-20T00:00:00.000Z');

    const both = await items.inbox({ unitId: 'merge-v1', statuses: ['assigned', 'rectifying'], now, limit: 10 });
    expect(both.map((r) => r._id)).toEqual(inOrder([...assigned, ...rectifying]));

    const moved = { ...assigned[0]!, status: 'signed' as const, version: assigned[0]!.version + 1 };
    await items.project(moved, ['merge-v1']);
    expect((await items.inbox({ unitId: 'merge-v1', statuses: ['assigned'], now, limit: 10 })).map((r) => r._id)).toEqual([assigned[1]!.id]);
    expect((await items.inbox({ unitId: 'merge-v1', statuses: ['signed'], now, limit: 10 })).map((r) => r._id)).toEqual([moved.id]);
    // Asked again after the emptied bucket's marker went: the answer is the same.
    expect((await items.inbox({ unitId: 'merge-v1', statuses: ['assigned'], now, limit: 10 })).map((r) => r._id)).toEqual([assigned[1]!.id]);
    const open = await items.inbox({ unitId: 'merge-v1', now, limit: 10 });
    expect(open.map((r) => r._id)).toEqual(inOrder([moved, assigned[1]!, ...rectifying]));
  });

  it('selects red, yellow, blue and green as of the moment, at the edges of the due day', async () => {
    // Now: 10:00 Shanghai on 2026-12-10.
    const now = new Date('2026-12-10T02:00:00.000Z');
    const blueAt = (instant: string) => ({ schedule: { signInBy: null, planBy: null, blueAt: instant, level1At: null, level2At: null, nextProgressDue: null } });
    const overdueYesterday = item('light-v1', '2026-12-09');
    const dueToday = item('light-v1', '2026-12-10', 'rectifying', blueAt('2026-12-04T16:00:00.000Z'));
    const dueTodayLagging = item('light-v1', '2026-12-10', 'rectifying', { missedProgress: true });
    const blueFromNow = item('light-v1', '2026-12-12', 'rectifying', blueAt(now.toISOString()));
    const greenTillLater = item('light-v1', '2026-12-12', 'rectifying', blueAt(new Date(now.getTime() + 1).toISOString()));
    const deferredOverdue = item('light-v1', '2026-12-01', 'deferred');
    for (const state of [overdueYesterday, dueToday, dueTodayLagging, blueFromNow, greenTillLater, deferredOverdue]) await items.project(state, ['light-v1']);

    const ids = async (light: 'red' | 'yellow' | 'blue' | 'green') => (await items.inbox({ unitId: 'light-v1', light, now, limit: 20 })).map((r) => r._id);
    expect(await ids('red')).toEqual([overdueYesterday.id]);
    expect(await ids('yellow')).toEqual([dueTodayLagging.id]);
    expect(await ids('blue')).toEqual(inOrder([dueToday, blueFromNow]));
    expect(await ids('green')).toEqual([greenTillLater.id]);
    // The last millisecond of the due day is not overdue yet; the next one is.
    const endOfDay = new Date(Date.parse(endOfShanghaiDay('2026-12-10')));
    expect((await items.inbox({ unitId: 'light-v1', light: 'red', now: endOfDay, limit: 20 })).map((r) => r._id)).toEqual([overdueYesterday.id]);
    const nextDay = new Date(endOfDay.getTime() + 1);
    expect((await items.inbox({ unitId: 'light-v1', light: 'red', now: nextDay, limit: 20 })).map((r) => r._id)).toEqual(inOrder([overdueYesterday, dueToday, dueTodayLagging]));
  });

  it('lists 我发起的 by the registering user, within a unit and a status when asked', async () => {
    const ours = [item('mine-v1', '2026-12-02', 'assigned', {}, clerk), item('mine-v2', '2026-12-01', 'closed', {}, clerk)];
    const theirs = item('mine-v1', '2026-12-01', 'assigned');
    for (const state of [...ours, theirs]) await items.project(state, [state.leadUnitId, 'town-01']);
    const now = new Date('2026-11-20T00:00:00.000Z');
    const all = ['assigned', 'signed', 'plan_submitted', 'rectifying', 'pending_verification', 'pending_acceptance', 'deferred', 'closed', 'merged'] as const;

    expect((await items.inbox({ registeredBy: clerk.userId, statuses: all, now, limit: 10 })).map((r) => r._id)).toEqual(inOrder(ours));
    expect((await items.inbox({ registeredBy: clerk.userId, unitId: 'mine-v1', statuses: all, now, limit: 10 })).map((r) => r._id)).toEqual([ours[0]!.id]);
    expect((await items.inbox({ registeredBy: clerk.userId, statuses: ['closed'], now, limit: 10 })).map((r) => r._id)).toEqual([ours[1]!.id]);
  });

  it('gives items stored before the buckets existed their keys once, and then lists them', async () => {
    const legacy = item('legacy-v1', '2026-12-06');
    await items.project(legacy, ['legacy-v1']);
    // As an older version stored it: no bucket keys, no directory markers.
    await connection.collection('rectifications').updateOne({ _id: legacy.id as never }, { $unset: { inboxKeys: '' } });
    await connection.collection('list_days').deleteMany({ _id: { $regex: '^rectifications:legacy-v1\\|' } as never });
    await connection.collection('list_days').deleteMany({ _id: 'shape:rectifications' as never });
    const now = new Date('2026-11-20T00:00:00.000Z');
    expect(await items.inbox({ unitId: 'legacy-v1', now, limit: 10 })).toEqual([]);

    const first = await backfillListKeys(connection);
    expect(first.rectifications).toBe(1);
    expect((await items.inbox({ unitId: 'legacy-v1', now, limit: 10 })).map((r) => r._id)).toEqual([legacy.id]);
    expect(await backfillListKeys(connection)).toEqual({ rectifications: 0, assignments: 0 });
  });
});

describe('the assignment list read from due-day buckets', () => {
  function assignment(unit: string, dueDate: string, changes: Partial<AssignmentState> = {}): AssignmentState {
    const listId = 'list-2026-12';
    const published = publishAssignment(
      { id: `${listId}.item-${randomUUID().slice(0, 8)}.${unit}`, listId, listTitle: '12月任务清单', month: '2026-12', itemId: 'item', title: '入户走访', content: '走访脱贫户', leadUnitId: unit, coUnitIds: [], dueAt: endOfShanghaiDay(dueDate), onUnfinished: 'carry_over', carriedFrom: null, quantity: null },
      office,
      '2026-12-01T01:00:00.000Z',
    );
    return { ...published, ...changes };
  }

  it("pages a unit's, a person's and a list's assignments in due order, and red includes a missed milestone due later", async () => {
    const now = new Date('2026-12-10T02:00:00.000Z');
    const byDay = ['2026-12-08', '2026-12-11', '2026-12-11', '2026-12-20', '2027-01-05'].map((day) => assignment('task-v1', day));
    const missed = assignment('task-v1', '2026-12-25', { missedMilestone: '2026-12-09' });
    const withPart = assignment('task-v1', '2026-12-12', {
      parts: [{ id: 'p1', title: '走访', assigneeUserId: 'worker-3', assigneeName: '王五', dueDate: '2026-12-12', dueAt: endOfShanghaiDay('2026-12-12'), done: null }],
    });
    for (const state of [...byDay, missed, withPart]) await tasks.project(state, ['task-v1', 'task-town']);

    const unit = await allPages((after) => tasks.find({ unitId: 'task-town', now, limit: 2, ...(after ? { after } : {}) }), 2);
    expect(unit.ids).toEqual(inOrder([...byDay, missed, withPart]));
    expect((await tasks.find({ assigneeUserId: 'worker-3', now, limit: 10 })).map((r) => r._id)).toEqual([withPart.id]);
    const ofList = await tasks.find({ listId: 'list-2026-12', now, limit: 100 });
    expect(ofList.map((r) => r._id).filter((id) => id.endsWith('.task-v1'))).toEqual(inOrder([...byDay, missed, withPart]));

    expect((await tasks.find({ unitId: 'task-v1', light: 'red', now, limit: 10 })).map((r) => r._id)).toEqual(inOrder([byDay[0]!, missed]));
    expect((await tasks.find({ unitId: 'task-v1', light: 'red', now, limit: 1 })).map((r) => r._id)).toEqual([byDay[0]!.id]);
  });
});
