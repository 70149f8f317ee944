import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsInt,
  Max,
  Min,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  Validate,
} from 'class-validator';
import { CalendarDateConstraint } from '../../common/dates.js';
import { CATEGORIES, SEVERITIES, SOURCES, type Category, type Severity, type Source } from '@duban/domain';

export { CalendarDateConstraint } from '../../common/dates.js';

export const UNIT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export class RegisterRectificationDto {
  @ApiProperty({ description: '问题标题', example: '部分脱贫户饮水安全保障不到位' })
  @IsString()
  @Length(1, 200)
  title!: string;

  @ApiProperty({ description: '问题描述' })
  @IsString()
  @Length(1, 5000)
  description!: string;

  @ApiProperty({ description: '问题来源', enum: SOURCES })
  @IsIn(SOURCES)
  source!: Source;

  @ApiProperty({ description: '问题类别', enum: CATEGORIES })
  @IsIn(CATEGORIES)
  category!: Category;

  @ApiPropertyOptional({ description: '严重程度', enum: SEVERITIES, default: 'general' })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: Severity;

  @ApiProperty({ description: '牵头单位 id', example: 'water' })
  @IsString()
  @Matches(UNIT_ID_PATTERN)
  leadUnitId!: string;

  @ApiPropertyOptional({ description: '配合单位 id', type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(UNIT_ID_PATTERN, { each: true })
  coUnitIds?: string[];

  @ApiProperty({ description: '整改时限（北京时间当日 24 时截止）', example: '2026-12-31' })
  @IsString()
  @Validate(CalendarDateConstraint)
  dueDate!: string;

  @ApiPropertyOptional({ description: '初验单位 id（两级验收：如乡镇初验、县级验收）', example: 'ehu' })
  @IsOptional()
  @IsString()
  @Matches(UNIT_ID_PATTERN)
  verifierUnitId?: string;

  @ApiPropertyOptional({ description: '整改进展报送周期（月），0 为不要求；缺省按督办策略（每月）', minimum: 0, maximum: 12 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(12)
  progressEveryMonths?: number;
}
