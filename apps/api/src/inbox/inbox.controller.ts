import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Connection } from 'mongoose';
import { hasRole, isWithin, LIGHT_LABELS, light, NOTICE_LABELS, shanghaiDate, STATUS_LABELS, STATUSES, type Actor, type Light, type NoticeColour, type Status } from '@duban/domain';
import { RectificationReadModel, UnitRepository, positionOf } from '@duban/persistence';
import { ApiError } from '../common/api-error.js';
import { decodeListCursor, encodeListCursor } from '../common/list-cursor.js';
import { CurrentActor, Roles } from '../common/actor.decorator.js';
import { CLOCK, DATABASE, type Clock } from '../infrastructure/tokens.js';
import { InboxQueryDto } from './dtos/inbox-query.dto.js';

export interface InboxRow {
  id: string;
  title: string;
  leadUnitId: string;
  status: Status;
  statusLabel: string;
  dueAt: string;
  dueDate: string;
  light: Light | null;
  lightLabel: string | null;
  /** Three-colour notices issued on the item, oldest first. */
  notices: { colour: NoticeColour; label: string; number: string | null; issuedAt: string }[];
  escalationLevel: 0 | 1 | 2;
  /** A step waits for the caller's unit or the office: e.g. an extension request to decide. */
  extensionRequested: boolean;
}

const OUT_OF_SCOPE = Symbol('outside the caller\'s subtree');

@ApiTags('inbox')
@ApiBearerAuth()
@Controller('inbox')
export class InboxController {
  private readonly items: RectificationReadModel;
  private readonly units: UnitRepository;
  constructor(
    @Inject(DATABASE) database: Connection,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.items = new RectificationReadModel(database);
    this.units = new UnitRepository(database);
  }

  @Get()
  @Roles('office', 'leader', 'unit', 'unit_leader')
  @ApiOperation({ summary: '待办：本单位（含下级单位）未办结的整改问题，按整改时限排序' })
  async list(@Query() query: InboxQueryDto, @CurrentActor() actor: Actor): Promise<{ items: InboxRow[]; nextCursor: string | null }> {
    const now = this.clock.now();
    const limit = query.limit ?? 20;
    const scope = await this.scopeFor(actor, query.unitId);
    if (scope === OUT_OF_SCOPE) return { items: [], nextCursor: null };
    const records = await this.items.inbox({
      unitId: scope,
      ...(query.status ? { statuses: [query.status] } : query.mine === 'true' ? { statuses: STATUSES } : {}),
      ...(query.mine === 'true' ? { registeredBy: actor.userId } : {}),
      ...(query.light ? { light: query.light } : {}),
      ...(query.cursor ? { after: decodeListCursor(query.cursor) } : {}),
      now,
      limit,
    });
    const last = records.at(-1);
    return {
      items: records.map((r) => {
        const current = light(r, now);
        return {
          id: r.id,
          title: r.title,
          leadUnitId: r.leadUnitId,
          status: r.status,
          statusLabel: STATUS_LABELS[r.status],
          dueAt: r.dueAt,
          dueDate: shanghaiDate(r.dueAt),
          light: current,
          lightLabel: current ? LIGHT_LABELS[current] : null,
          notices: r.notices.map((n) => ({ colour: n.colour, label: NOTICE_LABELS[n.colour], number: n.number, issuedAt: n.issuedAt })),
          escalationLevel: r.escalation.level,
          extensionRequested: r.extension !== null,
        };
      }),
      nextCursor: records.length === limit && last ? encodeListCursor(positionOf(last)) : null,
    };
  }

  /**
   * Office and leader see all units (or the one they filter by); everyone else sees their own unit's subtree, or the
   * subtree of a unit within it they filter by. A unit outside it, known or not, is answered with nothing.
   */
  private async scopeFor(actor: Actor, requested: string | undefined): Promise<string | undefined | typeof OUT_OF_SCOPE> {
    if (hasRole(actor, 'office', 'leader')) return requested;
    if (!hasRole(actor, 'unit', 'unit_leader')) throw ApiError.notFound('待办');
    if (requested === undefined || requested === actor.unitId) return actor.unitId;
    const unit = await this.units.findById(requested);
    return unit && isWithin(unit.path, actor.unitId) ? requested : OUT_OF_SCOPE;
  }
}
