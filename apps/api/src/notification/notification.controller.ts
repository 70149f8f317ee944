import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Connection } from 'mongoose';
import type { NotificationLevel } from '@duban/contracts';
import type { Actor } from '@duban/domain';
import { NotificationRepository, type NotificationRecord } from '@duban/persistence';
import { ApiError } from '../common/api-error.js';
import { CurrentActor } from '../common/actor.decorator.js';
import { decodeCursor, encodeCursor, isInstant } from '../common/paging.js';
import { CLOCK, DATABASE, type Clock } from '../infrastructure/tokens.js';
import { NotificationQueryDto } from './dtos/notification-query.dto.js';

export interface NotificationView {
  id: string;
  level: NotificationLevel;
  title: string;
  body: string;
  unitId: string;
  subject: { kind: string; id: string };
  createdAt: string;
  readAt: string | null;
}

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationController {
  private readonly notifications: NotificationRepository;
  constructor(
    @Inject(DATABASE) database: Connection,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.notifications = new NotificationRepository(database);
  }

  @Get()
  @ApiOperation({ summary: '我的站内通知，最新的在前' })
  async list(
    @Query() query: NotificationQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<{ items: NotificationView[]; nextCursor: string | null; unreadCount: number }> {
    const limit = query.limit ?? 20;
    const [records, unreadCount] = await Promise.all([
      this.notifications.listForUser({
        userId: actor.userId,
        unreadOnly: query.unread === 'true',
        limit,
        ...(query.cursor ? { after: afterRow(query.cursor) } : {}),
      }),
      this.notifications.countUnread(actor.userId),
    ]);
    const last = records.at(-1);
    return {
      items: records.map(toView),
      nextCursor: records.length === limit && last ? encodeCursor([last.createdAt.toISOString(), last._id]) : null,
      unreadCount,
    };
  }

  @Post('read-all')
  @HttpCode(200)
  @ApiOperation({ summary: '将我的全部通知标记为已读' })
  async markAllRead(@CurrentActor() actor: Actor): Promise<{ marked: number; unreadCount: number }> {
    const marked = await this.notifications.markAllRead(actor.userId, this.clock.now());
    return { marked, unreadCount: await this.notifications.countUnread(actor.userId) };
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: '标记通知为已读' })
  async markRead(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<NotificationView> {
    const record = await this.notifications.markRead(actor.userId, id, this.clock.now());
    if (!record) throw ApiError.notFound('通知');
    return toView(record);
  }
}

function toView(record: NotificationRecord): NotificationView {
  return {
    id: record._id,
    level: record.level,
    title: record.title,
    body: record.body,
    unitId: record.unitId,
    subject: { kind: record.subject.kind, id: record.subject.id },
    createdAt: record.createdAt.toISOString(),
    readAt: record.readAt ? record.readAt.toISOString() : null,
  };
}

function afterRow(cursor: string): { createdAt: Date; id: string } {
  const [createdAt, id] = decodeCursor(cursor, 2, ([c]) => isInstant(c!));
  return { createdAt: new Date(createdAt!), id: id! };
}
