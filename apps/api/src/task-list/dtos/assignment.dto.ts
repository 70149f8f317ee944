import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsNumber, IsOptional, IsString, Length, Matches, Validate, ValidateNested } from 'class-validator';
import { ASSIGNMENT_STATUSES, LIGHTS, type AssignmentStatus, type Light } from '@duban/domain';
import { PageQueryDto } from '../../common/paging.js';
import { CalendarDateConstraint } from '../../rectification/dtos/register-rectification.dto.js';

export class PartDto {
  @ApiProperty({ description: '子任务内容', example: '入户核实就业信息' })
  @IsString()
  @Length(1, 200)
  title!: string;

  @ApiProperty({ description: '责任人的用户 id（本单位人员）' })
  @IsString()
  @Length(1, 100)
  assigneeUserId!: string;

  @ApiProperty({ description: '完成时限（不晚于本单位办理时限）', example: '2026-12-10' })
  @IsString()
  @Validate(CalendarDateConstraint)
  dueDate!: string;
}

export class SplitDto {
  @ApiProperty({ type: [PartDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => PartDto)
  parts!: PartDto[];
}

export class SummaryDto {
  @ApiProperty({ description: '完成情况' })
  @IsString()
  @Length(1, 5000)
  summary!: string;
}

export class ValueDto {
  @ApiProperty({ description: '当前完成值', example: 52.5 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  value!: number;

  @ApiPropertyOptional({ description: '说明' })
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  note?: string;
}

export class AssignmentQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'true：只看分解给我的子任务' })
  @IsOptional()
  @IsIn(['true', 'false'])
  mine?: 'true' | 'false';

  @ApiPropertyOptional({ description: '清单 id（如 TL-2026-12）或专项行动 id（如 CP-1a2b3c4d）' })
  @IsOptional()
  @IsString()
  @Matches(/^(TL-\d{4}-\d{2}|CP-[0-9a-f]{8})$/, { message: 'listId 须为 TL-YYYY-MM 或 CP-xxxxxxxx' })
  listId?: string;

  @ApiPropertyOptional({ enum: ASSIGNMENT_STATUSES })
  @IsOptional()
  @IsIn(ASSIGNMENT_STATUSES)
  status?: AssignmentStatus;

  @ApiPropertyOptional({ enum: LIGHTS })
  @IsOptional()
  @IsIn(LIGHTS)
  light?: Light;
}
