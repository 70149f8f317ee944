import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Connection } from 'mongoose';
import {
  ASSIGNMENT_STATUS_LABELS,
  TASK_LIST_STATUS_LABELS,
  openCount,
  overdueEntries,
  parseQuarter,
  rankUnits,
  sumResults,
  summarizeOutcomes,
  type OverdueEntry,
  type TaskListStatus,
  type UnitMonthResult,
} from '@duban/domain';
import { AssignmentReadModel, TaskListRepository, UnitRepository, taskListId, type TaskListRecord } from '@duban/persistence';
import { ApiError } from '../common/api-error.js';
import { CLOCK, DATABASE, type Clock } from '../infrastructure/tokens.js';

/** One unit's line of a circular: its counts, what is still open, and its place in the ranking. */
export interface CircularUnitRow extends UnitMonthResult {
  unitName: string;
  open: number;
  rank: number;
}

export interface OverdueRow extends OverdueEntry {
  unitName: string;
  statusLabel: string;
}

/** 月调度: a month's list per unit, its overdue list and its ranking. */
export interface MonthlyDispatch {
  listId: string;
  month: string;
  title: string;
  issuingOffice: string;
  /** Final results once the month is closed; live counts before. */
  closed: boolean;
  /** The instant the numbers describe: the close, or now. */
  asOf: string;
  /** By unit id. */
  rows: CircularUnitRow[];
  totals: Omit<UnitMonthResult, 'unitId'> & { open: number };
  overdue: OverdueRow[];
  /** Best first (rankUnits). */
  ranking: CircularUnitRow[];
}

/** 季通报 · 季度盘点: the three months of a quarter added up per unit. */
export interface QuarterlyCircular {
  quarter: string;
  label: string;
  issuingOffice: string;
  months: { month: string; listId: string; status: TaskListStatus | null; statusLabel: string; closed: boolean; rows: CircularUnitRow[] }[];
  rows: CircularUnitRow[];
  totals: Omit<UnitMonthResult, 'unitId'> & { open: number };
  ranking: CircularUnitRow[];
  asOf: string;
}

const DEFAULT_OFFICE = '县巩固拓展脱贫攻坚成果工作领导小组办公室';

/** Builds the monthly dispatch and the quarterly circular from the lists and the assignments' read model. */
@Injectable()
export class TaskListCirculars {
  private readonly lists: TaskListRepository;
  private readonly units: UnitRepository;
  private readonly assignments: AssignmentReadModel;

  constructor(
    @Inject(DATABASE) database: Connection,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.lists = new TaskListRepository(database);
    this.units = new UnitRepository(database);
    this.assignments = new AssignmentReadModel(database);
  }

  async dispatch(id: string): Promise<MonthlyDispatch> {
    const list = await this.lists.findById(id);
    if (!list) throw ApiError.notFound('重点工作清单');
    if (!list.published) throw new ApiError(HttpStatus.CONFLICT, 'invalid_state', '清单尚未下发，没有调度情况');
    const assignments = await this.assignments.ofList(id);
    const asOf = list.closed ? new Date(list.closed.at) : this.clock.now();
    const results = list.closed?.results ?? summarizeOutcomes(assignments);
    const overdue = overdueEntries(assignments, asOf);
    const names = await this.names([list.issuingUnitId, ...results.map((r) => r.unitId), ...overdue.map((o) => o.unitId)]);
    const { rows, ranking } = ranked(results, names);
    return {
      listId: list._id,
      month: list.month,
      title: list.title,
      issuingOffice: names.get(list.issuingUnitId) ?? DEFAULT_OFFICE,
      closed: list.closed !== null,
      asOf: asOf.toISOString(),
      rows,
      totals: totalsOf(rows),
      overdue: overdue.map((o) => ({ ...o, unitName: names.get(o.unitId) ?? o.unitId, statusLabel: ASSIGNMENT_STATUS_LABELS[o.status] })),
      ranking,
    };
  }

  async quarter(value: string): Promise<QuarterlyCircular> {
    const quarter = parseQuarter(value);
    if (!quarter) throw ApiError.badInput('quarter', 'quarter: 须为 YYYY-Qn，如 2026-Q4');
    const lists = await Promise.all(quarter.months.map((month) => this.lists.findById(taskListId(month))));
    const monthly = await Promise.all(lists.map((list) => this.monthResults(list)));
    const issuingUnitId = lists.find((l) => l !== null)?.issuingUnitId;
    const names = await this.names([...(issuingUnitId ? [issuingUnitId] : []), ...monthly.flat().map((r) => r.unitId)]);
    const { rows, ranking } = ranked(sumResults(monthly), names);
    return {
      quarter: quarter.id,
      label: quarter.label,
      issuingOffice: (issuingUnitId && names.get(issuingUnitId)) || DEFAULT_OFFICE,
      months: quarter.months.map((month, i) => {
        const list = lists[i] ?? null;
        return {
          month,
          listId: taskListId(month),
          status: list?.status ?? null,
          statusLabel: list ? TASK_LIST_STATUS_LABELS[list.status] : '未制定清单',
          closed: list?.closed != null,
          rows: ranked(monthly[i]!, names).rows,
        };
      }),
      rows,
      totals: totalsOf(rows),
      ranking,
      asOf: this.clock.now().toISOString(),
    };
  }

  /** Final results of a closed month, live counts of a running one, nothing for a month not (yet) published. */
  private async monthResults(list: TaskListRecord | null): Promise<UnitMonthResult[]> {
    if (!list?.published) return [];
    return list.closed?.results ?? summarizeOutcomes(await this.assignments.ofList(list._id));
  }

  private async names(ids: readonly string[]): Promise<Map<string, string>> {
    return new Map((await this.units.findMany([...new Set(ids)])).map((u) => [u._id, u.name]));
  }
}

function ranked(results: readonly UnitMonthResult[], names: ReadonlyMap<string, string>): { rows: CircularUnitRow[]; ranking: CircularUnitRow[] } {
  const ranking = rankUnits(results).map((r) => ({ ...r, unitName: names.get(r.unitId) ?? r.unitId, open: openCount(r) }));
  return { ranking, rows: [...ranking].sort((a, b) => a.unitId.localeCompare(b.unitId)) };
}

function totalsOf(rows: readonly CircularUnitRow[]): MonthlyDispatch['totals'] {
  const sum = (pick: (r: CircularUnitRow) => number) => rows.reduce((n, r) => n + pick(r), 0);
  const total = sum((r) => r.total);
  const onTime = sum((r) => r.onTime);
  return { total, onTime, late: sum((r) => r.late), carriedOver: sum((r) => r.carriedOver), failed: sum((r) => r.failed), open: sum((r) => r.open), onTimeRate: total === 0 ? 0 : onTime / total };
}
