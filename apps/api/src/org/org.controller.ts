import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Connection } from 'mongoose';
import { UNIT_KIND_LABELS, type UnitKind } from '@duban/domain';
import { UnitRepository } from '@duban/persistence';
import { Roles } from '../common/actor.decorator.js';
import { DATABASE } from '../infrastructure/tokens.js';

interface UnitView {
  id: string;
  name: string;
  kind: UnitKind;
  kindLabel: string;
  parentId: string | null;
  path: string[];
}

@ApiTags('org')
@ApiBearerAuth()
@Controller('org')
export class OrgController {
  private readonly units: UnitRepository;
  constructor(@Inject(DATABASE) database: Connection) {
    this.units = new UnitRepository(database);
  }

  @Get('units')
  @Roles('office', 'leader', 'unit', 'unit_leader', 'inspector', 'sysadmin') // not the auditor: the audit log only (三员分立)
  @ApiOperation({ summary: '单位列表（树按 path 排列）' })
  async list(): Promise<{ items: UnitView[] }> {
    const units = await this.units.list();
    return {
      items: units.map((u) => ({ id: u._id, name: u.name, kind: u.kind, kindLabel: UNIT_KIND_LABELS[u.kind], parentId: u.parentId, path: u.path })),
    };
  }
}
