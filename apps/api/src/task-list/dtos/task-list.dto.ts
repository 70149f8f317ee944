import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  Validate,
  ValidateNested,
} from 'class-validator';
import { DUE_RULE_KINDS, UNFINISHED_DISPOSITIONS, UNIT_KINDS, type UnfinishedDisposition, type UnitKind } from '@duban/domain';
import { CalendarMonthConstraint, InstantConstraint } from '../../common/dates.js';
import { CalendarDateConstraint } from '../../rectification/dtos/register-rectification.dto.js';

export class MilestoneDto {
  @ApiProperty({ example: '2026-06-30' })
  @IsString()
  @Validate(CalendarDateConstraint)
  date!: string;

  @ApiProperty({ example: 50 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  value!: number;
}

export class QuantityDto {
  @ApiProperty({ description: '量化指标', example: '衔接资金支付进度' })
  @IsString()
  @Length(1, 100)
  metric!: string;

  @ApiProperty({ description: '计量单位', example: '%' })
  @IsString()
  @Length(1, 20)
  unit!: string;

  @ApiPropertyOptional({ description: '起始值（默认 0）', example: 0 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  baseline?: number;

  @ApiProperty({ description: '目标值', example: 100 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  target!: number;

  @ApiProperty({ description: '时间节点（序时进度）', type: [MilestoneDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(24)
  @ValidateNested({ each: true })
  @Type(() => MilestoneDto)
  milestones!: MilestoneDto[];
}

export class TaskListItemDto {
  @ApiPropertyOptional({ description: '修改草稿时：保留的已有任务的 id（其结转、常态化任务来源随之保留）；新任务省略' })
  @IsOptional()
  @IsString()
  @Length(1, 120)
  id?: string;

  @ApiProperty({ description: '任务名称', example: '更新就业帮扶台账' })
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

  @ApiPropertyOptional({ description: '按单位类型下发：每个该类单位一份（如“各乡镇”）', enum: UNIT_KINDS })
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

  @ApiProperty({ description: '办理时限规则：date 指定日期、dayOfMonth 每月第几日、monthEnd 月底、lastWorkingDay 最后一个工作日', enum: DUE_RULE_KINDS })
  @IsIn(DUE_RULE_KINDS)
  dueKind!: (typeof DUE_RULE_KINDS)[number];

  @ApiPropertyOptional({ description: 'dueKind=date 时的日期', example: '2026-12-20' })
  @IsOptional()
  @IsString()
  @Validate(CalendarDateConstraint)
  dueDate?: string;

  @ApiPropertyOptional({ description: 'dueKind=dayOfMonth 时的日（1–31）', example: 15 })
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

  @ApiPropertyOptional({ description: '量化目标与时间节点', type: QuantityDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => QuantityDto)
  quantity?: QuantityDto;
}

export class TaskListDraftDto {
  @ApiProperty({ description: '所属月份', example: '2026-12' })
  @IsString()
  @Validate(CalendarMonthConstraint)
  month!: string;

  @ApiPropertyOptional({ description: '清单名称（默认“YYYY年M月重点工作清单”）' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  title?: string;

  @ApiProperty({ type: [TaskListItemDto] })
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => TaskListItemDto)
  items!: TaskListItemDto[];
}

export class UpdateTaskListDto {
  @ApiPropertyOptional({ description: '清单名称' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  title?: string;

  @ApiProperty({ type: [TaskListItemDto] })
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => TaskListItemDto)
  items!: TaskListItemDto[];
}

export class PublishTaskListDto {
  @ApiPropertyOptional({ description: 'now 立即下发（默认）；scheduled 定时下发', enum: ['now', 'scheduled'] })
  @IsOptional()
  @IsIn(['now', 'scheduled'])
  mode?: 'now' | 'scheduled';

  @ApiPropertyOptional({ description: '定时下发的时刻（ISO 8601）；省略则为所属月份1日09:00（北京时间）', example: '2026-12-01T09:00:00+08:00' })
  @IsOptional()
  @IsString()
  @Length(10, 40)
  @Validate(InstantConstraint)
  publishAt?: string;
}
