import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@duban/domain';
import { CurrentActor, Roles } from '../common/actor.decorator.js';
import { CLOCK, type Clock } from '../infrastructure/tokens.js';
import { RegisterRectificationDto } from './dtos/register-rectification.dto.js';
import { ReturnCompletionDto, SignOffDto, SubmitCompletionDto } from './dtos/steps.dto.js';
import { stateOf, toView, type RectificationView } from './rectification-view.js';
import { ActOnRectification } from './usecases/act-on-rectification.usecase.js';
import { FindVisibleRectification } from './usecases/find-visible-rectification.usecase.js';
import { RegisterRectification } from './usecases/register-rectification.usecase.js';

const ItemId = () => Param('id', new ParseUUIDPipe({ version: '4' }));

@ApiTags('rectifications')
@ApiBearerAuth()
@Controller('rectifications')
export class RectificationController {
  constructor(
    @Inject(RegisterRectification) private readonly registerItem: RegisterRectification,
    @Inject(ActOnRectification) private readonly act: ActOnRectification,
    @Inject(FindVisibleRectification) private readonly findVisible: FindVisibleRectification,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @Roles('office')
  @ApiOperation({ summary: '登记并交办整改问题' })
  async register(@Body() body: RegisterRectificationDto, @CurrentActor() actor: Actor): Promise<RectificationView> {
    return toView(await this.registerItem.execute(body, actor), actor, this.clock.now());
  }

  @Get(':id')
  @ApiOperation({ summary: '整改问题详情（含办理轨迹与可执行操作）' })
  async get(@ItemId() id: string, @CurrentActor() actor: Actor): Promise<RectificationView> {
    return toView(stateOf(await this.findVisible.execute(id, actor)), actor, this.clock.now());
  }

  @Post(':id/sign')
  @HttpCode(200)
  @ApiOperation({ summary: '签收' })
  async sign(@ItemId() id: string, @CurrentActor() actor: Actor): Promise<RectificationView> {
    return toView(await this.act.execute(id, { type: 'sign' }, actor), actor, this.clock.now());
  }

  @Post(':id/completion')
  @HttpCode(200)
  @ApiOperation({ summary: '报送整改完成情况' })
  async submitCompletion(@ItemId() id: string, @Body() body: SubmitCompletionDto, @CurrentActor() actor: Actor): Promise<RectificationView> {
    return toView(await this.act.execute(id, { type: 'submitCompletion', summary: body.summary }, actor), actor, this.clock.now());
  }

  @Post(':id/return')
  @HttpCode(200)
  @Roles('office')
  @ApiOperation({ summary: '退回重新整改' })
  async returnCompletion(@ItemId() id: string, @Body() body: ReturnCompletionDto, @CurrentActor() actor: Actor): Promise<RectificationView> {
    return toView(await this.act.execute(id, { type: 'returnCompletion', reason: body.reason }, actor), actor, this.clock.now());
  }

  @Post(':id/sign-off')
  @HttpCode(200)
  @Roles('office')
  @ApiOperation({ summary: '验收销号' })
  async signOff(@ItemId() id: string, @Body() body: SignOffDto, @CurrentActor() actor: Actor): Promise<RectificationView> {
    const command = body.note === undefined ? { type: 'signOff' as const } : { type: 'signOff' as const, note: body.note };
    return toView(await this.act.execute(id, command, actor), actor, this.clock.now());
  }
}
