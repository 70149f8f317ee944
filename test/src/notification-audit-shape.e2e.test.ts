import type { Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { AuditLogRepository, NotificationRepository, SettingsRepository, auditHash, openDatabase, reshapeReadModel, syncIndexes, type AuditRecord } from '@duban/persistence';
import './setup/provided.js';

// The notification and audit read model as FerretDB on PostgreSQL can serve it (issue #26, docs/queries.md):
// exact unread counts kept in counter documents, the audit chain's tail in a head record, and the step that
// gives documents stored before that shape their keys.

let database: Connection;

beforeAll(async () => {
  database = await openDatabase({ url: `${inject('mongoUrl')}duban_shape_${randomUUID().slice(0, 8)}` });
  await syncIndexes(database);
});

afterAll(async () => {
  await database?.dropDatabase();
  await database?.close();
});

const row = (key: string, userId: string, createdAt: Date) => ({
  _id: `${key}:${userId}`,
  key,
  userId,
  unitId: 'water',
  level: 'red' as const,
  title: `通知 ${key}`,
  body: '请及时办理。',
  subject: { kind: 'rectification' as const, id: 'item-1' },
  createdAt,
});

describe('the unread count', () => {
  it('counts a notification delivered twice (a retried fan-out) once, and only the recipients that were new', async () => {
    const notifications = new NotificationRepository(database, 'worker');
    const at = new Date('2026-05-01T02:00:00.000Z');
    expect(await notifications.createIfAbsent([row('k1', 'dup-a', at), row('k1', 'dup-b', at)])).toBe(2);
    expect(await notifications.createIfAbsent([row('k1', 'dup-a', at), row('k1', 'dup-b', at), row('k1', 'dup-c', at)])).toBe(1);
    expect(await notifications.countUnread('dup-a')).toBe(1);
    expect(await notifications.countUnread('dup-c')).toBe(1);
  });

  it('counts a fan-out to 120 recipients at once, each of them once (one bulk counter write)', async () => {
    const notifications = new NotificationRepository(database, 'worker');
    const at = new Date('2026-05-04T02:00:00.000Z');
    const recipients = Array.from({ length: 120 }, (_, i) => `many-${i}`);
    expect(await notifications.createIfAbsent(recipients.map((userId) => row('wide', userId, at)))).toBe(120);
    expect(await notifications.createIfAbsent(recipients.map((userId) => row('wide', userId, at)))).toBe(0);
    expect(await Promise.all([recipients[0]!, recipients[119]!].map((userId) => notifications.countUnread(userId)))).toEqual([1, 1]);
  });

  it('drops by one when a notification is read, however often and however concurrently it is marked read', async () => {
    const worker = new NotificationRepository(database, 'worker');
    const api = new NotificationRepository(database);
    const at = new Date('2026-05-02T02:00:00.000Z');
    await worker.createIfAbsent([row('r1', 'reader', at), row('r2', 'reader', at), row('r3', 'reader', at)]);
    await Promise.all([api.markRead('reader', 'r1:reader', at), api.markRead('reader', 'r1:reader', at), api.markRead('reader', 'r1:reader', at)]);
    await api.markRead('reader', 'r1:reader', at);
    expect(await api.countUnread('reader')).toBe(2);
    expect((await api.listForUser({ userId: 'reader', unreadOnly: true, limit: 10 })).map((n) => n._id).sort()).toEqual(['r2:reader', 'r3:reader']);
  });

  it('is zero after marking all read, and a second mark-all-read changes nothing', async () => {
    const worker = new NotificationRepository(database, 'worker');
    const api = new NotificationRepository(database);
    const at = new Date('2026-05-03T02:00:00.000Z');
    await worker.createIfAbsent([row('a1', 'all', at), row('a2', 'all', at), row('a3', 'all', new Date('2026-04-03T02:00:00.000Z'))]);
    await api.markRead('all', 'a1:all', at);
    expect(await api.markAllRead('all', at)).toBe(2);
    expect(await api.countUnread('all')).toBe(0);
    expect(await api.markAllRead('all', at)).toBe(0);
    expect(await api.countUnread('all')).toBe(0);
    await worker.createIfAbsent([row('a4', 'all', at)]);
    expect(await api.countUnread('all')).toBe(1);
  });

  it('lists across days and months newest first and resumes a page exactly after its cursor', async () => {
    const notifications = new NotificationRepository(database, 'worker');
    const start = Date.parse('2026-01-30T15:00:00.000Z');
    // 12 notifications, 7 hours apart, crossing Shanghai days and a month boundary.
    await notifications.createIfAbsent(Array.from({ length: 12 }, (_, i) => row(`p${String(i).padStart(2, '0')}`, 'pager', new Date(start + i * 7 * 3600_000))));
    const seen: string[] = [];
    let after: { createdAt: Date; id: string } | undefined;
    for (;;) {
      const page = await notifications.listForUser({ userId: 'pager', limit: 5, ...(after ? { after } : {}) });
      seen.push(...page.map((n) => n._id));
      if (page.length < 5) break;
      after = { createdAt: page.at(-1)!.createdAt, id: page.at(-1)!._id };
    }
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => `p${String(11 - i).padStart(2, '0')}:pager`));
  });
});

describe('the audit chain', () => {
  it("continues from the head record in a new process: the first append does not read the trail's tail by sorting", async () => {
    const first = new AuditLogRepository(database);
    await first.append({ action: 'test.head', result: 'success' });
    const last = await first.append({ action: 'test.head', result: 'success' });

    const sorted: unknown[] = [];
    const listener = (event: { commandName: string; command: Record<string, unknown> }) => {
      if (event.commandName === 'find' && event.command.find === 'audit_log' && event.command.sort) sorted.push(event.command);
    };
    const monitored = await openDatabase({ url: `${inject('mongoUrl')}${database.name}`, slowCommands: { thresholdMs: Number.POSITIVE_INFINITY, onSlowCommand: () => undefined } });
    monitored.getClient().on('commandStarted', listener);
    try {
      const next = await new AuditLogRepository(monitored).append({ action: 'test.head', result: 'success' });
      expect(next).toMatchObject({ _id: last._id + 1, prevHash: last.hash });
      expect(sorted).toEqual([]);
    } finally {
      await monitored.close();
    }
    expect(await new AuditLogRepository(database).verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('searches one user on one day, and appends in bulk (seeding) with the same hashes and the same head as append', async () => {
    const repository = new AuditLogRepository(database);
    await repository.append({ action: 'test.seed', result: 'success' });
    const instants = [new Date('2026-06-01T01:00:00.000Z'), new Date('2026-06-02T01:00:00.000Z')];
    const seeding = new AuditLogRepository(database, () => instants.shift()!);
    const actor = { userId: 'seeded', name: '种子', unitId: 'water', roles: ['unit'] };
    const records = await seeding.appendMany([
      { action: 'test.seed', result: 'success', actor },
      { action: 'test.seed', result: 'refused', actor },
    ]);
    for (const record of records) {
      const { hash, actorUserId: _user, day: _day, batch: _batch, ...unsigned } = record as AuditRecord & { actorUserId?: string; day?: string; batch?: number };
      expect(auditHash(unsigned)).toBe(hash);
    }
    const found = await repository.list({ actorId: 'seeded', from: new Date('2026-06-01T16:00:00.000Z'), to: new Date('2026-06-02T15:59:59.999Z'), limit: 10 });
    expect(found.map((entry) => entry.result)).toEqual(['refused']);
    const after = await new AuditLogRepository(database).append({ action: 'test.seed', result: 'success' });
    expect(after._id).toBe(records.at(-1)!._id + 1);
    expect(await repository.verify()).toMatchObject({ ok: true, problems: [] });
  });
});

describe('documents stored before the read-model shape', () => {
  it('are given their keys once at start: listed, counted, searched by user and day, exported and verified; the step is recorded', async () => {
    const legacy = await openDatabase({ url: `${inject('mongoUrl')}duban_legacy_${randomUUID().slice(0, 8)}` });
    try {
      await syncIndexes(legacy);
      const createdAt = new Date('2026-03-10T04:00:00.000Z');
      const { userDay: _u, unread: _r, ...old } = { ...row('old1', 'veteran', createdAt), userDay: '', unread: true };
      await legacy.collection('notifications').insertMany([
        { ...old, readAt: null },
        { ...row('old2', 'veteran', new Date('2026-02-10T04:00:00.000Z')), readAt: new Date('2026-02-11T00:00:00.000Z') },
        { ...row('old3', 'veteran', new Date('2026-02-09T04:00:00.000Z')), readAt: null },
      ] as never[]);
      // Audit entries as the previous code wrote them: only the hashed fields.
      let prevHash = '0'.repeat(64);
      const entries: AuditRecord[] = [];
      for (let seq = 1; seq <= 3; seq++) {
        const unsigned = {
          _id: seq,
          at: new Date(Date.parse('2026-03-10T04:00:00.000Z') + seq * 60_000),
          requestId: null,
          ip: null,
          actor: { userId: 'veteran', name: '老用户', unitId: 'water', roles: ['unit'] },
          username: null,
          action: 'test.legacy',
          target: null,
          result: 'success' as const,
          status: 200,
          details: null,
          prevHash,
        };
        const entry = { ...unsigned, hash: auditHash(unsigned) };
        entries.push(entry);
        prevHash = entry.hash;
      }
      await legacy.collection('audit_log').insertMany(entries as never[]);

      await reshapeReadModel(legacy);
      await reshapeReadModel(legacy);

      const notifications = new NotificationRepository(legacy);
      expect((await notifications.listForUser({ userId: 'veteran', limit: 10 })).map((n) => n._id)).toEqual(['old1:veteran', 'old2:veteran', 'old3:veteran']);
      expect(await notifications.countUnread('veteran')).toBe(2);
      expect(await notifications.markAllRead('veteran', new Date())).toBe(2);
      expect(await notifications.countUnread('veteran')).toBe(0);

      const audit = new AuditLogRepository(legacy);
      expect((await audit.list({ actorId: 'veteran', from: new Date('2026-03-09T16:00:00.000Z'), to: new Date('2026-03-10T15:59:59.999Z'), limit: 10 })).map((e) => e._id)).toEqual([3, 2, 1]);
      const exported: number[] = [];
      for await (const entry of audit.stream()) exported.push(entry._id);
      expect(exported).toEqual([1, 2, 3]);
      expect(await audit.verify()).toMatchObject({ ok: true, checked: 3 });
      expect(await audit.append({ action: 'test.after', result: 'success' })).toMatchObject({ _id: 4, prevHash: entries[2]!.hash });
      expect(await new SettingsRepository(legacy).get('readModelShape')).toEqual(expect.stringContaining('notifications-audit'));
    } finally {
      await legacy.dropDatabase();
      await legacy.close();
    }
  });
});
