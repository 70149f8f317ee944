import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import type { Connection } from 'mongoose';
import { LIGHT_LABELS, light, shanghaiDate, STATUS_LABELS, type Actor } from '@duban/domain';
import { EscalationQueue } from '@duban/persistence';
import { decodeCursor, encodeCursor, isInstant, PageQueryDto } from '../common/paging.js';
import { CurrentActor, Roles } from '../common/actor.decorator.js';
import { CLOCK, DATABASE, type Clock } from '../infrastructure/tokens.js';
import { UNIT_ID_PATTERN } from './dtos/register-rectification.dto.js';
import { stateOf } from './rectification-view.js';

export class EscalationQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: [1, 2], default: 1, description: '升级级别：1 领导小组办公室，2 分管领导' })
  @IsOptional()
  @Type(() => Number)
  @IsIn([1, 2])
  level?: 1 | 2;

  @ApiPropertyOptional({ description: '单位 id' })
  @IsOptional()
  @IsString()
  @Matches(UNIT_ID_PATTERN)
  unitId?: string;
}

/** The escalation queue (督办升级): overdue items that wait for the office (level 1) or the leader (level 2). */
@ApiTags('rectifications')
@ApiBearerAuth()
@Controller('escalations')
export class EscalationController {
  private readonly queue: EscalationQueue;
  constructor(
    @Inject(DATABASE) database: Connection,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.queue = new EscalationQueue(database);
  }

  @Get()
  @Roles('office', 'leader')
  @ApiOperation({ summary: '督办升级队列：超期升级、待处理（催办、约谈、延期）的整改问题' })
  async list(@Query() query: EscalationQueryDto, @CurrentActor() _actor: Actor) {
    const now = this.clock.now();
    const limit = query.limit ?? 20;
    const records = await this.queue.list({
      level: query.level ?? 1,
      ...(query.unitId ? { unitId: query.unitId } : {}),
      ...(query.cursor ? { after: afterRow(query.cursor) } : {}),
      limit,
    });
    const last = records.at(-1);
    return {
      items: records.map((record) => {
        const state = stateOf(record);
        const current = light(state, now);
        return {
          id: state.id,
          title: state.title,
          leadUnitId: state.leadUnitId,
          status: state.status,
          statusLabel: STATUS_LABELS[state.status],
          dueDate: shanghaiDate(state.dueAt),
          light: current,
          lightLabel: current ? LIGHT_LABELS[current] : null,
          escalation: state.escalation,
          overdueDays: Math.max(0, Math.floor((now.getTime() - Date.parse(state.dueAt)) / 86_400_000)),
        };
      }),
      nextCursor: records.length === limit && last?.escalation.since ? encodeCursor([last.escalation.since, last._id]) : null,
    };
  }
}

function afterRow(cursor: string): { since: string; id: string } {
  const [since, id] = decodeCursor(cursor, 2, ([s]) => isInstant(s!));
  return { since: since!, id: id! };
}
