import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsString, Length, Min, Validate, ValidateNested } from 'class-validator';
import { CATEGORIES, PHASE_KINDS, SEVERITIES, UNIT_KINDS, type Category, type PhaseKind, type Severity, type UnitKind } from '@duban/domain';
import { CalendarDateConstraint } from '../rectification/dtos/register-rectification.dto.js';

class TargetDto {
  @ApiPropertyOptional({ description: '单位（与 targetUnitKind 二选一）', type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ArrayUnique()
  @IsString({ each: true })
  targetUnitIds?: string[];

  @ApiPropertyOptional({ description: '按单位类型：每个该类单位一份', enum: UNIT_KINDS })
  @IsOptional()
  @IsIn(UNIT_KINDS)
  targetUnitKind?: UnitKind;
}

export class PhaseDto {
  @ApiProperty({ example: '全面排查摸底' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ enum: PHASE_KINDS, description: 'check 排查、rectify 整改、consolidate 巩固提升' })
  @IsIn(PHASE_KINDS)
  kind!: PhaseKind;

  @ApiProperty({ example: '2026-09-26' })
  @IsString()
  @Validate(CalendarDateConstraint)
  endDate!: string;
}

export class SubActionDto {
  @ApiProperty({ example: '义务教育保障行动' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ type: [String], description: '牵头单位' })
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  leadUnitIds!: string[];

  @ApiPropertyOptional({ type: [String], description: '配合单位' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  coUnitIds?: string[];
}

export class CheckItemDto extends TargetDto {
  @ApiProperty({ description: '排查内容', example: '是否还有义务教育阶段学龄儿童少年失学辍学情况' })
  @IsString()
  @Length(1, 1000)
  text!: string;

  @ApiPropertyOptional({ description: '所属子行动（subActions 中的序号，从 0 起）' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  subAction?: number;
}

export class ReportDto extends TargetDto {
  @ApiProperty({ example: '季度工作报告' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ type: [String], example: ['2026-06-30', '2026-09-30'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(12)
  @Validate(CalendarDateConstraint, { each: true })
  dueDates!: string[];
}

export class CampaignDto {
  @ApiProperty({ example: '大排查大巩固大提升专项行动' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ example: '2026-09-18' })
  @IsString()
  @Validate(CalendarDateConstraint)
  startDate!: string;

  @ApiProperty({ type: [PhaseDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => PhaseDto)
  phases!: PhaseDto[];

  @ApiPropertyOptional({ type: [SubActionDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => SubActionDto)
  subActions?: SubActionDto[];

  @ApiPropertyOptional({ type: [CheckItemDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => CheckItemDto)
  checkItems?: CheckItemDto[];

  @ApiPropertyOptional({ type: [ReportDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ReportDto)
  reports?: ReportDto[];
}

export class FindingDto {
  @ApiProperty({ description: '所回复的排查：check（排查阶段）或举一反三排查的 id', example: 'check' })
  @IsString()
  @Length(1, 60)
  checkId!: string;

  @ApiProperty({ example: '一户适龄儿童辍学' })
  @IsString()
  @Length(1, 200)
  title!: string;

  @ApiProperty()
  @IsString()
  @Length(1, 5000)
  description!: string;

  @ApiProperty({ enum: CATEGORIES })
  @IsIn(CATEGORIES)
  category!: Category;

  @ApiPropertyOptional({ enum: SEVERITIES })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: Severity;

  @ApiPropertyOptional({ description: '所属子行动（序号）' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  subAction?: number;
}

export class SpreadDto {
  @ApiProperty({ description: '举一反三排查内容', example: '排查本乡镇是否存在同类辍学问题' })
  @IsString()
  @Length(1, 1000)
  text!: string;

  @ApiProperty({ enum: UNIT_KINDS, description: '下发到的单位类型' })
  @IsIn(UNIT_KINDS)
  unitKind!: UnitKind;

  @ApiProperty({ description: '回复时限', example: '2026-10-10' })
  @IsString()
  @Validate(CalendarDateConstraint)
  dueDate!: string;
}
