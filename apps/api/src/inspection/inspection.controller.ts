import { Body, Controller, Get, Header, HttpCode, Inject, StreamableFile, Param, ParseUUIDPipe, Post, Query, UploadedFile, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { INSPECTION_STATUS_LABELS, type Actor } from '@duban/domain';
import type { InspectionRecord } from '@duban/persistence';
import { CurrentActor, HiddenFromOtherRoles, Roles } from '../common/actor.decorator.js';
import { FindingEvidenceGuard } from './evidence-upload.guard.js';
import { AttachmentUploadInterceptor, missingFileError, type StagedUpload } from '../attachment/attachment-upload.interceptor.js';
import { contentDisposition, toAttachmentView, type AttachmentView } from '../attachment/attachment-view.js';
import { DOCX_TYPE } from './circular.js';
import { AttachmentViewDto, UploadAttachmentBody } from '../attachment/dtos/attachment.dto.js';
import { EvidenceQueryDto, InspectionFindingDto, LimitQueryDto, PlanInspectionDto } from './dtos/inspection.dto.js';
import { Inspections, itemIdOfFinding } from './usecases/inspections.service.js';

const Id = (name = 'id') => Param(name, new ParseUUIDPipe({ version: '4' }));

export function toInspectionView(record: InspectionRecord) {
  const { _id, version: _version, ...rest } = record;
  return {
    id: _id,
    ...rest,
    statusLabel: INSPECTION_STATUS_LABELS[record.status],
    findings: record.findings.map((f) => ({ ...f, itemId: itemIdOfFinding(f.id) })),
  };
}

/**
 * 暗访督导 (四不两直). Confidential until published: only inspectors and the office reach these routes, and a unit
 * learns of an inspection only through the items its publication creates.
 */
@ApiTags('inspections')
@ApiBearerAuth()
@Roles('inspector', 'office')
@HiddenFromOtherRoles()
@ApiNotFoundResponse({ description: '暗访督导不存在' })
@Controller('inspections')
export class InspectionController {
  constructor(@Inject(Inspections) private readonly inspections: Inspections) {}

  @Post()
  @ApiOperation({ summary: '制定暗访计划（暗访对象选定或随机抽取、时间范围、暗访组）；通报前对被暗访单位保密' })
  async plan(@Body() body: PlanInspectionDto, @CurrentActor() actor: Actor) {
    return toInspectionView(await this.inspections.plan(body, actor));
  }

  @Get()
  @ApiOperation({ summary: '暗访督导列表（最新在前）' })
  async list(@Query() query: LimitQueryDto) {
    return { items: (await this.inspections.list(query.limit ?? 20)).map(toInspectionView) };
  }

  @Get(':id')
  @ApiOperation({ summary: '暗访督导详情（计划、发现问题、通报后生成的整改问题）' })
  async get(@Id() id: string) {
    return toInspectionView(await this.inspections.get(id));
  }

  @Post(':id/findings')
  @ApiOperation({ summary: '记录暗访发现的问题（地点、类别、描述、责任单位、建议整改时限）' })
  async addFinding(@Id() id: string, @Body() body: InspectionFindingDto, @CurrentActor() actor: Actor) {
    const finding = await this.inspections.addFinding(id, body, actor);
    return { ...finding, itemId: itemIdOfFinding(finding.id) };
  }

  @Post(':id/findings/:findingId/evidence')
  @UseGuards(FindingEvidenceGuard)
  @UseInterceptors(AttachmentUploadInterceptor)
  @ApiOperation({ summary: '上传暗访发现问题的照片/材料（记录设备拍摄时间与上传时间、SHA-256）' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadAttachmentBody })
  @ApiCreatedResponse({ type: AttachmentViewDto })
  async addEvidence(
    @Id() id: string,
    @Id('findingId') findingId: string,
    @Query() query: EvidenceQueryDto,
    @UploadedFile() file: StagedUpload | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<AttachmentView & { capturedAt: string }> {
    if (!file) throw missingFileError();
    const attachment = await this.inspections.addEvidence(id, findingId, file, query.capturedAt, actor);
    return { ...toAttachmentView(attachment), capturedAt: new Date(query.capturedAt).toISOString() };
  }

  @Get(':id/circular')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'private, no-store')
  @ApiOperation({ summary: '下载暗访情况通报（DOCX，通报后可用）' })
  @ApiProduces(DOCX_TYPE)
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  async circular(@Id() id: string): Promise<StreamableFile> {
    const { title, content } = await this.inspections.circular(id);
    return new StreamableFile(content, { type: DOCX_TYPE, length: content.length, disposition: contentDisposition(`${title}情况通报.docx`) });
  }

  @Post(':id/publish')
  @HttpCode(200)
  @ApiOperation({ summary: '通报暗访结果：每个发现问题转为整改问题（来源：暗访）交办责任单位' })
  async publish(@Id() id: string, @CurrentActor() actor: Actor) {
    return toInspectionView(await this.inspections.publish(id, actor));
  }
}
