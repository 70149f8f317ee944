import { Controller, Get, Header, Inject, Param, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Connection } from 'mongoose';
import { ASSIGNMENT_OUTCOME_LABELS, ASSIGNMENT_STATUS_LABELS, LIGHT_LABELS, assignmentLight, shanghaiDate } from '@duban/domain';
import { AssignmentReadModel, UnitRepository } from '@duban/persistence';
import { AuditedRead } from '../audit/audit.interceptor.js';
import { Roles } from '../common/actor.decorator.js';
import { ApiError } from '../common/api-error.js';
import { CLOCK, DATABASE, type Clock } from '../infrastructure/tokens.js';
import { XLSX_TYPE, streamSheet, xlsxDisposition, type SheetColumn } from '../report/xlsx.js';
import { TaskLists } from './task-lists.usecases.js';

const COLUMNS: readonly SheetColumn[] = [
  { header: '序号', width: 6 },
  { header: '任务名称', width: 30 },
  { header: '任务内容', width: 40 },
  { header: '责任单位', width: 18 },
  { header: '配合单位', width: 18 },
  { header: '办理时限', width: 12 },
  { header: '分解到人', width: 36 },
  { header: '完成进度', width: 16 },
  { header: '状态', width: 16 },
  { header: '亮灯', width: 8 },
  { header: '督办单', width: 28 },
  { header: '办结时间', width: 12 },
  { header: '月末结果', width: 10 },
  { header: '结转自', width: 28 },
];

/** The task-list ledger (重点任务台账) as XLSX, streamed row by row. */
@ApiTags('task-lists')
@ApiBearerAuth()
@Roles('office', 'leader')
@Controller('task-lists')
export class TaskListLedgerController {
  private readonly assignments: AssignmentReadModel;
  private readonly units: UnitRepository;

  constructor(
    @Inject(DATABASE) database: Connection,
    @Inject(TaskLists) private readonly lists: TaskLists,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.assignments = new AssignmentReadModel(database);
    this.units = new UnitRepository(database);
  }

  @Get(':id/ledger')
  @AuditedRead()
  @Header('Cache-Control', 'private, no-store')
  @ApiProduces(XLSX_TYPE)
  @ApiOperation({ summary: '导出重点任务台账（XLSX，每个单位每项任务一行）' })
  async ledger(@Param('id') id: string): Promise<StreamableFile> {
    if (!/^TL-\d{4}-(0[1-9]|1[0-2])$/.test(id)) throw ApiError.notFound('重点工作清单');
    const list = await this.lists.get(id);
    const names = new Map((await this.units.list()).map((u) => [u._id, u.name]));
    const name = (unitId: string) => names.get(unitId) ?? unitId;
    const now = this.clock.now();
    const records = this.assignments.streamOfList(id);
    async function* rows() {
      let n = 0;
      for await (const a of records) {
        const current = assignmentLight(a, now);
        yield [
          ++n,
          a.title,
          a.content,
          name(a.leadUnitId),
          a.coUnitIds.map(name).join('、'),
          shanghaiDate(a.dueAt),
          a.parts.map((p) => `${p.title}（${p.assigneeName}，${p.dueDate}前${p.done ? '，已完成' : ''}）`).join('；'),
          a.quantity ? `${a.quantity.current}/${a.quantity.target}${a.quantity.unit}` : '',
          ASSIGNMENT_STATUS_LABELS[a.status],
          current ? LIGHT_LABELS[current] : '',
          a.notices.map((notice) => notice.number ?? '').join('、'),
          a.doneAt ? shanghaiDate(a.doneAt) : '',
          a.outcome ? ASSIGNMENT_OUTCOME_LABELS[a.outcome] : '',
          a.carriedFrom ?? '',
        ];
      }
    }
    return new StreamableFile(streamSheet('重点任务台账', COLUMNS, rows()), {
      type: XLSX_TYPE,
      disposition: xlsxDisposition(`task-list-${list.month}`, `${list.title}台账`),
    });
  }
}
