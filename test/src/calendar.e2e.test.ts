import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCalendarActivities } from '@duban/activities';
import { CalendarOverrideRepository, openDatabase } from '@duban/persistence';
import { PASSWORD, testCounty } from './support/org-fixture.js';
import { startStack, type ApiClient, type Stack } from './support/stack.js';
import './setup/provided.js';

let stack: Stack;
let office: ApiClient;
let water: ApiClient;
let leader: ApiClient;

interface Day {
  date: string;
  dayOfWeek: number;
  dayOfWeekLabel: string;
  working: boolean;
  source: 'override' | 'package' | 'weekday';
  sourceLabel: string;
  name: string | null;
}

const days = async (client: ApiClient, from: string, to: string): Promise<Day[]> => {
  const response = await client.get(`/api/calendar/days?from=${from}&to=${to}`);
  expect(response.status).toBe(200);
  return response.body.items as Day[];
};
const day = async (client: ApiClient, date: string): Promise<Day> => (await days(client, date, date))[0]!;
const put = (client: ApiClient, date: string, body: unknown) => client.request('PUT', `/api/calendar/overrides/${date}`, body);
const remove = (client: ApiClient, date: string) => client.request('DELETE', `/api/calendar/overrides/${date}`);

/** A hypothetical 2027 arrangement the office enters because the holiday package stops at 2026. */
const SPRING_FESTIVAL_2027 = ['2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12'];

beforeAll(async () => {
  stack = await startStack(testCounty);
  const login = (username: string) => stack.api.login(username, PASSWORD);
  [office, water, leader] = await Promise.all([login('office'), login('water'), login('leader')]);
});

afterAll(async () => {
  await stack?.close();
});

describe('the working-day calendar over HTTP', () => {
  it('answers from the holiday package for years it has, and by weekday for 2027', async () => {
    expect(await day(water, '2024-10-01')).toEqual({
      date: '2024-10-01',
      dayOfWeek: 2,
      dayOfWeekLabel: '周二',
      working: false,
      source: 'package',
      sourceLabel: '国务院节假日安排',
      name: '国庆节',
    });
    expect(await day(water, '2024-09-29')).toMatchObject({ working: true, source: 'package', dayOfWeekLabel: '周日' });
    expect(await day(water, '2027-01-01')).toMatchObject({ working: true, source: 'weekday', name: null, dayOfWeekLabel: '周五' });

    const list = await water.get('/api/calendar/overrides?year=2027');
    expect(list).toEqual({ status: 200, body: { year: 2027, packageHasYear: false, items: [] } });
    expect((await water.get('/api/calendar/overrides?year=2026')).body.packageHasYear).toBe(true);
  });

  it('lets the office enter 2027 holidays and make-up days, and every user sees them', async () => {
    const newYear = await put(office, '2027-01-01', { working: false, name: ' 元旦 ' });
    expect(newYear.status).toBe(200);
    expect(newYear.body).toMatchObject({ date: '2027-01-01', working: false, name: '元旦' });
    expect(typeof newYear.body.updatedBy).toBe('string');
    expect(Date.parse(newYear.body.updatedAt)).not.toBeNaN();

    for (const date of SPRING_FESTIVAL_2027) expect((await put(office, date, { working: false, name: '春节' })).status).toBe(200);
    expect((await put(office, '2027-02-20', { working: true, name: '春节调休上班' })).status).toBe(200);

    const turn = await days(leader, '2026-12-31', '2027-01-04');
    expect(turn.map((d) => [d.date, d.working, d.source, d.name])).toEqual([
      ['2026-12-31', true, 'weekday', null],
      ['2027-01-01', false, 'override', '元旦'],
      ['2027-01-02', false, 'weekday', null],
      ['2027-01-03', false, 'weekday', null],
      ['2027-01-04', true, 'weekday', null],
    ]);
    expect(await day(water, '2027-02-20')).toEqual({
      date: '2027-02-20',
      dayOfWeek: 6,
      dayOfWeekLabel: '周六',
      working: true,
      source: 'override',
      sourceLabel: '管理员调整',
      name: '春节调休上班',
    });
    const february = await days(water, '2027-02-01', '2027-02-28');
    expect(february.filter((d) => d.working)).toHaveLength(20 - 5 + 1);

    const list = await water.get('/api/calendar/overrides?year=2027');
    expect(list.body.items.map((o: { date: string; working: boolean }) => [o.date, o.working])).toEqual([
      ['2027-01-01', false],
      ...SPRING_FESTIVAL_2027.map((d) => [d, false]),
      ['2027-02-20', true],
    ]);
    expect((await water.get('/api/calendar/overrides?year=2026')).body.items).toEqual([]);
  });

  it('replaces an override when the office sets the date again', async () => {
    expect((await put(office, '2027-01-01', { working: false, name: '元旦节' })).status).toBe(200);
    expect(await day(water, '2027-01-01')).toMatchObject({ working: false, source: 'override', name: '元旦节' });
    const list = await water.get('/api/calendar/overrides?year=2027');
    expect(list.body.items.filter((o: { date: string }) => o.date === '2027-01-01')).toHaveLength(1);
  });

  it('lets only the office and the system administrator change the calendar', async () => {
    const byUnit = await put(water, '2027-01-01', { working: true, name: '上班' });
    expect(byUnit.status).toBe(403);
    expect(byUnit.body.error.code).toBe('forbidden');
    expect((await remove(water, '2027-01-01')).status).toBe(403);
    expect((await put(leader, '2027-01-05', { working: false, name: '放假' })).status).toBe(403);
    expect(await day(water, '2027-01-01')).toMatchObject({ working: false, source: 'override' });
    expect(await day(water, '2027-01-05')).toMatchObject({ working: true, source: 'weekday' });

    const anonymous = await stack.api.get('/api/calendar/days?from=2027-01-01&to=2027-01-01');
    expect(anonymous.status).toBe(401);
  });

  it('restores the package or weekday answer when an override is deleted', async () => {
    const deleted = await remove(office, '2027-01-01');
    expect(deleted.status).toBe(204);
    expect(await day(water, '2027-01-01')).toMatchObject({ working: true, source: 'weekday', name: null });
    const again = await remove(office, '2027-01-01');
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('not_found');

    // An override over the package's own answer, then deleted: the package answers again.
    expect((await put(office, '2024-10-01', { working: true, name: '值班' })).status).toBe(200);
    expect(await day(water, '2024-10-01')).toMatchObject({ working: true, source: 'override', name: '值班' });
    expect((await remove(office, '2024-10-01')).status).toBe(204);
    expect(await day(water, '2024-10-01')).toMatchObject({ working: false, source: 'package', name: '国庆节' });
  });

  it('answers up to 400 days at once', async () => {
    const year = await days(water, '2027-01-01', '2028-02-04');
    expect(year).toHaveLength(400);
    expect(year[0]!.date).toBe('2027-01-01');
    expect(year.at(-1)!.date).toBe('2028-02-04');
  });
});

describe('bad calendar input', () => {
  const cases: [string, () => Promise<{ status: number; body: any }>, string][] = [
    ['an impossible date in the path', () => put(office, '2027-02-30', { working: false, name: '春节' }), 'date'],
    ['a date in another format in the path', () => put(office, '20270101', { working: false, name: '元旦' }), 'date'],
    ['a date to delete that is no date', () => remove(office, 'tomorrow'), 'date'],
    ['working as a string', () => put(office, '2027-01-01', { working: 'false', name: '元旦' }), 'working'],
    ['a missing working', () => put(office, '2027-01-01', { name: '元旦' }), 'working'],
    ['a blank name', () => put(office, '2027-01-01', { working: false, name: '   ' }), 'name'],
    ['an operator object as the name', () => put(office, '2027-01-01', { working: false, name: { $ne: null } }), 'name'],
    ['an unknown field', () => put(office, '2027-01-01', { working: false, name: '元旦', updatedBy: 'someone' }), 'updatedBy'],
    ['a year that is no number', () => office.get('/api/calendar/overrides?year=next'), 'year'],
    ['a missing year', () => office.get('/api/calendar/overrides'), 'year'],
    ['a bad from', () => office.get('/api/calendar/days?from=2027-1-1&to=2027-01-10'), 'from'],
    ['a missing to', () => office.get('/api/calendar/days?from=2027-01-01'), 'to'],
    ['an operator in the query string', () => office.get('/api/calendar/days?from[$gt]=2027-01-01&to=2027-01-10'), 'from'],
    ['to before from', () => office.get('/api/calendar/days?from=2027-01-10&to=2027-01-01'), 'to'],
    ['more than 400 days', () => office.get('/api/calendar/days?from=2027-01-01&to=2028-02-05'), 'to'],
  ];

  it.each(cases)('refuses %s with a 400 naming the field, storing nothing', async (_name, call, field) => {
    const response = await call();
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_input');
    expect(response.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    expect(response.body.error.message).toContain(field);
    expect(await day(water, '2027-01-01')).toMatchObject({ working: true, source: 'weekday' });
  });
});

describe('the shiftWorkingDays activity on the real database', () => {
  let database: Connection;

  beforeAll(async () => {
    database = await openDatabase({ url: `${inject('mongoUrl')}duban_e2e_calendar_${randomUUID().slice(0, 8)}` });
    const overrides = new CalendarOverrideRepository(database);
    await overrides.put({ date: '2027-01-01', working: false, name: '元旦', updatedBy: 'test' });
    for (const date of SPRING_FESTIVAL_2027) await overrides.put({ date, working: false, name: '春节', updatedBy: 'test' });
    await overrides.put({ date: '2027-02-20', working: true, name: '春节调休上班', updatedBy: 'test' });
  });

  afterAll(async () => {
    await database?.dropDatabase();
    await database?.close();
  });

  it('shifts over the package data and the overrides, across the year boundary', async () => {
    const activities = createCalendarActivities(database);
    const answers = await activities.shiftWorkingDays([
      { date: '2024-09-27', offset: 1 },
      { date: '2024-10-10', offset: 3 },
      { date: '2024-10-10', offset: 10 },
      { date: '2024-10-10', offset: -3 },
      { date: '2026-12-31', offset: 1 },
      { date: '2027-02-05', offset: 1 },
      { date: '2027-02-19', offset: 1 },
      { date: '2027-02-22', offset: -2 },
      { date: '2027-01-01', offset: 0 },
    ]);
    expect(answers).toEqual(['2024-09-29', '2024-10-14', '2024-10-23', '2024-09-30', '2027-01-04', '2027-02-15', '2027-02-20', '2027-02-19', '2027-01-04']);
    expect(await activities.shiftWorkingDays([])).toEqual([]);
  });

  it('fails a bad query without retries', async () => {
    const activities = createCalendarActivities(database);
    await expect(activities.shiftWorkingDays([{ date: '2027-02-30', offset: 1 }])).rejects.toMatchObject({
      nonRetryable: true,
      type: 'InvalidWorkingDayQuery',
    });
  });
});
