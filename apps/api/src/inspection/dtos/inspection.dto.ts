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
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  Validate,
  ValidateNested,
  IsObject,
} from 'class-validator';
import { CATEGORIES, SOURCES, type Category, type Source } from '@duban/domain';
import { InstantConstraint } from '../../common/dates.js';
import { CalendarDateConstraint, UNIT_ID_PATTERN } from '../../rectification/dtos/register-rectification.dto.js';
import { AttachmentIds } from '../../common/attachment-ids.decorator.js';

export const EVIDENCE_CAPTURED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export class RandomTargetsDto {
  @ApiProperty({ type: [String], description: '从这些单位（乡镇/村）中随机抽取暗访对象' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(UNIT_ID_PATTERN, { each: true })
  poolUnitIds!: string[];

  @ApiProperty({ description: '抽取个数', minimum: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  count!: number;

  @ApiPropertyOptional({ description: '随机种子（留空则由系统生成并记录）' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  seed?: string;
}

export class PlanInspectionDto {
  @ApiProperty({ description: '暗访督导名称', example: '2026年第四季度“四不两直”暗访' })
  @IsString()
  @Length(1, 200)
  title!: string;

  @ApiPropertyOptional({ type: [String], description: '选定的暗访对象（乡镇/村）；与 randomTargets 二选一' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(UNIT_ID_PATTERN, { each: true })
  targetUnitIds?: string[];

  @ApiPropertyOptional({ type: RandomTargetsDto, description: '随机抽取暗访对象（记录种子，可复现）' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RandomTargetsDto)
  randomTargets?: RandomTargetsDto;

  @ApiProperty({ example: '2026-12-01' })
  @IsString()
  @Validate(CalendarDateConstraint)
  windowFrom!: string;

  @ApiProperty({ example: '2026-12-10' })
  @IsString()
  @Validate(CalendarDateConstraint)
  windowTo!: string;

  @ApiProperty({ type: [String], description: '暗访组成员' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  team!: string[];
}

export class InspectionFindingDto {
  @ApiProperty({ description: '地点', example: '甲镇一村三组' })
  @IsString()
  @Length(1, 200)
  place!: string;

  @ApiProperty({ enum: CATEGORIES })
  @IsIn(CATEGORIES)
  category!: Category;

  @ApiProperty({ description: '发现的问题' })
  @IsString()
  @Length(1, 4000)
  description!: string;

  @ApiProperty({ description: '责任单位 id' })
  @IsString()
  @Matches(UNIT_ID_PATTERN)
  responsibleUnitId!: string;

  @ApiProperty({ description: '建议整改时限', example: '2027-01-31' })
  @IsString()
  @Validate(CalendarDateConstraint)
  suggestedDueDate!: string;
}

export class EvidenceQueryDto {
  @ApiProperty({ description: '拍摄时间（检查人员设备记录的时间，ISO 8601）', example: '2026-12-02T09:30:00+08:00' })
  @IsString()
  @Matches(EVIDENCE_CAPTURED_AT)
  @Validate(InstantConstraint)
  capturedAt!: string;
}

export class StartLookBackDto {
  @ApiPropertyOptional({ enum: SOURCES, description: '问题来源' })
  @IsOptional()
  @IsIn(SOURCES)
  source?: Source;

  @ApiPropertyOptional({ description: '单位（含下级单位）' })
  @IsOptional()
  @IsString()
  @Matches(UNIT_ID_PATTERN)
  unitId?: string;

  @ApiPropertyOptional({ enum: CATEGORIES })
  @IsOptional()
  @IsIn(CATEGORIES)
  category?: Category;

  @ApiPropertyOptional({ description: '销号日期起（含）', example: '2026-01-01' })
  @IsOptional()
  @IsString()
  @Validate(CalendarDateConstraint)
  closedFrom?: string;

  @ApiPropertyOptional({ description: '销号日期止（含）', example: '2026-12-31' })
  @IsOptional()
  @IsString()
  @Validate(CalendarDateConstraint)
  closedTo?: string;

  @ApiProperty({ description: '抽查比例（按单位分层，每层抽取 ceil(比例×数量)）', minimum: 0.01, maximum: 1, example: 0.3 })
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.01)
  @Max(1)
  ratio!: number;

  @ApiPropertyOptional({ description: '随机种子（留空则由系统生成并记录）' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  seed?: string;

  @ApiPropertyOptional({ format: 'uuid', description: '承担复核的督导人员（用户 id）；督导人员发起时默认本人' })
  @IsOptional()
  @IsUUID()
  inspectorId?: string;
}

export class LookBackResultDto {
  @ApiProperty({ enum: ['passed', 'failed'] })
  @IsIn(['passed', 'failed'])
  outcome!: 'passed' | 'failed';

  @ApiProperty({ description: '复核情况' })
  @IsString()
  @Length(1, 2000)
  note!: string;

  @ApiPropertyOptional({ description: '未通过时重新打开后的整改时限', example: '2027-01-31' })
  @IsOptional()
  @IsString()
  @Validate(CalendarDateConstraint)
  newDueDate?: string;

  @AttachmentIds('复核佐证材料（先上传，再按 id 引用）；未通过时必填')
  attachmentIds?: string[];
}

export class LimitQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, description: '条数（最新在前）' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}
