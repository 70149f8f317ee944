import bcrypt from 'bcryptjs';
import type { Connection } from 'mongoose';
import {
  CATEGORIES,
  SOURCES,
  endOfShanghaiDay,
  publishAssignment,
  register,
  shanghaiDate,
  type Actor,
  type AssignmentState,
  type AssignmentStatus,
  type RectificationState,
  type Status,
} from '@duban/domain';
import { AssignmentReadModel, AuditLogRepository, NotificationRepository, RectificationReadModel, UserRepository, notificationId, type AuditAppend } from '@duban/persistence';
import type { NotificationLevel } from '@duban/contracts';
import type { CountyOrg, CountyUser } from './county-org.js';
import { BENCH_PASSWORD } from './org.js';
import { mix } from './seed.js';
import { inPool } from './stats.js';

const DAY = 86_400_000;
const YEARS = 3;
const SPAN = YEARS * 365 * DAY;
/** The unit whose ledger the bench exports: it leads every 20th item (10,000 at scale 1). */
export const COUNTY_EXPORT_UNIT = 'dept-01';

/** The county at scale 1; every figure scales with BENCH_COUNTY_SCALE. */
export function countySizes(scale: number) {
  const at = (n: number) => Math.max(1, Math.round(n * scale));
  return { scale, items: at(200_000), assignments: at(500_000), notifications: at(1_000_000), audit: at(1_000_000) };
}
export type CountySizes = ReturnType<typeof countySizes>;

type Phase = 'users' | 'items' | 'assignments' | 'notifications' | 'audit';

export interface CountySeedPhase {
  readonly phase: Phase;
  readonly records: number;
  /** Seeded by this run (0 when a cached or resumed store had them already). */
  readonly seededNow: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** How the run that wrote them did (seconds, records a second), kept in the store for the runs that reuse it. */
  readonly seeded?: { seconds: number; perSecond: number };
}
export interface CountySeedResult {
  readonly sizes: CountySizes;
  /** The instant the seed's three years end at (kept in the store, so a resumed or cached seed stays the same county). */
  readonly anchor: string;
  readonly users: number;
  readonly phases: CountySeedPhase[];
  readonly seconds: number;
  readonly writers: number;
  readonly batch: number;
}

const pick = <T>(list: readonly T[], r: number): T => list[Math.min(list.length - 1, Math.floor(r * list.length))]!;

/** A stable version-4 UUID for the item with index i (the API's item routes take UUIDs only). */
export const countyItemId = (i: number) => `c0de0000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

const officeActor: Actor = { userId: 'u-office-1', name: '办公室干事1', unitId: 'office', roles: ['office'] };
const OPEN_MIX: Status[] = ['assigned', 'signed', 'plan_submitted', 'rectifying', 'rectifying', 'rectifying', 'pending_verification', 'pending_acceptance', 'deferred'];

/** Item i: registered in order over three years before the anchor, due 1–6 months later; closed unless recent. */
export function countyItem(i: number, total: number, org: CountyOrg, anchor: number): { state: RectificationState; unitScope: string[] } {
  const r = mix(i, 1);
  const leadUnitId = i % 20 === 0 ? COUNTY_EXPORT_UNIT : r < 0.26 ? pick(org.departments.slice(1), r / 0.26) : r < 0.47 ? pick(org.townships, (r - 0.26) / 0.21) : pick(org.villages, (r - 0.47) / 0.53);
  const registeredMs = anchor - SPAN + Math.floor(((i + mix(i, 2)) / total) * SPAN);
  const due = new Date(registeredMs + (30 + Math.floor(mix(i, 3) * 150)) * DAY);
  const dueAt = endOfShanghaiDay(shanghaiDate(due));
  const registeredAt = new Date(registeredMs).toISOString();
  const registered = register(
    {
      id: countyItemId(i),
      title: `第${i + 1}号问题：脱贫户饮水安全保障不到位`,
      description: '省考核发现：部分脱贫户季节性缺水，未落实应急供水措施，需限期整改并报送整改情况。',
      source: SOURCES[i % SOURCES.length]!,
      category: CATEGORIES[Math.floor(mix(i, 4) * CATEGORIES.length)]!,
      severity: i % 5 === 0 ? 'major' : 'general',
      leadUnitId,
      coUnitIds: [],
      dueAt,
    },
    officeActor,
    registeredAt,
  );
  // Items due more than a month before the anchor are nearly all closed; recent ones are open in every status.
  const old = Date.parse(dueAt) < anchor - 30 * DAY;
  const status: Status = old ? (mix(i, 5) < 0.97 ? 'closed' : pick(OPEN_MIX, mix(i, 6))) : mix(i, 5) < 0.25 ? 'closed' : pick(OPEN_MIX, mix(i, 6));
  const planned = !['assigned', 'signed'].includes(status);
  const blueAt = new Date(Date.parse(dueAt) - 5 * DAY).toISOString();
  const state: RectificationState = {
    ...registered,
    status,
    plan: planned
      ? { measures: '制定应急供水方案，改造入户管网', targetDate: shanghaiDate(dueAt), responsiblePerson: '张三', evidence: [], submittedAt: registeredAt, submittedBy: officeActor, approvedAt: registeredAt }
      : null,
    schedule: { ...registered.schedule, blueAt },
    // Yellow: a missed progress report.
    missedProgress: mix(i, 7) < 0.08,
    closedAt: status === 'closed' ? new Date(Math.min(Date.parse(dueAt), anchor) - Math.floor(mix(i, 8) * 20 * DAY)).toISOString() : null,
  };
  return { state, unitScope: org.scopeOf(leadUnitId) };
}

/** Units that receive the monthly lists: every department, township and village. */
const assignees = (org: CountyOrg) => [...org.departments, ...org.townships, ...org.villages];
const monthOf = (anchor: number, back: number) => {
  const d = new Date(anchor);
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - back);
  return d.toISOString().slice(0, 7);
};

/** Assignment j: the monthly lists of 36 months, oldest first, each item × every unit; past months closed. */
export function countyAssignment(j: number, total: number, org: CountyOrg, anchor: number): { state: AssignmentState; unitScope: string[] } {
  const units = assignees(org);
  const perMonth = Math.ceil(total / (YEARS * 12));
  const back = YEARS * 12 - 1 - Math.floor(j / perMonth);
  const k = j % perMonth;
  const month = monthOf(anchor, back);
  const leadUnitId = units[k % units.length]!;
  const itemNo = Math.floor(k / units.length) + 1;
  const [y, m] = month.split('-').map(Number) as [number, number];
  const lastDay = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  const publishedAt = new Date(Date.parse(`${month}-01T01:00:00.000Z`)).toISOString();
  const listId = `TL-${month}`;
  const published = publishAssignment(
    {
      id: `${listId}.k${itemNo}.${leadUnitId}`,
      listId,
      listTitle: `${month} 月重点任务清单`,
      month,
      itemId: `k${itemNo}`,
      title: `第${itemNo}项：入户核查防返贫监测对象`,
      content: '逐户核查监测对象收入和“两不愁三保障”情况，按月报送核查结果。',
      leadUnitId,
      coUnitIds: [],
      dueAt: endOfShanghaiDay(lastDay),
      onUnfinished: 'carry_over',
      carriedFrom: null,
      quantity: null,
    },
    officeActor,
    publishedAt,
  );
  const r = mix(j, 11);
  const closedAt = endOfShanghaiDay(lastDay);
  const final: [AssignmentStatus, AssignmentState['outcome']] = r < 0.82 ? ['done', 'on_time'] : r < 0.9 ? ['done', 'late'] : r < 0.96 ? ['carried_over', 'carried_over'] : ['failed', 'failed'];
  const running: AssignmentStatus[] = ['assigned', 'in_progress', 'in_progress', 'in_progress', 'pending_countersign', 'pending_acceptance', 'done'];
  const status = back > 0 ? final[0] : pick(running, r);
  const state: AssignmentState = {
    ...published,
    status,
    signedAt: status === 'assigned' ? null : publishedAt,
    lagging: mix(j, 12) < 0.08,
    outcome: back > 0 ? final[1] : status === 'done' ? 'on_time' : null,
    doneAt: status === 'done' ? closedAt : null,
    closedAt: back > 0 || status === 'done' ? closedAt : null,
    schedule: { ...published.schedule, blueAt: new Date(Date.parse(closedAt) - 5 * DAY).toISOString() },
  };
  return { state, unitScope: org.scopeOf(leadUnitId) };
}

const LEVELS: NotificationLevel[] = ['info', 'info', 'info', 'blue', 'yellow', 'red'];

/**
 * Recipients ordered by how much they receive: office users and the leader first, then townships, departments
 * and villages. Notification n goes to the user at rank ⌊users × u³⌋, so the first few dozen get most of them.
 */
const recipientsOf = (org: CountyOrg): CountyUser[] => {
  const order = (u: CountyUser) => (u.unit === 'office' ? 0 : u.unit.startsWith('town-') && !u.unit.includes('-v') ? 1 : u.unit.startsWith('dept-') ? 2 : 3);
  return org.users.filter((u) => !u.roles.includes('auditor')).sort((a, b) => order(a) - order(b) || a.id.localeCompare(b.id));
};

function countyNotification(n: number, total: number, recipients: readonly CountyUser[], itemCount: number, anchor: number) {
  const user = recipients[Math.floor(recipients.length * mix(n, 21) ** 3)]!;
  const item = Math.floor(mix(n, 22) * itemCount);
  const level = pick(LEVELS, mix(n, 23));
  const key = `bench:${n}`;
  return {
    _id: notificationId(key, user.id),
    key,
    userId: user.id,
    unitId: user.unit,
    level,
    title: `第${item + 1}号问题${level === 'red' ? '已超期' : '有新进展'}`,
    body: '请及时登录系统查看并办理。',
    subject: { kind: 'rectification' as const, id: countyItemId(item) },
    createdAt: new Date(anchor - SPAN + Math.floor(((n + mix(n, 24)) / total) * SPAN)),
  };
}

const AUDIT_ACTIONS = ['auth.login', 'auth.login', 'auth.logout', 'rectification.sign', 'rectification.plan', 'rectification.report', 'assignment.sign', 'assignment.submit', 'report.ledger'];

function countyAuditEntry(seq: number, users: readonly CountyUser[]): AuditAppend {
  const user = users[Math.floor(users.length * mix(seq, 31) ** 2)]!;
  const action = pick(AUDIT_ACTIONS, mix(seq, 32));
  const refused = mix(seq, 33) < 0.03;
  return {
    action,
    result: refused ? 'refused' : 'success',
    status: refused ? 403 : 200,
    actor: { userId: user.id, name: user.name, unitId: user.unit, roles: user.roles },
    username: action === 'auth.login' ? user.username : null,
    target: action.startsWith('rectification.') ? countyItemId(seq % 1000) : null,
    ip: `10.0.${seq % 200}.${seq % 250}`,
    requestId: `bench-${seq}`,
  };
}

/** The audit search the bench measures: the actor and Shanghai day of the middle entry of the seeded trail. */
export function countyAuditProbe(org: CountyOrg, sizes: CountySizes, anchor: number): { userId: string; from: string; to: string } {
  const seq = Math.ceil(sizes.audit / 2);
  const userId = countyAuditEntry(seq, org.users).actor!.userId;
  const day = shanghaiDate(new Date(auditInstant(seq, sizes.audit, anchor)));
  return { userId, from: `${day}T00:00:00+08:00`, to: `${day}T23:59:59.999+08:00` };
}
const auditInstant = (seq: number, total: number, anchor: number) => anchor - SPAN + Math.floor((seq / total) * SPAN);

interface Progress {
  _id: string;
  anchor: Date;
  scale: number;
  done: Partial<Record<Phase, number>>;
  /** Seconds the runs that wrote each phase spent on it, added up over resumed runs. */
  seconds?: Partial<Record<Phase, number>>;
}

/**
 * Seeds a county through the persistence layer's own write paths: users (`upsertByUsername`, one bcrypt hash of the
 * bench password for all), items and assignments as the domain builds them (`projectMany`: the records `project`
 * writes), notifications (`createIfAbsent`), the audit trail (`appendMany`: the hash chain `append` writes, at
 * instants over the three years). Batches go `writers` at a time (the audit chain one at a time). The store keeps
 * how far each phase got (`bench_seed`), so a seed cut short resumes where it stopped, and a complete one is reused.
 */
export async function seedCounty(
  database: Connection,
  org: CountyOrg,
  options: { scale: number; writers?: number; batch?: number; onProgress?: (line: string) => void },
): Promise<CountySeedResult> {
  const sizes = countySizes(options.scale);
  const writers = options.writers ?? 4;
  const batch = options.batch ?? 1000;
  const say = options.onProgress ?? (() => undefined);
  const progressOf = database.collection<Progress>('bench_seed');
  const stored = await progressOf.findOne({ _id: 'county' });
  if (stored && stored.scale !== sizes.scale) throw new Error(`the store holds a county seeded at scale ${stored.scale}, not ${sizes.scale}: use another cache directory`);
  const anchor = stored?.anchor.getTime() ?? Date.now();
  if (!stored) await progressOf.insertOne({ _id: 'county', anchor: new Date(anchor), scale: sizes.scale, done: {} });
  const done: Partial<Record<Phase, number>> = { ...stored?.done };
  // One save at a time, in order: two writers' saves in flight at once could land the smaller count last.
  let saved: Promise<unknown> = Promise.resolve();
  const save = (phase: Phase, n: number) => (saved = saved.then(() => progressOf.updateOne({ _id: 'county' }, { $set: { [`done.${phase}`]: n } })));

  const started = performance.now();
  const phases: CountySeedPhase[] = [];
  /** Runs batches [from, total) `lanes` at a time; the saved count only moves over batches finished in a row. */
  const runPhase = async (phase: Phase, total: number, lanes: number, write: (from: number, to: number) => Promise<void>) => {
    const from = Math.min(done[phase] ?? 0, total);
    const t0 = performance.now();
    if (from > 0) say(`${phase}: ${from.toLocaleString('en')} of ${total.toLocaleString('en')} already in the store`);
    const batches = Math.ceil((total - from) / batch);
    const finished = new Set<number>();
    let contiguous = 0;
    let lastSay = performance.now();
    await inPool(batches, lanes, async (b) => {
      const lo = from + b * batch;
      await write(lo, Math.min(total, lo + batch));
      finished.add(b);
      const before = contiguous;
      while (finished.has(contiguous)) finished.delete(contiguous++);
      if (contiguous > before) {
        const n = Math.min(total, from + contiguous * batch);
        await save(phase, n);
        if (performance.now() - lastSay > 15_000 || n === total) {
          lastSay = performance.now();
          const secs = (performance.now() - t0) / 1000;
          say(`${phase}: ${n.toLocaleString('en')} of ${total.toLocaleString('en')} (${Math.round((n - from) / secs)}/s)`);
        }
      }
    });
    const seconds = Math.round((performance.now() - t0) / 100) / 10;
    const seededNow = total - from;
    const spent = Math.round(((stored?.seconds?.[phase] ?? 0) + (seededNow > 0 ? seconds : 0)) * 10) / 10;
    if (seededNow > 0) await progressOf.updateOne({ _id: 'county' }, { $set: { [`seconds.${phase}`]: spent } });
    const seeded = spent > 0 ? { seeded: { seconds: spent, perSecond: Math.round(total / spent) } } : {};
    phases.push({ phase, records: total, seededNow, seconds, perSecond: seededNow > 0 && seconds > 0 ? Math.round(seededNow / seconds) : 0, ...seeded });
  };

  const users = new UserRepository(database);
  const passwordHash = await bcrypt.hash(BENCH_PASSWORD, 10);
  const createdAt = new Date(anchor - SPAN);
  await runPhase('users', org.users.length, writers, async (lo, hi) => {
    for (const u of org.users.slice(lo, hi)) {
      await users.upsertByUsername({ _id: u.id, username: u.username, name: u.name, unitId: u.unit, roles: u.roles, passwordHash, mustChangePassword: false, disabled: false, createdAt });
    }
  });

  const items = new RectificationReadModel(database);
  await runPhase('items', sizes.items, writers, (lo, hi) => items.projectMany(range(lo, hi).map((i) => countyItem(i, sizes.items, org, anchor))));

  const assignments = new AssignmentReadModel(database);
  await runPhase('assignments', sizes.assignments, writers, (lo, hi) => assignments.projectMany(range(lo, hi).map((j) => countyAssignment(j, sizes.assignments, org, anchor))));

  const notifications = new NotificationRepository(database);
  const recipients = recipientsOf(org);
  await runPhase('notifications', sizes.notifications, writers, async (lo, hi) => {
    await notifications.createIfAbsent(range(lo, hi).map((n) => countyNotification(n, sizes.notifications, recipients, sizes.items, anchor)));
  });

  // One chain: one writer. The repository's clock hands out the entries' instants in seq order.
  let nextSeq = (done.audit ?? 0) + 1;
  const audit = new AuditLogRepository(database, () => new Date(auditInstant(nextSeq++, sizes.audit, anchor)));
  await runPhase('audit', sizes.audit, 1, async (lo, hi) => {
    nextSeq = lo + 1;
    await audit.appendMany(range(lo + 1, hi + 1).map((seq) => countyAuditEntry(seq, org.users)));
  });

  return { sizes, anchor: new Date(anchor).toISOString(), users: org.users.length, phases, seconds: Math.round((performance.now() - started) / 100) / 10, writers, batch };
}

const range = (lo: number, hi: number) => Array.from({ length: hi - lo }, (_, k) => lo + k);
