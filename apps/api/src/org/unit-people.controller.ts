import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Connection } from 'mongoose';
import { hasRole, type Actor } from '@duban/domain';
import { UnitRepository, UserRepository } from '@duban/persistence';
import { ApiError } from '../common/api-error.js';
import { CurrentActor, Roles } from '../common/actor.decorator.js';
import { DATABASE } from '../infrastructure/tokens.js';

/** A person a unit can hand part of its work to: no username, no roles beyond whether they lead the unit. */
export interface PersonView {
  id: string;
  name: string;
  unitLeader: boolean;
}

/** The unit's own staff, for splitting its work to people (分解到人). */
@ApiTags('org')
@ApiBearerAuth()
@Roles('office', 'leader', 'unit', 'unit_leader')
@Controller('org/units/:unitId/people')
export class UnitPeopleController {
  private readonly units: UnitRepository;
  private readonly users: UserRepository;
  constructor(@Inject(DATABASE) database: Connection) {
    this.units = new UnitRepository(database);
    this.users = new UserRepository(database);
  }

  @Get()
  @ApiOperation({ summary: '本单位在岗人员（分解到人时选择责任人）：本单位人员和领导小组办公室可查看' })
  async list(@Param('unitId') unitId: string, @CurrentActor() actor: Actor): Promise<{ items: PersonView[] }> {
    // Another unit's staff answer like a unit that does not exist, so units cannot be probed.
    if (actor.unitId !== unitId && !hasRole(actor, 'office')) throw ApiError.notFound('单位');
    if ((await this.units.findMany([unitId])).length === 0) throw ApiError.notFound('单位');
    const people = await this.users.listActiveInUnit(unitId, ['unit', 'unit_leader']);
    return {
      items: people
        .map((p) => ({ id: p._id, name: p.name, unitLeader: p.roles.includes('unit_leader') }))
        .sort((a, b) => Number(b.unitLeader) - Number(a.unitLeader) || a.name.localeCompare(b.name, 'zh-CN')),
    };
  }
}
