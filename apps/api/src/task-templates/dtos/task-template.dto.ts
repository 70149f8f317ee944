import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Max, Min, Validate } from 'class-validator';
import { CalendarMonthConstraint } from '../../common/dates.js';
import { CADENCES, UNFINISHED_DISPOSITIONS, UNIT_KINDS, type Cadence, type UnfinishedDisposition, type UnitKind } from '@duban/domain';

/** Within-month due rules only: an absolute date would not recur. */
export const TEMPLATE_DUE_KINDS = ['dayOfMonth', 'monthEnd', 'lastWorkingDay'] as const;

/** A recurring obligation (常态化任务) as the office writes it; PUT sends the whole template again. */
export class TaskTemplateDto {
  @ApiProperty({ description: '任务名称', example: '村级更新就业信息台账' })
  @IsString()
  @Length(1, 200)
  title!: string;

  @ApiPropertyOptional({ description: '任务内容与要求' })
  @IsOptional()
  @IsString()
  @Length(0, 5000)
  content?: string;

  @ApiPropertyOptional({ description: '责任单位（与 targetUnitKind 二选一）', type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ArrayUnique()
  @IsString({ each: true })
  targetUnitIds?: string[];

  @ApiPropertyOptional({ description: '按单位类型下发：每个该类单位一份（如“各村”）', enum: UNIT_KINDS })
  @IsOptional()
  @IsIn(UNIT_KINDS)
  targetUnitKind?: UnitKind;

  @ApiPropertyOptional({ description: '配合单位', type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  coUnitIds?: string[];

  @ApiProperty({ description: '周期：monthly 每月、bimonthly 每两个月、quarterly 每季度、halfYearly 每半年', enum: CADENCES })
  @IsIn(CADENCES)
  cadence!: Cadence;

  @ApiPropertyOptional({
    description: '所属月份（1–12）；省略则按周期默认：每两个月为双月，每季度为季末月（3、6、9、12），每半年为6月和12月',
    type: [Number],
    example: [3, 6, 9, 12],
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(12)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(12, { each: true })
  months?: number[];

  @ApiProperty({ description: '办理时限：dayOfMonth 当月第几日前、monthEnd 月底前、lastWorkingDay 最后一个工作日前', enum: TEMPLATE_DUE_KINDS })
  @IsIn(TEMPLATE_DUE_KINDS)
  dueKind!: (typeof TEMPLATE_DUE_KINDS)[number];

  @ApiPropertyOptional({ description: 'dueKind=dayOfMonth 时的日（1–31，小月取月末）', example: 15 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(31)
  dueDay?: number;

  @ApiPropertyOptional({ description: '月末未完成时：carry_over 结转下月（默认），fail 按未完成关闭', enum: UNFINISHED_DISPOSITIONS })
  @IsOptional()
  @IsIn(UNFINISHED_DISPOSITIONS)
  onUnfinished?: UnfinishedDisposition;

  @ApiPropertyOptional({ description: '是否启用（默认启用；停用后不再加入每月清单）', default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class TaskTemplateQueryDto {
  @ApiPropertyOptional({ description: '只列该月（YYYY-MM）应下发的启用模板', example: '2026-12' })
  @IsOptional()
  @IsString()
  @Validate(CalendarMonthConstraint)
  month?: string;
}
