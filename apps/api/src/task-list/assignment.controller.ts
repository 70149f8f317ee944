import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor, AssignmentCommand } from '@duban/domain';
import { CurrentActor, Roles } from '../common/actor.decorator.js';
import { ApiError } from '../common/api-error.js';
import { HandleEscalationDto, NoteDto, ReasonDto, UrgeDto } from '../rectification/dtos/steps.dto.js';
import { EscalationQueryDto } from '../rectification/escalation.controller.js';
import { CLOCK, type Clock } from '../infrastructure/tokens.js';
import { Assignments } from './assignments.usecases.js';
import { AssignmentQueryDto, SplitDto, SummaryDto, ValueDto } from './dtos/assignment.dto.js';
import { assignmentStateOf, toAssignmentView, type AssignmentView } from './views.js';

const ID_PATTERN = /^(TL-\d{4}-\d{2}|CP-[0-9a-f]{8})\.[A-Za-z0-9_-]{1,120}\.[A-Za-z0-9_-]{1,100}$/;
const AssignmentId = () =>
  Param('id', {
    transform: (value: string) => {
      if (!ID_PATTERN.test(value)) throw ApiError.notFound('任务');
      return value;
    },
  });
const withNote = (note: string | undefined) => (note === undefined ? {} : { note });

/** One unit's share of a monthly key task: sign, split to people, report, submit, countersign, accept. */
@ApiTags('assignments')
@ApiBearerAuth()
@Roles('office', 'leader', 'unit', 'unit_leader')
@Controller('assignments')
export class AssignmentController {
  constructor(
    @Inject(Assignments) private readonly assignments: Assignments,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({ summary: '重点任务待办：本单位的任务（mine=true 为分解给我的子任务），按办理时限排序' })
  async list(@Query() query: AssignmentQueryDto, @CurrentActor() actor: Actor): Promise<{ items: AssignmentView[]; nextCursor: string | null }> {
    const { records, nextCursor } = await this.assignments.list(query, actor);
    const now = this.clock.now();
    return { items: records.map((r) => toAssignmentView(assignmentStateOf(r), actor, now)), nextCursor };
  }

  @Get('escalations')
  @Roles('office', 'leader')
  @ApiOperation({ summary: '重点任务督办升级队列：超期升级、待处理（催办、约谈、延期）的任务，等待最久的在前' })
  async escalations(@Query() query: EscalationQueryDto, @CurrentActor() actor: Actor): Promise<{ items: AssignmentView[]; nextCursor: string | null }> {
    const { records, nextCursor } = await this.assignments.escalated(query);
    const now = this.clock.now();
    return { items: records.map((r) => toAssignmentView(assignmentStateOf(r), actor, now)), nextCursor };
  }

  @Get(':id')
  @ApiOperation({ summary: '任务详情（含子任务、督办单、办理轨迹与当前可执行操作）' })
  async get(@AssignmentId() id: string, @CurrentActor() actor: Actor): Promise<AssignmentView> {
    return toAssignmentView(assignmentStateOf(await this.assignments.findVisible(id, actor)), actor, this.clock.now());
  }

  @Post(':id/sign')
  @HttpCode(200)
  @ApiOperation({ summary: '签收' })
  sign(@AssignmentId() id: string, @CurrentActor() actor: Actor): Promise<AssignmentView> {
    return this.step(id, actor, { type: 'sign' });
  }

  @Post(':id/split')
  @HttpCode(200)
  @ApiOperation({ summary: '分解到人（倒排工期：子任务时限不晚于本单位时限）' })
  async split(@AssignmentId() id: string, @Body() body: SplitDto, @CurrentActor() actor: Actor): Promise<AssignmentView> {
    return this.step(id, actor, await this.assignments.parts(id, body.parts, actor));
  }

  @Post(':id/parts/:partId/complete')
  @HttpCode(200)
  @ApiOperation({ summary: '完成子任务（子任务责任人或单位负责人）' })
  completePart(
    @AssignmentId() id: string,
    @Param('partId') partId: string,
    @Body() body: SummaryDto,
    @CurrentActor() actor: Actor,
  ): Promise<AssignmentView> {
    return this.step(id, actor, { type: 'completePart', partId, summary: body.summary });
  }

  @Post(':id/value')
  @HttpCode(200)
  @ApiOperation({ summary: '报送量化任务的当前完成值' })
  reportValue(@AssignmentId() id: string, @Body() body: ValueDto, @CurrentActor() actor: Actor): Promise<AssignmentView> {
    return this.step(id, actor, { type: 'reportValue', value: body.value, ...withNote(body.note) });
  }

  @Post(':id/submit')
  @HttpCode(200)
  @ApiOperation({ summary: '报送办结（子任务须全部完成）' })
  submit(@AssignmentId() id: string, @Body() body: SummaryDto, @CurrentActor() actor: Actor): Promise<AssignmentView> {
    return this.step(id, actor, { type: 'submit', summary: body.summary });
  }

  @Post(':id/countersign')
  @HttpCode(200)
  @ApiOperation({ summary: '单位领导审签' })
  countersign(@AssignmentId() id: string, @Body() body: NoteDto, @CurrentActor() actor: Actor): Promise<AssignmentView> {
    return this.step(id, actor, { type: 'countersign', ...withNote(body.note) });
  }

  @Post(':id/return')
  @HttpCode(200)
  @ApiOperation({ summary: '退回重新办理（单位负责人或领导小组办公室）' })
  returnSubmission(@AssignmentId() id: string, @Body() body: ReasonDto, @CurrentActor() actor: Actor): Promise<AssignmentView> {
    return this.step(id, actor, { type: 'returnSubmission', reason: body.reason });
  }

  @Post(':id/sign-off')
  @HttpCode(200)
  @Roles('office')
  @ApiOperation({ summary: '验收办结' })
  signOff(@AssignmentId() id: string, @Body() body: NoteDto, @CurrentActor() actor: Actor): Promise<AssignmentView> {
    return this.step(id, actor, { type: 'signOff', ...withNote(body.note) });
  }

  @Post(':id/escalation')
  @HttpCode(200)
  @Roles('office', 'leader')
  @ApiOperation({ summary: '处理督办升级：催办、约谈或延期' })
  handleEscalation(@AssignmentId() id: string, @Body() body: HandleEscalationDto, @CurrentActor() actor: Actor): Promise<AssignmentView> {
    return this.step(id, actor, { type: 'handleEscalation', action: body.action, note: body.note, ...(body.newDueDate ? { newDueDate: body.newDueDate } : {}) });
  }

  @Post(':id/urge')
  @HttpCode(200)
  @Roles('office', 'leader')
  @ApiOperation({ summary: '催办：向责任单位经办人和负责人发出催办（站内及单位推送渠道），记入办理痕迹并计次' })
  urge(@AssignmentId() id: string, @Body() body: UrgeDto, @CurrentActor() actor: Actor): Promise<AssignmentView> {
    return this.step(id, actor, { type: 'urge', message: body.message });
  }

  private async step(id: string, actor: Actor, command: AssignmentCommand): Promise<AssignmentView> {
    return toAssignmentView(await this.assignments.act(id, command, actor), actor, this.clock.now());
  }
}
