import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, IsString, Length, Matches, Max, Min, Validate, ValidateNested } from 'class-validator';
import { LIGHTS, SOURCES, STATUSES, type Light, type Source, type Status } from '@duban/domain';
import { CalendarDateConstraint, UNIT_ID_PATTERN } from '../../rectification/dtos/register-rectification.dto.js';

/** Filters of the ledger export (整改台账). */
export class LedgerQueryDto {
  @ApiPropertyOptional({ enum: SOURCES, description: '问题来源' })
  @IsOptional()
  @IsIn(SOURCES)
  source?: Source;

  @ApiPropertyOptional({ description: '单位 id：该单位及其下级单位涉及的问题（单位用户只能在本单位范围内筛选）' })
  @IsOptional()
  @IsString()
  @Matches(UNIT_ID_PATTERN)
  unitId?: string;

  @ApiPropertyOptional({ enum: STATUSES, description: '状态' })
  @IsOptional()
  @IsIn(STATUSES)
  status?: Status;

  @ApiPropertyOptional({ enum: LIGHTS, description: '亮灯' })
  @IsOptional()
  @IsIn(LIGHTS)
  light?: Light;

  @ApiPropertyOptional({ description: '交办日期起（含，YYYY-MM-DD，北京时间）' })
  @IsOptional()
  @IsString()
  @Validate(CalendarDateConstraint)
  from?: string;

  @ApiPropertyOptional({ description: '交办日期止（含，YYYY-MM-DD，北京时间）' })
  @IsOptional()
  @IsString()
  @Validate(CalendarDateConstraint)
  to?: string;
}

export class DashboardQueryDto {
  @ApiPropertyOptional({ description: '单位 id：该单位及其下级单位涉及的问题' })
  @IsOptional()
  @IsString()
  @Matches(UNIT_ID_PATTERN)
  unitId?: string;

  @ApiPropertyOptional({ enum: SOURCES, description: '问题来源' })
  @IsOptional()
  @IsIn(SOURCES)
  source?: Source;
}

export class EvaluationQueryDto {
  @ApiProperty({ description: '考评期间：年（2026）、季度（2026-Q3）或月（2026-07）', example: '2026-Q3' })
  @IsString()
  @Matches(/^(\d{4})(?:-Q([1-4])|-(0[1-9]|1[0-2]))?$/)
  period!: string;
}

class NoticeWeightsDto {
  @ApiProperty() @IsNumber() @Min(0) @Max(100) blue!: number;
  @ApiProperty() @IsNumber() @Min(0) @Max(100) yellow!: number;
  @ApiProperty() @IsNumber() @Min(0) @Max(100) red!: number;
}

export class WarningRuleDto {
  @ApiProperty({ enum: ['blue', 'yellow', 'red'], description: '督办单颜色' })
  @IsIn(['blue', 'yellow', 'red'])
  colour!: 'blue' | 'yellow' | 'red';

  @ApiProperty({ description: '同一季度内达到的张数', minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(100)
  count!: number;

  @ApiProperty({ description: '扣分' })
  @IsNumber()
  @Min(0)
  @Max(100)
  deduction!: number;

  @ApiProperty({ description: '处置措施，如 发函提醒、约谈单位主要负责人' })
  @IsString()
  @Length(1, 50)
  measure!: string;
}

/** The evaluation weights (考评权重) and warning rules. */
export class EvaluationPolicyDto {
  @ApiProperty({ description: '基础分' }) @IsNumber() @Min(0) @Max(1000) base!: number;
  @ApiProperty({ description: '按期办结率权重：扣分 = 权重 ×（1 − 按期办结率）' }) @IsNumber() @Min(0) @Max(1000) onTimeWeight!: number;
  @ApiProperty({ description: '每超期一天扣分' }) @IsNumber() @Min(0) @Max(100) perOverdueDay!: number;
  @ApiProperty({ description: '超期天数扣分上限' }) @IsNumber() @Min(0) @Max(1000) overdueDaysCap!: number;
  @ApiProperty({ description: '每次退回扣分' }) @IsNumber() @Min(0) @Max(100) perReturn!: number;
  @ApiProperty({ description: '每次回头看未通过扣分' }) @IsNumber() @Min(0) @Max(100) perLookBackFailure!: number;
  @ApiProperty({ description: '每次超期升级扣分' }) @IsNumber() @Min(0) @Max(100) perEscalation!: number;

  @ApiProperty({ type: NoticeWeightsDto, description: '每张督办单扣分（按颜色）' })
  @ValidateNested()
  @Type(() => NoticeWeightsDto)
  perNotice!: NoticeWeightsDto;

  @ApiProperty({ type: [WarningRuleDto], description: '预警规则：同一季度内某色督办单达到张数 → 扣分并采取措施' })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => WarningRuleDto)
  warnings!: WarningRuleDto[];
}
