import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor, RectificationCommand } from '@duban/domain';
import { CurrentActor, Roles } from '../common/actor.decorator.js';
import { CLOCK, type Clock } from '../infrastructure/tokens.js';
import { RegisterRectificationDto } from './dtos/register-rectification.dto.js';
import {
  DeferralDto,
  ExtensionDecisionDto,
  ExtensionRequestDto,
  HandleEscalationDto,
  MergeDto,
  NoteDto,
  ReasonDto,
  ReopenDto,
  ProgressReportDto,
  ResumeDto,
  SubmitPlanDto,
  UrgeDto,
} from './dtos/steps.dto.js';
import { stateOf, toView, type RectificationView } from './rectification-view.js';
import { ActOnRectification } from './usecases/act-on-rectification.usecase.js';
import { FindVisibleRectification } from './usecases/find-visible-rectification.usecase.js';
import { RegisterRectification } from './usecases/register-rectification.usecase.js';
import { ResolveEvidence } from './usecases/resolve-evidence.usecase.js';

const ItemId = () => Param('id', new ParseUUIDPipe({ version: '4' }));
const withNote = (note: string | undefined) => (note === undefined ? {} : { note });

/**
 * Every step of the lifecycle is one route; each becomes a command for the item's workflow. Items are business
 * data: the inspector, auditor and sysadmin get 403 here (三员分立), except where a route names them itself.
 */
@ApiTags('rectifications')
@ApiBearerAuth()
@Roles('office', 'leader', 'unit', 'unit_leader')
@Controller('rectifications')
export class RectificationController {
  constructor(
    @Inject(RegisterRectification) private readonly registerItem: RegisterRectification,
    @Inject(ActOnRectification) private readonly act: ActOnRectification,
    @Inject(FindVisibleRectification) private readonly findVisible: FindVisibleRectification,
    @Inject(ResolveEvidence) private readonly evidence: ResolveEvidence,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @Roles('office')
  @ApiOperation({ summary: '登记并交办整改问题' })
  async register(@Body() body: RegisterRectificationDto, @CurrentActor() actor: Actor): Promise<RectificationView> {
    return toView(await this.registerItem.execute(body, actor), actor, this.clock.now());
  }

  @Get(':id')
  @ApiOperation({ summary: '整改问题详情（含督办单、办理轨迹与当前可执行操作）' })
  async get(@ItemId() id: string, @CurrentActor() actor: Actor): Promise<RectificationView> {
    return toView(stateOf(await this.findVisible.execute(id, actor)), actor, this.clock.now());
  }

  @Post(':id/sign')
  @HttpCode(200)
  @ApiOperation({ summary: '签收' })
  sign(@ItemId() id: string, @CurrentActor() actor: Actor): Promise<RectificationView> {
    return this.step(id, actor, { type: 'sign' });
  }

  @Post(':id/plan')
  @HttpCode(200)
  @ApiOperation({ summary: '报送整改方案（整改措施、整改时限、整改责任人）' })
  async submitPlan(@ItemId() id: string, @Body() body: SubmitPlanDto, @CurrentActor() actor: Actor): Promise<RectificationView> {
    const evidence = await this.evidence.execute(id, body.attachmentIds);
    return this.step(id, actor, { type: 'submitPlan', measures: body.measures, targetDate: body.targetDate, responsiblePerson: body.responsiblePerson, evidence });
  }

  @Post(':id/plan/approve')
  @HttpCode(200)
  @Roles('office')
  @ApiOperation({ summary: '审核通过整改方案' })
  approvePlan(@ItemId() id: string, @Body() body: NoteDto, @CurrentActor() actor: Actor): Promise<RectificationView> {
    return this.step(id, actor, { type: 'approvePlan', ...withNote(body.note) });
  }

  @Post(':id/plan/return')
  @HttpCode(200)
  @Roles('office')
  @ApiOperation({ summary: '退回整改方案' })
  returnPlan(@ItemId() id: string, @Body() body: ReasonDto, @CurrentActor() actor: Actor): Promise<RectificationView> {
    return this.step(id, actor, { type: 'returnPlan', reason: body.reason });
  }

  @Post(':id/progress')
  @HttpCode(200)
  @ApiOperation({ summary: '报送整改进展（牵头单位）' })
  async reportProgress(@ItemId() id: string, @Body() body: ProgressReportDto, @CurrentActor() actor: Actor): Promise<RectificationView> {
    const evidence = await this.evidence.execute(id, body.attachmentIds);
    return this.step(id, actor, { type: 'reportProgress', summary: body.summary, evidence });
  }

  @Post(':id/parts')
  @HttpCode(200)
  @ApiOperation({ summary: '报送承担部分的整改情况（配合单位）' })
  async reportPart(@ItemId() id: string, @Body() body: ProgressReportDto, @CurrentActor() actor: Actor): Promise<RectificationView> {
    const evidence = await this.evidence.execute(id, body.attachmentIds);
    return this.step(id, actor, { type: 'reportPart', summary: body.summary, evidence });
  }

  @Post(':id/completion')
  @HttpCode(200)
  @ApiOperation({ summary: '报送整改完成情况及佐证材料' })
  async submitCompletion(@ItemId() id: string, @Body() body: ProgressReportDto, @CurrentActor() actor: Actor): Promise<RectificationView> {
    const evidence = await this.evidence.execute(id, body.attachmentIds);
    return this.step(id, actor, { type: 'submitCompletion', summary: body.summary, evidence });
  }

  @Post(':id/verify')
  @HttpCode(200)
  @ApiOperation({ summary: '初验通过（两级验收的初验单位）' })
  verify(@ItemId() id: string, @Body() body: NoteDto, @CurrentActor() actor: Actor): Promise<RectificationView> {
    return this.step(id, actor, { type: 'verify', ...withNote(body.note) });
  }

  @Post(':id/return')
  @HttpCode(200)
  @ApiOperation({ summary: '退回重新整改（初验单位或领导小组办公室）' })
  returnCompletion(@ItemId() id: string, @Body() body: ReasonDto, @CurrentActor() actor: Actor): Promise<RectificationView> {
    return this.step(id, actor, { type: 'returnCompletion', reason: body.reason });
  }

  @Post(':id/sign-off')
  @HttpCode(200)
  @Roles('office')
  @ApiOperation({ summary: '验收销号' })
  signOff(@ItemId() id: string, @Body() body: NoteDto, @CurrentActor() actor: Actor): Promise<RectificationView> {
    return this.step(id, actor, { type: 'signOff', ...withNote(body.note) });
  }

  @Post(':id/extension')
  @HttpCode(200)
  @ApiOperation({ summary: '申请延期' })
  requestExtension(@ItemId() id: string, @Body() body: ExtensionRequestDto, @CurrentActor() actor: Actor): Promise<RectificationView> {
    return this.step(id, actor, { type: 'requestExtension', reason: body.reason, newDueDate: body.newDueDate });
  }

  @Post(':id/extension/decision')
  @HttpCode(200)
  @Roles('office')
  @ApiOperation({ summary: '审批延期申请' })
  decideExtension(@ItemId() id: string, @Body() body: ExtensionDecisionDto, @CurrentActor() actor: Actor): Promise<RectificationView> {
    return this.step(id, actor, { type: 'decideExtension', approve: body.approve, ...withNote(body.note) });
  }

  @Post(':id/deferral')
  @HttpCode(200)
  @Roles('office')
  @ApiOperation({ summary: '暂缓整改并备案（说明原因、复核日期）' })
  defer(@ItemId() id: string, @Body() body: DeferralDto, @CurrentActor() actor: Actor): Promise<RectificationView> {
    return this.step(id, actor, { type: 'defer', reason: body.reason, reviewDate: body.reviewDate });
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Roles('office')
  @ApiOperation({ summary: '恢复整改' })
  resume(@ItemId() id: string, @Body() body: ResumeDto, @CurrentActor() actor: Actor): Promise<RectificationView> {
    return this.step(id, actor, { type: 'resume', ...withNote(body.note), ...(body.newDueDate ? { newDueDate: body.newDueDate } : {}) });
  }

  @Post(':id/merge')
  @HttpCode(200)
  @Roles('office')
  @ApiOperation({ summary: '将重复问题合并到另一问题' })
  merge(@ItemId() id: string, @Body() body: MergeDto, @CurrentActor() actor: Actor): Promise<RectificationView> {
    return this.step(id, actor, { type: 'merge', intoItemId: body.intoItemId, ...withNote(body.note) });
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @Roles('office', 'inspector')
  @ApiOperation({ summary: '重新打开已销号问题（整改不到位）' })
  reopen(@ItemId() id: string, @Body() body: ReopenDto, @CurrentActor() actor: Actor): Promise<RectificationView> {
    return this.step(id, actor, { type: 'reopen', reason: body.reason, newDueDate: body.newDueDate });
  }

  @Post(':id/escalation')
  @HttpCode(200)
  @Roles('office', 'leader')
  @ApiOperation({ summary: '处理督办升级：催办、约谈或延期' })
  handleEscalation(@ItemId() id: string, @Body() body: HandleEscalationDto, @CurrentActor() actor: Actor): Promise<RectificationView> {
    return this.step(id, actor, { type: 'handleEscalation', action: body.action, note: body.note, ...(body.newDueDate ? { newDueDate: body.newDueDate } : {}) });
  }

  @Post(':id/urge')
  @HttpCode(200)
  @Roles('office', 'leader')
  @ApiOperation({ summary: '催办：向牵头单位经办人和负责人发出催办（站内及单位推送渠道），记入办理痕迹并计次' })
  urge(@ItemId() id: string, @Body() body: UrgeDto, @CurrentActor() actor: Actor): Promise<RectificationView> {
    return this.step(id, actor, { type: 'urge', message: body.message });
  }

  private async step(id: string, actor: Actor, command: RectificationCommand): Promise<RectificationView> {
    return toView(await this.act.execute(id, command, actor), actor, this.clock.now());
  }
}
