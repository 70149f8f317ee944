import { describe, expect, it } from 'vitest';
import { dispatchCircular, quarterlyCircular } from './circular-documents.js';
import type { CircularUnitRow, MonthlyDispatch, QuarterlyCircular } from './circulars.usecases.js';
import type { CircularBlock, CircularTable } from '../documents/circular-document.js';

const row = (unitId: string, unitName: string, counts: Partial<CircularUnitRow>): CircularUnitRow => ({
  unitId,
  unitName,
  total: 0,
  onTime: 0,
  late: 0,
  carriedOver: 0,
  failed: 0,
  open: 0,
  onTimeRate: 0,
  rank: 0,
  ...counts,
});
const tables = (blocks: readonly CircularBlock[]): CircularTable[] => blocks.flatMap((b) => (b.kind === 'table' ? [b.table] : []));

const a = row('town-a', '甲镇', { total: 2, onTime: 1, late: 1, onTimeRate: 0.5, rank: 1 });
const b = row('town-b', '乙镇', { total: 3, carriedOver: 1, failed: 1, open: 1, rank: 2 });
const dispatch: MonthlyDispatch = {
  listId: 'TL-2026-11',
  month: '2026-11',
  title: '2026年11月重点工作清单',
  issuingOffice: '县巩固拓展脱贫攻坚成果工作领导小组办公室',
  closed: true,
  asOf: '2026-11-30T10:00:00.000Z',
  rows: [a, b],
  totals: { total: 5, onTime: 1, late: 1, carriedOver: 1, failed: 1, open: 1, onTimeRate: 0.2 },
  overdue: [],
  ranking: [a, b],
};

describe('the monthly dispatch document', () => {
  it('has the statistics with a 合计 row, an overdue list that says when it is empty, and the ranking', () => {
    const spec = dispatchCircular(dispatch, new Date('2026-12-01T02:00:00.000Z'));
    expect(spec).toMatchObject({ title: '关于2026年11月重点工作推进情况的调度通报', date: '2026-12-01', issuingOffice: dispatch.issuingOffice });
    const [statistics, overdue, ranking] = tables(spec.blocks);
    expect(statistics!.rows).toEqual([
      [1, '甲镇', 2, 1, 1, 0, 0, 0, '50%'],
      [2, '乙镇', 3, 0, 0, 1, 1, 1, '0%'],
      ['', '合计', 5, 1, 1, 1, 1, 1, '20%'],
    ]);
    expect(overdue).toMatchObject({ rows: [], emptyText: '本月无逾期任务。' });
    expect(ranking!.rows).toEqual([
      [1, '甲镇', '50%', 0],
      [2, '乙镇', '0%', 2],
    ]);
    const opening = spec.blocks[0]!;
    expect(opening.kind === 'paragraph' && opening.text).toContain('截至2026年11月30日月末结账，《2026年11月重点工作清单》共交办任务 5 项');
  });
});

describe('the quarterly circular document', () => {
  it('adds a month-by-month table with each month’s totals and status', () => {
    const quarter: QuarterlyCircular = {
      quarter: '2026-Q4',
      label: '2026年第四季度',
      issuingOffice: dispatch.issuingOffice,
      months: [
        { month: '2026-10', listId: 'TL-2026-10', status: 'closed', statusLabel: '已月末结账', closed: true, rows: [a] },
        { month: '2026-11', listId: 'TL-2026-11', status: 'published', statusLabel: '已下发', closed: false, rows: [b] },
        { month: '2026-12', listId: 'TL-2026-12', status: null, statusLabel: '未制定清单', closed: false, rows: [] },
      ],
      rows: [a, b],
      totals: dispatch.totals,
      ranking: [a, b],
      asOf: '2026-11-30T10:00:00.000Z',
    };
    const spec = quarterlyCircular(quarter, new Date('2026-11-30T10:00:00.000Z'));
    expect(spec.title).toBe('关于2026年第四季度重点工作完成情况的通报');
    expect(tables(spec.blocks)[1]!.rows).toEqual([
      ['2026年10月', '已月末结账', 2, 1, 1, 0, 0, 0],
      ['2026年11月', '已下发', 3, 0, 0, 1, 1, 1],
      ['2026年12月', '未制定清单', 0, 0, 0, 0, 0, 0],
    ]);
  });
});
