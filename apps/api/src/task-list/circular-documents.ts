import { percent, shanghaiDate } from '@duban/domain';
import { chineseDate, type CircularSpec, type CircularTable } from '../documents/circular-document.js';
import type { CircularUnitRow, MonthlyDispatch, QuarterlyCircular } from './circulars.usecases.js';

const ADDRESSEES = '各乡（镇）党委、政府，县直有关单位';
export const STATISTICS_HEADER = ['序号', '责任单位', '任务总数', '按期完成', '逾期完成', '结转', '未完成', '尚在办理', '按期完成率'] as const;
export const OVERDUE_HEADER = ['序号', '责任单位', '任务名称', '办理时限', '办结日期', '逾期天数', '状态'] as const;
export const RANKING_HEADER = ['名次', '责任单位', '按期完成率', '结转及未完成'] as const;

const monthLabel = (month: string) => `${Number(month.slice(0, 4))}年${Number(month.slice(5, 7))}月`;

function statistics(caption: string, rows: readonly CircularUnitRow[], totals: MonthlyDispatch['totals']): CircularTable {
  return {
    caption,
    header: STATISTICS_HEADER,
    rows: [
      ...rows.map((r, i) => [i + 1, r.unitName, r.total, r.onTime, r.late, r.carriedOver, r.failed, r.open, percent(r.onTimeRate)]),
      ['', '合计', totals.total, totals.onTime, totals.late, totals.carriedOver, totals.failed, totals.open, percent(totals.onTimeRate)],
    ],
    emptyText: '本期无交办任务。',
  };
}

const ranking = (caption: string, rows: readonly CircularUnitRow[]): CircularTable => ({
  caption,
  header: RANKING_HEADER,
  rows: rows.map((r) => [r.rank, r.unitName, percent(r.onTimeRate), r.carriedOver + r.failed]),
  emptyText: '本期无排名。',
});

/** 月调度 as a document: overview, statistics per unit, overdue list, ranking. */
export function dispatchCircular(dispatch: MonthlyDispatch, today: Date): CircularSpec {
  const t = dispatch.totals;
  const when = dispatch.closed ? `截至${chineseDate(shanghaiDate(dispatch.asOf))}月末结账` : `截至${chineseDate(shanghaiDate(dispatch.asOf))}`;
  return {
    issuingOffice: dispatch.issuingOffice,
    title: `关于${monthLabel(dispatch.month)}重点工作推进情况的调度通报`,
    addressees: ADDRESSEES,
    date: shanghaiDate(today),
    blocks: [
      {
        kind: 'paragraph',
        text: `${when}，《${dispatch.title}》共交办任务 ${t.total} 项，按期完成 ${t.onTime} 项，逾期完成 ${t.late} 项，结转下月 ${t.carriedOver} 项，未完成 ${t.failed} 项，尚在办理 ${t.open} 项，按期完成率 ${percent(t.onTimeRate)}。现将有关情况通报如下。`,
      },
      { kind: 'heading', text: '一、各单位完成情况' },
      { kind: 'table', table: statistics('表1  各单位重点任务完成情况统计表', dispatch.rows, t) },
      { kind: 'heading', text: '二、逾期任务' },
      {
        kind: 'table',
        table: {
          caption: '表2  逾期任务清单',
          header: OVERDUE_HEADER,
          rows: dispatch.overdue.map((o, i) => [i + 1, o.unitName, o.title, o.dueDate, o.doneDate ?? '', o.daysOverdue, o.statusLabel]),
          emptyText: '本月无逾期任务。',
        },
      },
      { kind: 'heading', text: '三、排名情况' },
      { kind: 'table', table: ranking('表3  各单位按期完成率排名', dispatch.ranking) },
      { kind: 'paragraph', text: '请逾期和未完成任务的责任单位认真分析原因，倒排工期、压实责任，尽快整改到位，并将整改情况按时报送领导小组办公室。' },
    ],
  };
}

/** 季通报 with its 季度盘点: overview, the quarter per unit, month by month, ranking. */
export function quarterlyCircular(circular: QuarterlyCircular, today: Date): CircularSpec {
  const t = circular.totals;
  return {
    issuingOffice: circular.issuingOffice,
    title: `关于${circular.label}重点工作完成情况的通报`,
    addressees: ADDRESSEES,
    date: shanghaiDate(today),
    blocks: [
      {
        kind: 'paragraph',
        text: `${circular.label}，各月重点工作清单共交办任务 ${t.total} 项，按期完成 ${t.onTime} 项，逾期完成 ${t.late} 项，结转 ${t.carriedOver} 项，未完成 ${t.failed} 项，尚在办理 ${t.open} 项，按期完成率 ${percent(t.onTimeRate)}。现将季度盘点情况通报如下。`,
      },
      { kind: 'heading', text: '一、季度盘点' },
      { kind: 'table', table: statistics('表1  各单位本季度重点任务完成情况统计表', circular.rows, t) },
      { kind: 'heading', text: '二、分月情况' },
      {
        kind: 'table',
        table: {
          caption: '表2  各月清单完成情况',
          header: ['月份', '清单状态', '任务总数', '按期完成', '逾期完成', '结转', '未完成', '尚在办理'],
          rows: circular.months.map((m) => {
            const sum = (pick: (r: CircularUnitRow) => number) => m.rows.reduce((n, r) => n + pick(r), 0);
            return [monthLabel(m.month), m.statusLabel, sum((r) => r.total), sum((r) => r.onTime), sum((r) => r.late), sum((r) => r.carriedOver), sum((r) => r.failed), sum((r) => r.open)];
          }),
        },
      },
      { kind: 'heading', text: '三、排名情况' },
      { kind: 'table', table: ranking('表3  各单位本季度按期完成率排名', circular.ranking) },
      { kind: 'paragraph', text: '请各单位对照季度盘点情况查漏补缺，对结转和未完成任务逐项明确责任人和完成时限，确保下季度按期完成。' },
    ],
  };
}
