import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { UNIT_KINDS, type UnitKind } from '@duban/domain';
import { UNIT_ID_PATTERN } from '../../rectification/dtos/register-rectification.dto.js';

export class CreateUnitDto {
  @ApiProperty({ description: '单位 id：小写字母、数字、-、_（创建后不可更改）', example: 'ehu-v3' })
  @IsString()
  @Matches(UNIT_ID_PATTERN, { message: 'id 须为小写字母、数字、-、_' })
  id!: string;

  @ApiProperty({ description: '单位名称', example: '鹅湖镇第三村' })
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'name 不能为空白' })
  name!: string;

  @ApiProperty({ enum: UNIT_KINDS, description: '单位类别' })
  @IsIn(UNIT_KINDS)
  kind!: UnitKind;

  @ApiPropertyOptional({ type: String, nullable: true, description: '上级单位 id；不填或 null 为顶级单位', example: 'ehu' })
  @ValidateIf((_object, value) => value !== undefined && value !== null)
  @IsString()
  @Matches(UNIT_ID_PATTERN, { message: 'parentId 须为小写字母、数字、-、_' })
  parentId?: string | null;
}

export class RenameUnitDto {
  @ApiProperty({ description: '新的单位名称' })
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'name 不能为空白' })
  name!: string;
}
