import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ROLES, type Role } from '@duban/domain';
import { UNIT_ID_PATTERN } from '../../rectification/dtos/register-rectification.dto.js';
import { PageQueryDto } from '../../common/paging.js';

/** The same rule as org files (apps/api/src/org/org-file.ts). */
export const USERNAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export class CreateUserDto {
  @ApiProperty({ description: '登录名：字母、数字、.、-、_', example: 'water-2' })
  @IsString()
  @Matches(USERNAME_PATTERN, { message: 'username 须为 1–64 位字母、数字、.、-、_' })
  username!: string;

  @ApiProperty({ description: '姓名', example: '县水利局经办人' })
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'name 不能为空白' })
  name!: string;

  @ApiProperty({ description: '所属单位 id', example: 'water' })
  @IsString()
  @Matches(UNIT_ID_PATTERN, { message: 'unitId 须为小写字母、数字、-、_' })
  unitId!: string;

  @ApiProperty({ enum: ROLES, isArray: true, description: '角色；系统管理员、审计管理员不能兼任其他角色（三员分立）', example: ['unit'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles!: Role[];
}

export class UpdateUserDto {
  @ApiPropertyOptional({ description: '姓名' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'name 不能为空白' })
  name?: string;

  @ApiPropertyOptional({ description: '所属单位 id' })
  @IsOptional()
  @IsString()
  @Matches(UNIT_ID_PATTERN, { message: 'unitId 须为小写字母、数字、-、_' })
  unitId?: string;

  @ApiPropertyOptional({ enum: ROLES, isArray: true, description: '角色；系统管理员、审计管理员不能兼任其他角色（三员分立）' })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles?: Role[];
}

export class UserListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: '只看这个单位的用户' })
  @IsOptional()
  @IsString()
  @Matches(UNIT_ID_PATTERN)
  unitId?: string;

  @ApiPropertyOptional({ enum: ROLES, description: '只看持有这个角色的用户' })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ description: '按姓名或登录名的一部分查找（不区分大小写）', maxLength: 50 })
  @IsOptional()
  @IsString()
  @Length(1, 50, { message: 'q 须为 1–50 个字符' })
  q?: string;
}
