import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { NoticeColour } from '@duban/domain';
import { NoticeRepository, openDatabase } from '@duban/persistence';

// Formal notice numbers (督办〔2026〕红字第N号) on the real database: a burst of deadlines at once, as when a monthly
// list's assignments fall due on the same day, and two workers numbering at the same time.

let url: string;
let worker: Connection;

beforeAll(async () => {
  url = `${inject('mongoUrl')}duban_e2e_notices_${randomUUID().slice(0, 8)}`;
  worker = await openDatabase({ url });
});

afterAll(async () => {
  await worker?.dropDatabase();
  await worker?.close();
});

const notice = (key: string, colour: NoticeColour, issuedAt = new Date('2026-06-30T02:00:00Z')) => ({
  _id: key,
  colour,
  itemId: `item-${key}`,
  itemTitle: '村道路灯损坏未修复',
  unitId: 'water',
  reason: '超过整改时限',
  issuedAt,
});

const seqOf = (number: string) => Number(/第(\d+)号$/.exec(number)![1]);

describe('notice numbers', () => {
  it('numbers 300 notices recorded at once 1…300 of their colour: each number once, none skipped', async () => {
    const notices = new NoticeRepository(worker);
    const keys = Array.from({ length: 300 }, (_, i) => `burst-${i}`);
    const numbers = await Promise.all(keys.map((key) => notices.record(notice(key, 'yellow'))));
    expect(numbers.every((number) => /^督办〔2026〕黄字第\d+号$/.test(number))).toBe(true);
    expect(numbers.map(seqOf).sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  });

  it('gives a notice recorded again its first number and uses up none', async () => {
    const notices = new NoticeRepository(worker);
    const first = await notices.record(notice('again-1', 'blue'));
    const repeated = await Promise.all([notices.record(notice('again-1', 'blue')), notices.record(notice('again-1', 'blue'))]);
    expect(repeated).toEqual([first, first]);
    expect(await notices.record(notice('again-2', 'blue'))).toBe(`督办〔2026〕蓝字第${seqOf(first) + 1}号`);
  });

  it('keeps numbers apart when two workers number the same colour at once', async () => {
    const other = await openDatabase({ url });
    try {
      const keys = Array.from({ length: 100 }, (_, i) => `two-${i}`);
      const numbers = await Promise.all(
        keys.map((key, i) => new NoticeRepository(i % 2 === 0 ? worker : other).record(notice(key, 'red'))),
      );
      expect(new Set(numbers).size).toBe(100);
      const recorded = await worker.collection('notices').find({ colour: 'red' }).toArray();
      expect(recorded).toHaveLength(100);
      expect(new Set(recorded.map((r) => r.number)).size).toBe(100);
    } finally {
      await other.close();
    }
  });

  it('starts again at 1 in a new year, counted by the Shanghai calendar', async () => {
    const notices = new NoticeRepository(worker);
    // 2026-12-31 17:00 UTC is already 2027-01-01 01:00 in Shanghai.
    expect(await notices.record(notice('new-year', 'red', new Date('2026-12-31T17:00:00Z')))).toBe('督办〔2027〕红字第1号');
  });
});
