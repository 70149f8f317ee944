import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@duban/domain';
import { NoStore } from '../auth/no-store.js';
import { CurrentActor, Roles } from '../common/actor.decorator.js';
import { CreateUserDto, UpdateUserDto, UserListQueryDto } from './dtos/user.dto.js';
import { UserAdministration, type UserView, type UserWithPassword } from './user-administration.service.js';

const UserId = () => Param('id', new ParseUUIDPipe({ version: '4' }));

/** User management for the sysadmin only (三员分立): accounts, units and roles, never business data. */
@ApiTags('users')
@ApiBearerAuth()
@Roles('sysadmin')
@Controller('users')
export class UsersController {
  constructor(@Inject(UserAdministration) private readonly users: UserAdministration) {}

  @Get()
  @Roles('sysadmin')
  @ApiOperation({ summary: '用户列表（按登录名排序，可按单位、角色筛选，分页）' })
  list(@Query() query: UserListQueryDto): Promise<{ items: UserView[]; nextCursor: string | null }> {
    return this.users.list(query);
  }

  @Get(':id')
  @Roles('sysadmin')
  @ApiOperation({ summary: '用户详情' })
  get(@UserId() id: string): Promise<UserView> {
    return this.users.get(id);
  }

  @Post()
  @Roles('sysadmin')
  @NoStore()
  @ApiOperation({ summary: '新建用户：返回生成的初始密码（只显示这一次，首次登录须修改）' })
  create(@Body() body: CreateUserDto): Promise<UserWithPassword> {
    return this.users.create(body);
  }

  @Patch(':id')
  @Roles('sysadmin')
  @ApiOperation({ summary: '修改用户姓名、所属单位、角色（单位或角色变更后其登录会话失效）' })
  update(@UserId() id: string, @Body() body: UpdateUserDto, @CurrentActor() actor: Actor): Promise<UserView> {
    return this.users.update(id, body, actor);
  }

  @Post(':id/disable')
  @Roles('sysadmin')
  @HttpCode(200)
  @ApiOperation({ summary: '停用用户：不能再登录，已有会话立即失效；不能停用自己' })
  disable(@UserId() id: string, @CurrentActor() actor: Actor): Promise<UserView> {
    return this.users.disable(id, actor);
  }

  @Post(':id/enable')
  @Roles('sysadmin')
  @HttpCode(200)
  @ApiOperation({ summary: '启用用户' })
  enable(@UserId() id: string): Promise<UserView> {
    return this.users.enable(id);
  }

  @Post(':id/reset-password')
  @Roles('sysadmin')
  @HttpCode(200)
  @NoStore()
  @ApiOperation({ summary: '重置他人密码：返回新生成的密码（只显示这一次，登录后须修改），已有会话立即失效；自己的密码请用 POST /api/auth/password' })
  resetPassword(@UserId() id: string, @CurrentActor() actor: Actor): Promise<UserWithPassword> {
    return this.users.resetPassword(id, actor);
  }
}
