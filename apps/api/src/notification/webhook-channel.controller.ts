import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { WebhookTargets } from '@duban/webhooks';
import { mayManageWebhookChannels, type Actor } from '@duban/domain';
import { UnitRepository, WEBHOOK_KIND_LABELS, WebhookChannelRepository, type WebhookChannelRecord, type WebhookKind } from '@duban/persistence';
import { ApiError } from '../common/api-error.js';
import { CurrentActor, Roles } from '../common/actor.decorator.js';
import { CLOCK, DATABASE, type Clock } from '../infrastructure/tokens.js';
import { CreateWebhookChannelDto } from './dtos/create-webhook-channel.dto.js';

/** A channel as the API shows it: the signing secret never leaves the server, only whether one is set. */
export interface WebhookChannelView {
  id: string;
  unitId: string;
  kind: WebhookKind;
  kindLabel: string;
  name: string;
  url: string;
  enabled: boolean;
  hasSecret: boolean;
  createdAt: string;
}

@ApiTags('notifications')
@ApiBearerAuth()
// Not the sysadmin: the notices a channel carries are business data (三员分立); see mayManageWebhookChannels.
@Roles('office', 'unit_leader')
@Controller('org/units/:unitId/webhooks')
export class WebhookChannelController {
  private readonly units: UnitRepository;
  private readonly channels: WebhookChannelRepository;
  constructor(
    @Inject(DATABASE) database: Connection,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(WebhookTargets) private readonly targets: WebhookTargets,
  ) {
    this.units = new UnitRepository(database);
    this.channels = new WebhookChannelRepository(database);
  }

  @Get()
  @ApiOperation({ summary: '单位的消息推送渠道（钉钉、企业微信机器人，通用 JSON 回调）' })
  async list(@CurrentActor() actor: Actor, @Param('unitId') unitId: string): Promise<{ items: WebhookChannelView[] }> {
    await this.manageableUnit(actor, unitId);
    return { items: (await this.channels.listForUnit(unitId)).map(toView) };
  }

  @Post()
  @ApiOperation({ summary: '为单位添加消息推送渠道' })
  async create(@CurrentActor() actor: Actor, @Param('unitId') unitId: string, @Body() body: CreateWebhookChannelDto): Promise<WebhookChannelView> {
    await this.manageableUnit(actor, unitId);
    if (body.secret !== undefined && body.kind !== 'dingtalk') throw ApiError.badInput('secret', 'secret: 只有钉钉机器人支持加签密钥');
    // A name that does not resolve yet is kept: every delivery checks the address again before it connects.
    const checked = await this.targets.check(body.url);
    if (!checked.ok && !checked.unresolved) throw ApiError.badInput('url', checked.problem);
    const channel = await this.channels.create({
      _id: randomUUID(),
      unitId,
      kind: body.kind,
      name: body.name.trim(),
      url: body.url,
      secret: body.secret ?? null,
      enabled: body.enabled ?? true,
      createdAt: this.clock.now(),
    });
    return toView(channel);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: '删除消息推送渠道' })
  async remove(
    @CurrentActor() actor: Actor,
    @Param('unitId') unitId: string,
    @Param('id', new ParseUUIDPipe({ version: '4' })) id: string,
  ): Promise<void> {
    await this.manageableUnit(actor, unitId);
    if (!(await this.channels.delete(unitId, id))) throw ApiError.notFound('推送渠道');
  }

  /** The unit exists (the unit tree is no secret) and the caller may configure its channels. */
  private async manageableUnit(actor: Actor, unitId: string): Promise<void> {
    if (!(await this.units.findById(unitId))) throw ApiError.notFound('单位');
    if (!mayManageWebhookChannels(actor, unitId)) throw new ApiError(HttpStatus.FORBIDDEN, 'forbidden', '单位负责人只能配置本单位的消息推送渠道');
  }
}

function toView(channel: WebhookChannelRecord): WebhookChannelView {
  return {
    id: channel._id,
    unitId: channel.unitId,
    kind: channel.kind,
    kindLabel: WEBHOOK_KIND_LABELS[channel.kind],
    name: channel.name,
    url: channel.url,
    enabled: channel.enabled,
    hasSecret: channel.secret !== null,
    createdAt: channel.createdAt.toISOString(),
  };
}
