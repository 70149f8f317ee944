import { describe, expect, it } from 'vitest';
import { openCount, overdueEntries, parseQuarter, percent, quarterOfMonth, quarterReviewAtClose } from './circulars.js';
import { summarizeOutcomes } from './task-list.js';

// Due at the end of 10 November in Shanghai.
const dueAt = '2026-11-10T15:59:59.999Z';
const base = { title: '更新就业台账', dueAt, doneAt: null, outcome: null } as const;

describe('the overdue list of a month', () => {
  it('lists those done late and those still open past due, longest overdue first, and leaves out the rest', () => {
    const entries = overdueEntries(
      [
        { ...base, id: 'a', leadUnitId: 'town-a', status: 'done', doneAt: '2026-11-10T10:00:00.000Z', outcome: 'on_time' },
        { ...base, id: 'b', leadUnitId: 'town-b', status: 'done', doneAt: '2026-11-12T02:00:00.000Z', outcome: 'late' },
        { ...base, id: 'c', leadUnitId: 'town-c', status: 'in_progress' },
        { ...base, id: 'd', leadUnitId: 'town-d', status: 'assigned', dueAt: '2026-11-30T15:59:59.999Z' },
        { ...base, id: 'e', leadUnitId: 'town-e', status: 'carried_over', outcome: 'carried_over' },
      ],
      new Date('2026-11-20T03:00:00.000Z'),
    );
    expect(entries).toEqual([
      { assignmentId: 'c', unitId: 'town-c', title: '更新就业台账', dueDate: '2026-11-10', doneDate: null, status: 'in_progress', daysOverdue: 10 },
      { assignmentId: 'e', unitId: 'town-e', title: '更新就业台账', dueDate: '2026-11-10', doneDate: null, status: 'carried_over', daysOverdue: 10 },
      { assignmentId: 'b', unitId: 'town-b', title: '更新就业台账', dueDate: '2026-11-10', doneDate: '2026-11-12', status: 'done', daysOverdue: 2 },
    ]);
  });

  it('counts a few hours past the due date as one day, in Shanghai days', () => {
    const [entry] = overdueEntries([{ ...base, id: 'x', leadUnitId: 'town-a', status: 'in_progress' }], new Date('2026-11-10T16:30:00.000Z'));
    expect(entry?.daysOverdue).toBe(1);
  });
});

describe('quarters', () => {
  it('reads 2026-Q4 as October to December and refuses anything else', () => {
    expect(parseQuarter('2026-Q4')).toEqual({ id: '2026-Q4', year: 2026, quarter: 4, months: ['2026-10', '2026-11', '2026-12'], label: '2026年第四季度' });
    expect(parseQuarter('2026-Q1')?.months).toEqual(['2026-01', '2026-02', '2026-03']);
    for (const bad of ['2026-Q5', '2026-Q0', '2026Q4', '2026-q4', '26-Q1', '2026-Q4x']) expect(parseQuarter(bad)).toBeNull();
  });

  it('finds the quarter of a month', () => {
    expect(quarterOfMonth('2026-03').id).toBe('2026-Q1');
    expect(quarterOfMonth('2026-04').id).toBe('2026-Q2');
    expect(quarterOfMonth('2026-12').id).toBe('2026-Q4');
  });

  it("reviews the quarter when its last month closes, counting only the months that were closed (季度盘点)", () => {
    const october = summarizeOutcomes([{ leadUnitId: 'town-a', outcome: 'on_time' }]);
    const december = summarizeOutcomes([
      { leadUnitId: 'town-a', outcome: 'failed' },
      { leadUnitId: 'town-b', outcome: 'late' },
    ]);
    const closed = new Map([['2026-10', october], ['2026-12', december]]);
    expect(quarterReviewAtClose('2026-11', 'at', (m) => closed.get(m) ?? null)).toBeNull();
    expect(quarterReviewAtClose('2026-12', 'at', (m) => closed.get(m) ?? null)).toEqual({
      quarter: '2026-Q4',
      at: 'at',
      months: [
        { month: '2026-10', closed: true },
        { month: '2026-11', closed: false },
        { month: '2026-12', closed: true },
      ],
      results: [
        { unitId: 'town-a', total: 2, onTime: 1, late: 0, carriedOver: 0, failed: 1, onTimeRate: 0.5 },
        { unitId: 'town-b', total: 1, onTime: 0, late: 1, carriedOver: 0, failed: 0, onTimeRate: 0 },
      ],
    });
  });
});

describe('rows of a circular', () => {
  it('counts what is still open and prints rates with one decimal', () => {
    const [row] = summarizeOutcomes([
      { leadUnitId: 'town-a', outcome: 'on_time' },
      { leadUnitId: 'town-a', outcome: null },
      { leadUnitId: 'town-a', outcome: 'late' },
    ]);
    expect(openCount(row!)).toBe(1);
    expect(percent(row!.onTimeRate)).toBe('33.3%');
    expect(percent(1)).toBe('100%');
    expect(percent(0)).toBe('0%');
  });
});
