import { Body, Controller, Inject, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HttpStatus } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { UNIT_KIND_LABELS, type UnitKind } from '@duban/domain';
import { UnitRepository, type UnitRecord } from '@duban/persistence';
import { ApiError } from '../common/api-error.js';
import { Roles } from '../common/actor.decorator.js';
import { NoStore } from '../auth/no-store.js';
import { CLOCK, DATABASE, type Clock } from '../infrastructure/tokens.js';
import { checkOrgFile, loadOrg, OrgFileError, type OrgLoadResult } from '../org/org-file.js';
import { RenameUnitDto, CreateUnitDto } from './dtos/unit.dto.js';
import { roleCombinationProblem } from './role-rules.js';

/** As GET /api/org/units shows a unit. */
export interface UnitView {
  id: string;
  name: string;
  kind: UnitKind;
  kindLabel: string;
  parentId: string | null;
  path: string[];
}

/** The sysadmin's side of the org tree: import an org file, add and rename units (moving units is not supported). */
@ApiTags('org')
@ApiBearerAuth()
@Roles('sysadmin')
@Controller('org')
export class OrgAdminController {
  private readonly units: UnitRepository;
  constructor(
    @Inject(DATABASE) private readonly database: Connection,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.units = new UnitRepository(database);
  }

  @Post('import')
  @Roles('sysadmin')
  @NoStore()
  @ApiOperation({
    summary:
      '导入组织架构文件（JSON，结构同 tools/demo/org/example-county.yaml）：新建或更新单位和用户，返回为新用户生成的初始密码（只显示这一次）；' +
      '密码须符合密码规则；已停用的用户保持停用；密码、单位或角色变更的用户其登录会话失效',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['units'],
      properties: {
        units: {
          type: 'array',
          items: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, kind: { type: 'string' }, parent: { type: 'string', nullable: true } } },
        },
        users: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              username: { type: 'string' },
              name: { type: 'string' },
              unit: { type: 'string' },
              roles: { type: 'array', items: { type: 'string' } },
              password: { type: 'string', description: '不填则生成初始密码；填写时须符合密码规则（至少 8 位，含大写字母、小写字母、数字、符号中的至少三类，不含用户名）' },
            },
          },
        },
      },
    },
  })
  async importOrg(@Body() body: unknown): Promise<OrgLoadResult> {
    const unknown = unknownFields(body);
    if (unknown.length > 0) {
      const message = `不是组织架构文件的字段：${unknown.join('、')}`;
      throw new ApiError(HttpStatus.BAD_REQUEST, 'invalid_input', message, { fields: unknown.map((field) => ({ field, problems: [message] })) });
    }
    try {
      const file = checkOrgFile(body);
      (file.users ?? []).forEach((user, i) => {
        const problem = roleCombinationProblem(user.roles);
        if (problem) throw new OrgFileError(`users[${i}].roles: ${problem}`);
      });
      return await loadOrg(this.database, file, this.clock.now());
    } catch (error) {
      if (error instanceof OrgFileError) throw orgFileInput(error);
      throw error;
    }
  }

  @Post('units')
  @Roles('sysadmin')
  @ApiOperation({ summary: '新建单位' })
  async createUnit(@Body() body: CreateUnitDto): Promise<UnitView> {
    const parentId = body.parentId ?? null;
    const parent = parentId === null ? null : await this.units.findById(parentId);
    if (parentId !== null && !parent) throw ApiError.badInput('parentId', `parentId: 上级单位 ${parentId} 不存在`);
    const unit: UnitRecord = { _id: body.id, name: body.name.trim(), kind: body.kind, parentId, path: [...(parent?.path ?? []), body.id] };
    if (!(await this.units.insert(unit))) {
      const message = `id: 单位 ${body.id} 已存在`;
      throw new ApiError(HttpStatus.CONFLICT, 'conflict', message, { fields: [{ field: 'id', problems: [message] }] });
    }
    return toView(unit);
  }

  @Patch('units/:id')
  @Roles('sysadmin')
  @ApiOperation({ summary: '修改单位名称（单位 id、类别和上级不变）' })
  async renameUnit(@Param('id') id: string, @Body() body: RenameUnitDto): Promise<UnitView> {
    const unit = await this.units.rename(id, body.name.trim());
    if (!unit) throw ApiError.notFound('单位');
    return toView(unit);
  }
}

const FILE_FIELDS = ['units', 'users'];
const UNIT_FIELDS = ['id', 'name', 'kind', 'parent'];
const USER_FIELDS = ['username', 'name', 'unit', 'roles', 'password'];

/** Fields an org file does not have, e.g. `users[0].passwordHash`: refused like every other body's unknown fields, not dropped. */
function unknownFields(body: unknown): string[] {
  if (!isPlainObject(body)) return [];
  const extra = (value: unknown, known: string[], prefix: string) =>
    isPlainObject(value) ? Object.keys(value).filter((key) => !known.includes(key)).map((key) => `${prefix}${key}`) : [];
  const entries = (list: unknown, known: string[], name: string) =>
    Array.isArray(list) ? list.flatMap((entry, i) => extra(entry, known, `${name}[${i}].`)) : [];
  return [...extra(body, FILE_FIELDS, ''), ...entries(body.units, UNIT_FIELDS, 'units'), ...entries(body.users, USER_FIELDS, 'users')];
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** OrgFileError messages start with the entry they name, e.g. `users[2].unit: 未知单位 x`. */
function orgFileInput(error: OrgFileError): ApiError {
  const field = error.message.split(':')[0] ?? 'units';
  return new ApiError(HttpStatus.BAD_REQUEST, 'invalid_input', error.message, { fields: [{ field, problems: [error.message] }] });
}

function toView(unit: UnitRecord): UnitView {
  return { id: unit._id, name: unit.name, kind: unit.kind, kindLabel: UNIT_KIND_LABELS[unit.kind], parentId: unit.parentId, path: unit.path };
}
