import { Controller, Get, Header, Inject, Param, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Connection } from 'mongoose';
import {
  ASSIGNMENT_STATUS_LABELS,
  LEDGER_COLUMNS,
  LIGHT_LABELS,
  UNIT_SEPARATOR,
  assignmentLight,
  campaignTaskKind,
  findingCheckLabel,
  phaseOfDate,
  shanghaiDate,
} from '@duban/domain';
import { AssignmentReadModel, RectificationReadModel } from '@duban/persistence';
import { AuditedRead } from '../audit/audit.interceptor.js';
import { Roles } from '../common/actor.decorator.js';
import { CLOCK, DATABASE, type Clock } from '../infrastructure/tokens.js';
import { ledgerRow } from '../report/ledger.js';
import { XLSX_TYPE, streamSheets, xlsxDisposition, type SheetColumn } from '../report/xlsx.js';
import { Campaigns } from './campaigns.usecases.js';

/** The findings sheet: the rectification ledger's columns, then where in the campaign each item belongs. */
export const CAMPAIGN_ITEM_COLUMNS: readonly SheetColumn[] = [
  ...LEDGER_COLUMNS,
  { header: '子行动', width: 18 },
  { header: '排查来源', width: 30 },
  { header: '所属阶段', width: 16 },
];

/** The tasks sheet: check tasks, 举一反三 checks and reports owed. */
export const CAMPAIGN_TASK_COLUMNS: readonly SheetColumn[] = [
  { header: '序号', width: 6 },
  { header: '任务类型', width: 16 },
  { header: '任务名称', width: 36 },
  { header: '任务内容', width: 40 },
  { header: '责任单位', width: 18 },
  { header: '所属阶段', width: 16 },
  { header: '办理时限', width: 12 },
  { header: '状态', width: 14 },
  { header: '亮灯', width: 8 },
  { header: '督办单', width: 28 },
  { header: '办结时间', width: 12 },
];

/** The campaign ledger (专项行动台账) as XLSX: the findings' items, then the campaign's tasks, streamed row by row. */
@ApiTags('campaigns')
@ApiBearerAuth()
@Roles('office', 'leader')
@Controller('campaigns')
export class CampaignLedgerController {
  private readonly items: RectificationReadModel;
  private readonly tasks: AssignmentReadModel;

  constructor(
    @Inject(DATABASE) database: Connection,
    @Inject(Campaigns) private readonly campaigns: Campaigns,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.items = new RectificationReadModel(database);
    this.tasks = new AssignmentReadModel(database);
  }

  @Get(':id/ledger')
  @AuditedRead()
  @Header('Cache-Control', 'private, no-store')
  @ApiProduces(XLSX_TYPE)
  @ApiOperation({ summary: '导出专项行动台账（XLSX）：排查发现问题（整改台账各列及子行动、排查来源、所属阶段）与行动任务（排查、举一反三、报送）' })
  async ledger(@Param('id') id: string): Promise<StreamableFile> {
    const campaign = await this.campaigns.get(id);
    const names = await this.campaigns.unitNames();
    const unitName = (unitId: string) => names.get(unitId) ?? unitId;
    const subActions = new Map(campaign.subActions.map((s) => [s.id, s.name]));
    const phaseName = (dueAt: string) => phaseOfDate(campaign, shanghaiDate(dueAt))?.name ?? '';
    const now = this.clock.now();
    const items = this.items.streamOfCampaign(campaign._id);
    const tasks = this.tasks.streamOfList(campaign._id);

    async function* itemRows(): AsyncGenerator<unknown[]> {
      let seq = 0;
      for await (const r of items) {
        const subAction = r.campaign?.subActionId ? (subActions.get(r.campaign.subActionId) ?? r.campaign.subActionId) : '';
        yield [...ledgerRow(++seq, r, unitName, now), subAction, findingCheckLabel(r.campaign?.checkId, campaign.spreads), phaseName(r.dueAt)];
      }
    }
    async function* taskRows(): AsyncGenerator<unknown[]> {
      let seq = 0;
      for await (const t of tasks) {
        const current = assignmentLight(t, now);
        yield [
          ++seq,
          campaignTaskKind(campaign, campaign.spreads, t.itemId),
          t.title,
          t.content,
          unitName(t.leadUnitId),
          phaseName(t.dueAt),
          shanghaiDate(t.dueAt),
          ASSIGNMENT_STATUS_LABELS[t.status],
          current ? LIGHT_LABELS[current] : '',
          t.notices.map((n) => n.number ?? '').filter(Boolean).join(UNIT_SEPARATOR),
          t.doneAt ? shanghaiDate(t.doneAt) : '',
        ];
      }
    }
    return new StreamableFile(
      streamSheets([
        { name: '排查发现问题', columns: CAMPAIGN_ITEM_COLUMNS, rows: itemRows() },
        { name: '行动任务', columns: CAMPAIGN_TASK_COLUMNS, rows: taskRows() },
      ]),
      { type: XLSX_TYPE, disposition: xlsxDisposition('campaign-ledger', `${campaign.name}台账`) },
    );
  }
}
