import { Body, Controller, Get, Header, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, StreamableFile, UploadedFile, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { shanghaiDate } from '@duban/domain';
import { XLSX_TYPE, streamSheet, xlsxDisposition } from '../report/xlsx.js';
import { AuditedRead } from '../audit/audit.interceptor.js';
import type { Actor } from '@duban/domain';
import type { Connection } from 'mongoose';
import { UnitRepository, UserRepository, type LookBackRecord } from '@duban/persistence';
import { DATABASE } from '../infrastructure/tokens.js';
import { CurrentActor, Roles } from '../common/actor.decorator.js';
import { LookBackEvidenceGuard } from './evidence-upload.guard.js';
import { AttachmentUploadInterceptor, missingFileError, type StagedUpload } from '../attachment/attachment-upload.interceptor.js';
import { toAttachmentView, type AttachmentView } from '../attachment/attachment-view.js';
import { AttachmentViewDto, UploadAttachmentBody } from '../attachment/dtos/attachment.dto.js';
import { LimitQueryDto, LookBackResultDto, StartLookBackDto } from './dtos/inspection.dto.js';
import { LookBacks } from './usecases/lookbacks.service.js';

const Id = (name = 'id') => Param(name, new ParseUUIDPipe({ version: '4' }));

function toLookBackView(record: LookBackRecord) {
  const { _id, version: _version, ...rest } = record;
  return { id: _id, ...rest };
}

/** 回头看: reproducible stratified draws of closed items, checked by an inspector; a failed check reopens the item. */
@ApiTags('inspections')
@ApiBearerAuth()
@Roles('inspector', 'office')
@Controller('lookbacks')
export class LookBackController {
  private readonly units: UnitRepository;
  private readonly users: UserRepository;
  constructor(
    @Inject(LookBacks) private readonly lookBacks: LookBacks,
    @Inject(DATABASE) database: Connection,
  ) {
    this.units = new UnitRepository(database);
    this.users = new UserRepository(database);
  }

  @Post()
  @ApiOperation({ summary: '发起回头看：按来源、单位、类别、销号时间筛选已销号问题，按单位分层、按比例以记录的种子抽取' })
  async start(@Body() body: StartLookBackDto, @CurrentActor() actor: Actor) {
    return toLookBackView(await this.lookBacks.start(body, actor));
  }

  @Get()
  @ApiOperation({ summary: '回头看列表：办公室看全部，督导人员看分配给自己的（复核队列）' })
  async list(@Query() query: LimitQueryDto, @CurrentActor() actor: Actor) {
    return { items: (await this.lookBacks.list(actor, query.limit ?? 20)).map(toLookBackView) };
  }

  @Get('inspectors')
  @Roles('office')
  @ApiOperation({ summary: '在岗督导人员（办公室发起回头看时指定承担复核的人）' })
  async inspectors(): Promise<{ items: { id: string; name: string }[] }> {
    const people = await this.users.listActiveWithRoles(['inspector']);
    return { items: people.map((p) => ({ id: p._id, name: p.name })).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')) };
  }

  @Get(':id')
  @ApiOperation({ summary: '回头看详情（筛选条件、比例、种子、各单位抽取结果与复核情况）' })
  async get(@Id() id: string, @CurrentActor() actor: Actor) {
    return toLookBackView(await this.lookBacks.get(id, actor));
  }

  @Get(':id/ledger')
  @AuditedRead()
  @Header('Cache-Control', 'private, no-store')
  @ApiProduces(XLSX_TYPE)
  @ApiOperation({ summary: '导出回头看台账（XLSX：抽取的问题、责任单位、复核结果）' })
  async ledger(@Id() id: string, @CurrentActor() actor: Actor): Promise<StreamableFile> {
    const lookBack = await this.lookBacks.get(id, actor);
    const names = new Map((await this.units.findMany([...new Set(lookBack.entries.map((e) => e.unitId))])).map((u) => [u._id, u.name]));
    const outcome = { pending: '待复核', passed: '通过（已核验）', failed: '未通过（重新打开）' } as const;
    async function* rows() {
      let n = 0;
      for (const e of lookBack.entries) {
        yield [++n, e.title, names.get(e.unitId) ?? e.unitId, outcome[e.outcome], e.note ?? '', e.checkedBy?.name ?? '', e.checkedAt ? shanghaiDate(e.checkedAt) : '', e.evidenceAttachmentIds.length];
      }
    }
    const columns = [
      { header: '序号', width: 6 },
      { header: '问题', width: 40 },
      { header: '责任单位', width: 16 },
      { header: '复核结果', width: 18 },
      { header: '复核说明', width: 40 },
      { header: '复核人', width: 12 },
      { header: '复核时间', width: 12 },
      { header: '佐证材料（份）', width: 14 },
    ];
    return new StreamableFile(streamSheet(`回头看 种子${lookBack.seed}`.slice(0, 31), columns, rows()), {
      type: XLSX_TYPE,
      disposition: xlsxDisposition('lookback', `回头看台账-${shanghaiDate(lookBack.startedAt)}`),
    });
  }

  @Post(':id/items/:itemId/evidence')
  @UseGuards(LookBackEvidenceGuard)
  @UseInterceptors(AttachmentUploadInterceptor)
  @ApiOperation({ summary: '上传回头看复核佐证材料（作为该整改问题的材料保存）' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadAttachmentBody })
  @ApiCreatedResponse({ type: AttachmentViewDto })
  async addEvidence(@Id() id: string, @Id('itemId') itemId: string, @UploadedFile() file: StagedUpload | undefined, @CurrentActor() actor: Actor): Promise<AttachmentView> {
    if (!file) throw missingFileError();
    return toAttachmentView(await this.lookBacks.addEvidence(id, itemId, file, actor));
  }

  @Post(':id/items/:itemId/result')
  @HttpCode(200)
  @ApiOperation({ summary: '记录复核结果：通过（标记已核验）或未通过（附佐证，问题重新打开、亮红灯、重新计算升级，计入整改不到位）' })
  async record(@Id() id: string, @Id('itemId') itemId: string, @Body() body: LookBackResultDto, @CurrentActor() actor: Actor) {
    const { lookBack, item } = await this.lookBacks.record(id, itemId, body, actor);
    return { lookBack: toLookBackView(lookBack), reopened: item ? { id: item.id, status: item.status, dueAt: item.dueAt } : null };
  }
}
