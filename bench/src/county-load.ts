import type { Connection } from 'mongoose';
import { cpus } from 'node:os';
import { OPEN_STATUSES, RUNNING_ASSIGNMENT_STATUSES, hasRole, type Actor } from '@duban/domain';
import { AssignmentReadModel, AuditLogRepository, NotificationRepository, RectificationReadModel, ReportReadModel, positionOf, type AssignmentRecord, type ListPosition, type RectificationRecord } from '@duban/persistence';
import type { CountyOrg, CountyUser } from './county-org.js';
import { COUNTY_EXPORT_UNIT, countyAuditProbe, countyItemId, type CountySizes } from './county-seed.js';
import { benchExport, type ExportResult } from './export.js';
import { BENCH_PASSWORD } from './org.js';
import { distribution, sleep } from './stats.js';

/** Latency figures of one window, in ms. */
export interface Probe {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly count: number;
  readonly errors: number;
  /** Calls still running `maxWaitMs` after the window ended (left behind). */
  readonly unfinished: number;
  readonly perSecond: number;
  /** Set when the window did not run: one call alone was slower than the window, or did not answer. */
  readonly note?: string;
}

export type CountyFigureKind = 'list' | 'detail' | 'counts' | 'dashboard' | 'audit';

/** One measured query: through the API with `users` concurrent users, beside the same read-model query alone. */
export interface CountyFigure {
  readonly kind: CountyFigureKind;
  readonly what: string;
  readonly users: number;
  /** Null where the figure has no API route of its own (counts by light: the worker's gauge query). */
  readonly api: Probe | null;
  readonly baseline: Probe;
  /** The issue's goal for the API's p99 (or, with one user, for each call), ms. */
  readonly goalMs: number;
}

export interface CountyLoadResult {
  readonly seconds: number;
  readonly figures: CountyFigure[];
  readonly export: ExportResult;
}

/**
 * Calls `task(lane)` from `lanes` loops for `durationMs`, then waits for the calls in flight (up to `maxWaitMs`,
 * so a slow query does not spill into the next window). Latencies of calls that started in the window.
 */
async function window(lanes: number, durationMs: number, task: (lane: number) => Promise<unknown>, maxWaitMs: number): Promise<Probe> {
  const latencies: number[] = [];
  let errors = 0;
  let inFlight = 0;
  const started = performance.now();
  const until = started + durationMs;
  const lane = async (index: number) => {
    while (performance.now() < until) {
      const t0 = performance.now();
      inFlight++;
      try {
        await task(index);
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
      } finally {
        inFlight--;
      }
    }
  };
  await Promise.race([Promise.all(Array.from({ length: lanes }, (_, i) => lane(i))), sleep(durationMs + maxWaitMs)]);
  const seconds = (performance.now() - started) / 1000;
  const d = distribution(latencies);
  return { p50Ms: d.p50, p99Ms: d.p99, maxMs: d.max, count: d.count, errors, unfinished: inFlight, perSecond: Math.round((d.count / seconds) * 10) / 10 };
}

/**
 * One call first, alone: when it takes longer than the window, or `users` such calls could not finish on this
 * machine's cores within the window and `maxWaitMs` (or it does not answer within `maxWaitMs`), the calls would
 * only pile up, so the window does not run and that call is the figure.
 * A call that did not answer is left in `stray` (the next measurement waits for it a while).
 */
async function probeThenWindow(users: number, durationMs: number, task: (lane: number) => Promise<unknown>, maxWaitMs: number, stray: Promise<unknown>[]): Promise<Probe> {
  const t0 = performance.now();
  let failed: string | null = null;
  const call = task(0).catch((error: unknown) => {
    failed = (error instanceof Error ? error.message : String(error)).slice(0, 160);
  });
  const answered = await Promise.race([call.then(() => true), sleep(maxWaitMs).then(() => false)]);
  const ms = Math.round((performance.now() - t0) * 10) / 10;
  const none = { p50Ms: Number.NaN, p99Ms: Number.NaN, maxMs: Number.NaN, count: 0, perSecond: 0 };
  if (!answered) {
    stray.push(call);
    return { ...none, errors: 0, unfinished: 1, note: `one call alone did not answer within ${maxWaitMs / 1000} s` };
  }
  if (failed !== null) return { ...none, errors: 1, unfinished: 0, note: `one call alone failed: ${failed as string}` };
  // `users` such calls share the cores: run them only when they can finish within the window and the wait after it.
  if (ms > durationMs || (ms * users) / cpus().length > durationMs + maxWaitMs) {
    const why = users === 1 ? `slower than the ${durationMs / 1000} s window` : `${users} at once would not finish within the ${durationMs / 1000} s window and ${maxWaitMs / 1000} s after it, so they were not run`;
    return { p50Ms: ms, p99Ms: ms, maxMs: ms, count: 1, errors: 0, unfinished: 0, perSecond: 0, note: `one call alone; ${why}` };
  }
  return window(users, durationMs, task, maxWaitMs);
}

/**
 * The users' sessions: logged in once (waiting out the API's limit of 30 login attempts a minute from one address),
 * then renewed with their refresh tokens before the 15-minute access tokens run out.
 */
class Sessions {
  private readonly held = new Map<string, { access: string; refresh: string; at: number }>();
  constructor(private readonly apiUrl: string) {}

  async login(user: CountyUser): Promise<void> {
    if (this.held.has(user.id)) return;
    for (let attempt = 0; attempt < 40; attempt++) {
      const response = await fetch(`${this.apiUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: user.username, password: BENCH_PASSWORD }) });
      const body = (await response.json()) as { accessToken?: string; refreshToken?: string };
      if (response.status === 200 && body.accessToken && body.refreshToken) {
        this.held.set(user.id, { access: body.accessToken, refresh: body.refreshToken, at: Date.now() });
        return;
      }
      if (response.status !== 429) throw new Error(`login ${user.username}: ${response.status} ${JSON.stringify(body)}`);
      await sleep(5000);
    }
    throw new Error(`login ${user.username}: still limited after 200 s`);
  }

  token(user: CountyUser): string {
    return this.held.get(user.id)!.access;
  }

  /** Renews every session older than 10 minutes. */
  async renew(): Promise<void> {
    for (const [id, session] of this.held) {
      if (Date.now() - session.at < 10 * 60_000) continue;
      const response = await fetch(`${this.apiUrl}/api/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: session.refresh }) });
      const body = (await response.json()) as { accessToken?: string; refreshToken?: string };
      if (response.status !== 200 || !body.accessToken || !body.refreshToken) throw new Error(`refresh ${id}: ${response.status} ${JSON.stringify(body)}`);
      this.held.set(id, { access: body.accessToken, refresh: body.refreshToken, at: Date.now() });
    }
  }
}

async function getOk(apiUrl: string, path: string, token: string): Promise<unknown> {
  const response = await fetch(`${apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${(await response.text()).slice(0, 200)}`);
  return response.headers.get('content-type')?.includes('json') ? response.json() : response.arrayBuffer();
}

const actorOf = (user: CountyUser): Actor => ({ userId: user.id, name: user.name, unitId: user.unit, roles: user.roles });

/** The people who work in the windows: 20 of each kind (the office's 6 people share its 20 lanes). */
function peopleOf(org: CountyOrg, lanes: number): Record<'village' | 'township' | 'department' | 'office', CountyUser[]> {
  const firstOf = (unit: string) => org.users.find((u) => u.unit === unit)!;
  const spread = (units: readonly string[]) => Array.from({ length: Math.min(lanes, units.length) }, (_, i) => firstOf(units[Math.floor((i * units.length) / Math.min(lanes, units.length))]!));
  return {
    village: spread(org.villages),
    township: spread(org.townships),
    // dept-01 leads the export's items: the department figure is an ordinary one.
    department: spread(org.departments.filter((d) => d !== COUNTY_EXPORT_UNIT)),
    office: org.users.filter((u) => u.unit === 'office' && hasRole(actorOf(u), 'office', 'leader')),
  };
}

interface ListSpec {
  readonly name: 'inbox' | 'assignment list' | 'notification list';
  readonly path: string;
  /** The read model's query for this user's page after `after` (the last row of the previous page): its rows. */
  page(user: CountyUser, after: unknown): Promise<unknown[]>;
  /** The read-model row a page continues after (what the API puts in its cursor). */
  last(rows: unknown[]): unknown;
}

function listSpecs(database: Connection, now: () => Date, limit: number): ListSpec[] {
  const items = new RectificationReadModel(database);
  const assignments = new AssignmentReadModel(database);
  const notifications = new NotificationRepository(database);
  const everyUnit = (user: CountyUser) => hasRole(actorOf(user), 'office', 'leader');
  return [
    {
      // The inbox as the API asks for it without filters: every open status, the user's subtree (office: all).
      name: 'inbox',
      path: '/api/inbox',
      page: (user, after) => items.inbox({ ...(everyUnit(user) ? {} : { unitId: user.unit }), statuses: OPEN_STATUSES, now: now(), limit, ...(after ? { after: after as ListPosition } : {}) }),
      last: (rows) => positionOf(rows.at(-1) as RectificationRecord),
    },
    {
      name: 'assignment list',
      path: '/api/assignments',
      page: (user, after) => assignments.find({ ...(everyUnit(user) ? {} : { unitId: user.unit }), statuses: RUNNING_ASSIGNMENT_STATUSES, now: now(), limit, ...(after ? { after: after as ListPosition } : {}) }),
      last: (rows) => positionOf(rows.at(-1) as AssignmentRecord),
    },
    {
      // The list and its unread count, as the API answers both.
      name: 'notification list',
      path: '/api/notifications',
      page: async (user, after) => {
        const [rows] = await Promise.all([notifications.listForUser({ userId: user.id, limit, ...(after ? { after: after as { createdAt: Date; id: string } } : {}) }), notifications.countUnread(user.id)]);
        return rows;
      },
      last: (rows) => {
        const row = rows.at(-1) as { createdAt: Date; _id: string };
        return { createdAt: row.createdAt, id: row._id };
      },
    },
  ];
}

/**
 * Page `deep` of a user's list (or its last full page when shorter), walked page by page: through the API (its
 * cursor) and through the read model (its `after`), so the cursor's format stays the API's own.
 */
async function deepPage(apiUrl: string, spec: ListSpec, user: CountyUser, token: string, deep: number, limit: number): Promise<{ page: number; cursor: string | null; after: unknown }> {
  let cursor: string | null = null;
  let after: unknown = null;
  let page = 1;
  for (; page < deep; page++) {
    const body = (await getOk(apiUrl, `${spec.path}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, token)) as { items: unknown[]; nextCursor: string | null };
    const rows = await spec.page(user, after);
    if (!body.nextCursor || rows.length < limit) break;
    // Stop on the last full page: the next may be short or empty.
    const nextBody = (await getOk(apiUrl, `${spec.path}?limit=${limit}&cursor=${encodeURIComponent(body.nextCursor)}`, token)) as { items: unknown[] };
    if (nextBody.items.length < limit) break;
    cursor = body.nextCursor;
    after = spec.last(rows);
  }
  return { page, cursor, after };
}

/**
 * The county's figures: each list (inbox, assignments, notifications) at page 1 and a deep page for 20 users of
 * each kind (village, township, department, office) through the API, beside the read model's same query with 20
 * lanes in this process; item and assignment detail; counts by light (the worker's gauge query); the dashboard
 * (office, township); a ledger export; the audit search by user and day.
 */
export async function benchCounty(
  apiUrl: string,
  apiPid: number,
  database: Connection,
  org: CountyOrg,
  sizes: CountySizes,
  options: { anchor: number; users: number; windowSeconds: number; maxWaitSeconds: number; deepPage: number; limit?: number; onProgress?: (line: string) => void },
): Promise<CountyLoadResult> {
  const started = performance.now();
  const say = options.onProgress ?? (() => undefined);
  const limit = options.limit ?? 20;
  const durationMs = options.windowSeconds * 1000;
  const maxWaitMs = options.maxWaitSeconds * 1000;
  const lanes = options.users;
  const figures: CountyFigure[] = [];
  let stray: Promise<unknown>[] = [];
  const sessions = new Sessions(apiUrl);
  const measure = async (kind: CountyFigureKind, what: string, users: number, goalMs: number, api: ((lane: number) => Promise<unknown>) | null, baseline: (lane: number) => Promise<unknown>) => {
    if (stray.length > 0) {
      say(`waiting up to ${(5 * maxWaitMs) / 1000} s for ${stray.length} call(s) that did not answer`);
      await Promise.race([Promise.allSettled(stray), sleep(5 * maxWaitMs)]);
      stray = [];
    }
    await sessions.renew();
    const apiProbe = api ? await probeThenWindow(users, durationMs, api, maxWaitMs, stray) : null;
    const baselineProbe = await probeThenWindow(users, durationMs, baseline, maxWaitMs, stray);
    figures.push({ kind, what, users, api: apiProbe, baseline: baselineProbe, goalMs });
    const line = (p: Probe) => `p50 ${p.p50Ms} p99 ${p.p99Ms} ms (${p.count} calls, ${p.errors} errors, ${p.unfinished} unfinished${p.note ? `; ${p.note}` : ''})`;
    say(`${what}: API ${apiProbe ? line(apiProbe) : '—'}; alone ${line(baselineProbe)}`);
    return apiProbe ?? baselineProbe;
  };

  const people = peopleOf(org, lanes);
  say(`logging in ${new Set(Object.values(people).flat().map((u) => u.id)).size + 1} users (the API allows 30 logins a minute from one address)`);
  for (const user of [...Object.values(people).flat(), org.users.find((u) => u.username === 'auditor')!]) await sessions.login(user);
  const tokenOf = (user: CountyUser) => sessions.token(user);
  const now = () => new Date();

  for (const spec of listSpecs(database, now, limit)) {
    for (const [kind, users] of Object.entries(people)) {
      const laneUser = (lane: number) => users[lane % users.length]!;
      const first = await measure('list', `${spec.name} page 1, ${kind}`, lanes, 100, (lane) => getOk(apiUrl, `${spec.path}?limit=${limit}`, tokenOf(laneUser(lane))), (lane) => spec.page(laneUser(lane), null));
      if (first.note || first.count === 0 || first.unfinished > 0) {
        // Walking to a deep page would cost that many such calls per user.
        const skipped: Probe = { p50Ms: Number.NaN, p99Ms: Number.NaN, maxMs: Number.NaN, count: 0, errors: 0, unfinished: 0, perSecond: 0, note: 'not measured: page 1 did not answer within the window' };
        figures.push({ kind: 'list', what: `${spec.name} deep page, ${kind}`, users: lanes, api: skipped, baseline: skipped, goalMs: 100 });
        continue;
      }
      // The deep page of each distinct user (the office's people see the same lists: one walk serves them).
      const deep = new Map<string, { page: number; cursor: string | null; after: unknown }>();
      for (const user of users) {
        await sessions.renew();
        deep.set(user.id, await deepPage(apiUrl, spec, user, tokenOf(user), options.deepPage, limit));
      }
      const pages = [...deep.values()].map((d) => d.page);
      const reach = Math.min(...pages) === Math.max(...pages) ? `page ${pages[0]}` : `pages ${Math.min(...pages)}–${Math.max(...pages)}`;
      await measure(
        'list',
        `${spec.name} deep page (${reach}, ${limit} a page; the last full one when shorter), ${kind}`,
        lanes,
        100,
        (lane) => {
          const { cursor } = deep.get(laneUser(lane).id)!;
          return getOk(apiUrl, `${spec.path}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, tokenOf(laneUser(lane)));
        },
        (lane) => spec.page(laneUser(lane), deep.get(laneUser(lane).id)!.after),
      );
    }
  }

  // Details: the office opens items and assignments of every age (ids are the seed's own).
  const office = people.office;
  const items = new RectificationReadModel(database);
  const assignments = new AssignmentReadModel(database);
  let pickCount = 0;
  const anyItem = () => countyItemId(Math.floor(((pickCount++ * 7919) % sizes.items)));
  await measure('detail', 'item detail', lanes, 50, (lane) => getOk(apiUrl, `/api/rectifications/${anyItem()}`, tokenOf(office[lane % office.length]!)), () => items.findById(anyItem()));
  const assignmentIds = (await assignments.find({ statuses: RUNNING_ASSIGNMENT_STATUSES, now: now(), limit: 100 })).map((a) => a._id);
  if (assignmentIds.length > 0) {
    const anyAssignment = () => assignmentIds[pickCount++ % assignmentIds.length]!;
    await measure('detail', `assignment detail (${assignmentIds.length} open ones, in turn)`, lanes, 50, (lane) => getOk(apiUrl, `/api/assignments/${encodeURIComponent(anyAssignment())}`, tokenOf(office[lane % office.length]!)), () => assignments.findById(anyAssignment()));
  }

  // One user at a time: what one such request costs.
  say('counts by light …');
  await measure('counts', 'counts by light (the worker gauge’s query)', 1, 200, null, () => items.countRunningByLight(now()));
  const reports = new ReportReadModel(database);
  const dashboardOf = async (unitId: string | undefined) => {
    let n = 0;
    for await (const _ of reports.stream({ ...(unitId ? { scopeUnitId: unitId } : {}), now: now() })) n++;
    return n;
  };
  const township = people.township[0]!;
  await measure('dashboard', 'dashboard, office', 1, 500, () => getOk(apiUrl, '/api/reports/dashboard', tokenOf(office[0]!)), () => dashboardOf(undefined));
  await measure('dashboard', `dashboard, township ${township.unit}`, 1, 500, () => getOk(apiUrl, '/api/reports/dashboard', tokenOf(township)), () => dashboardOf(township.unit));

  const probe = countyAuditProbe(org, sizes, options.anchor);
  const audit = new AuditLogRepository(database);
  const auditor = org.users.find((u) => u.username === 'auditor')!;
  await measure(
    'audit',
    `audit search by user and day (${probe.userId}, ${probe.from.slice(0, 10)})`,
    1,
    200,
    () => getOk(apiUrl, `/api/audit?actorId=${probe.userId}&from=${encodeURIComponent(probe.from)}&to=${encodeURIComponent(probe.to)}`, tokenOf(auditor)),
    () => audit.list({ actorId: probe.userId, from: new Date(probe.from), to: new Date(probe.to), limit: 50 }),
  );

  say(`ledger export of ${COUNTY_EXPORT_UNIT} …`);
  const expectedRows = Math.ceil(sizes.items / 20);
  await sessions.renew();
  const exported = await benchExport(apiUrl, apiPid, database, { token: tokenOf(office[0]!), unitId: COUNTY_EXPORT_UNIT, expectedRows });
  return { seconds: Math.round((performance.now() - started) / 1000), figures, export: exported };
}
