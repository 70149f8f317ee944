import { Body, Controller, Get, Header, HttpCode, Inject, Param, Post, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { contentDisposition } from '../attachment/attachment-view.js';
import { DOCX_TYPE, circularDocument } from '../documents/circular-document.js';
import { campaignSummaryCircular } from './campaign-summary-document.js';
import { PHASE_KIND_LABELS, shanghaiDate, type Actor } from '@duban/domain';
import type { CampaignRecord } from '@duban/persistence';
import { CurrentActor, Roles } from '../common/actor.decorator.js';
import { CLOCK, type Clock } from '../infrastructure/tokens.js';
import { toView } from '../rectification/rectification-view.js';
import { CampaignDto, FindingDto, SpreadDto } from './campaign.dto.js';
import { Campaigns, type CampaignFindingView } from './campaigns.usecases.js';

function toCampaignView(record: CampaignRecord) {
  const { _id, ...rest } = record;
  const current = record.phases[record.phaseIndex];
  return {
    id: _id,
    ...rest,
    phases: record.phases.map((p) => ({ ...p, kindLabel: PHASE_KIND_LABELS[p.kind] })),
    currentPhase: record.status === 'running' && current ? { ...current, kindLabel: PHASE_KIND_LABELS[current.kind] } : null,
    statusLabel: { draft: '草稿', running: '进行中', finished: '已结束' }[record.status],
  };
}

/** Special campaigns (专项行动): the office defines, starts, advances and spreads checks; units report findings. */
@ApiTags('campaigns')
@ApiBearerAuth()
@Roles('office')
@Controller('campaigns')
export class CampaignController {
  constructor(
    @Inject(Campaigns) private readonly campaigns: Campaigns,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @ApiOperation({ summary: '定义专项行动：子行动、分阶段时限、排查清单、报送要求' })
  async create(@Body() body: CampaignDto, @CurrentActor() actor: Actor) {
    return toCampaignView(await this.campaigns.create(body, actor));
  }

  @Get()
  @Roles('office', 'leader', 'unit', 'unit_leader')
  @ApiOperation({ summary: '专项行动列表' })
  async list() {
    return { items: (await this.campaigns.list()).map(toCampaignView) };
  }

  @Get(':id')
  @Roles('office', 'leader', 'unit', 'unit_leader')
  @ApiOperation({ summary: '专项行动详情（阶段、排查清单、举一反三、阶段推进记录）' })
  async get(@Param('id') id: string) {
    return toCampaignView(await this.campaigns.get(id));
  }

  @Post(':id/start')
  @HttpCode(202)
  @ApiOperation({ summary: '启动专项行动：下发排查任务和报送任务，按阶段时限推进' })
  async start(@Param('id') id: string, @CurrentActor() actor: Actor) {
    return toCampaignView(await this.campaigns.start(id, actor));
  }

  @Post(':id/advance')
  @HttpCode(202)
  @ApiOperation({ summary: '推进到下一阶段（不等阶段截止日期）' })
  async advance(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<{ accepted: true }> {
    await this.campaigns.advance(id, actor);
    return { accepted: true };
  }

  @Post(':id/spread')
  @ApiOperation({ summary: '举一反三：把同一项排查下发到该类型的每个单位' })
  spread(@Param('id') id: string, @Body() body: SpreadDto, @CurrentActor() actor: Actor) {
    return this.campaigns.spread(id, body, actor);
  }

  @Post(':id/findings')
  @Roles('unit', 'unit_leader')
  @ApiOperation({ summary: '填报排查发现的问题（该项排查所及单位及其下级单位）：成为本单位的整改问题，整改时限为整改阶段截止日，整改阶段已过时为当前阶段截止日' })
  async finding(@Param('id') id: string, @Body() body: FindingDto, @CurrentActor() actor: Actor) {
    return toView(await this.campaigns.recordFinding(id, body, actor), actor, this.clock.now());
  }

  @Get(':id/progress')
  @Roles('office', 'leader')
  @ApiOperation({ summary: '进度：按子行动、阶段、单位统计状态与亮灯、完成率、超期清单' })
  progress(@Param('id') id: string) {
    return this.campaigns.progress(id);
  }

  @Get(':id/items')
  @Roles('office', 'leader')
  @ApiOperation({ summary: '排查发现的问题：各单位填报后形成的整改问题（状态、亮灯、整改时限）' })
  async items(@Param('id') id: string): Promise<{ items: CampaignFindingView[] }> {
    return { items: await this.campaigns.findings(id) };
  }

  @Get(':id/summary.docx')
  @Roles('office', 'leader')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'private, no-store')
  @ApiProduces(DOCX_TYPE)
  @ApiOperation({ summary: '总结通报（DOCX）：分阶段、分子行动、分单位完成情况和超期清单' })
  async summaryDocx(@Param('id') id: string): Promise<StreamableFile> {
    const campaign = await this.campaigns.get(id);
    const progress = await this.campaigns.progress(id);
    const names = await this.campaigns.unitNames();
    const spec = campaignSummaryCircular(campaign, progress, (unitId) => names.get(unitId) ?? unitId, names.get(campaign.issuingUnitId) ?? '领导小组办公室', shanghaiDate(this.clock.now()));
    const content = await circularDocument(spec);
    return new StreamableFile(content, { type: DOCX_TYPE, length: content.length, disposition: contentDisposition(`${campaign.name}总结通报.docx`) });
  }

  @Get(':id/summary')
  @Roles('office', 'leader')
  @ApiOperation({ summary: '总结（JSON）：定义、阶段推进记录、举一反三与最终进度' })
  async summary(@Param('id') id: string) {
    const campaign = await this.campaigns.get(id);
    return { campaign: toCampaignView(campaign), progress: await this.campaigns.progress(id) };
  }
}
