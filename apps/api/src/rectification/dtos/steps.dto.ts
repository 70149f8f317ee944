import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length, Matches, MaxLength, Validate } from 'class-validator';
import { URGE_MESSAGE_MAX_LENGTH } from '@duban/domain';
import { AttachmentIds } from '../../common/attachment-ids.decorator.js';
import { CalendarDateConstraint } from './register-rectification.dto.js';

class WithEvidence {
  @AttachmentIds('佐证材料（先上传附件，再引用其 id）')
  attachmentIds?: string[];
}

export class SubmitPlanDto extends WithEvidence {
  @ApiProperty({ description: '整改措施' })
  @IsString()
  @Length(1, 5000)
  measures!: string;

  @ApiProperty({ description: '整改完成时限（不晚于问题的整改时限）', example: '2026-12-20' })
  @IsString()
  @Validate(CalendarDateConstraint)
  targetDate!: string;

  @ApiProperty({ description: '整改责任人', example: '张三（水利局副局长）' })
  @IsString()
  @Length(1, 100)
  responsiblePerson!: string;
}

export class ProgressReportDto extends WithEvidence {
  @ApiProperty({ description: '情况说明' })
  @IsString()
  @Length(1, 5000)
  summary!: string;
}

export class ReasonDto {
  @ApiProperty({ description: '理由' })
  @IsString()
  @Length(1, 2000)
  reason!: string;
}

export class NoteDto {
  @ApiPropertyOptional({ description: '意见' })
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  note?: string;
}

export class ExtensionRequestDto {
  @ApiProperty({ description: '延期理由' })
  @IsString()
  @Length(1, 2000)
  reason!: string;

  @ApiProperty({ description: '申请延期至', example: '2027-01-31' })
  @IsString()
  @Validate(CalendarDateConstraint)
  newDueDate!: string;
}

export class ExtensionDecisionDto extends NoteDto {
  @ApiProperty({ description: '是否同意' })
  @IsBoolean()
  approve!: boolean;
}

export class DeferralDto {
  @ApiProperty({ description: '暂缓整改原因（备案）' })
  @IsString()
  @Length(1, 2000)
  reason!: string;

  @ApiProperty({ description: '复核日期', example: '2027-03-01' })
  @IsString()
  @Validate(CalendarDateConstraint)
  reviewDate!: string;
}

export class ResumeDto extends NoteDto {
  @ApiPropertyOptional({ description: '新的整改时限', example: '2027-04-30' })
  @IsOptional()
  @IsString()
  @Validate(CalendarDateConstraint)
  newDueDate?: string;
}

export class MergeDto extends NoteDto {
  @ApiProperty({ description: '合并到的问题 id' })
  @IsUUID('4')
  intoItemId!: string;
}

export class ReopenDto {
  @ApiProperty({ description: '重新打开的原因' })
  @IsString()
  @Length(1, 2000)
  reason!: string;

  @ApiProperty({ description: '新的整改时限', example: '2027-02-28' })
  @IsString()
  @Validate(CalendarDateConstraint)
  newDueDate!: string;
}

export class HandleEscalationDto {
  @ApiProperty({ description: '处理方式：催办、约谈、延期', enum: ['urge', 'interview', 'extend'] })
  @IsIn(['urge', 'interview', 'extend'])
  action!: 'urge' | 'interview' | 'extend';

  @ApiProperty({ description: '处理意见' })
  @IsString()
  @Length(1, 2000)
  note!: string;

  @ApiPropertyOptional({ description: '新的整改时限（延期时必填）', example: '2027-01-15' })
  @IsOptional()
  @IsString()
  @Validate(CalendarDateConstraint)
  newDueDate?: string;
}

export class UrgeDto {
  @ApiProperty({ description: '催办内容', maxLength: URGE_MESSAGE_MAX_LENGTH, example: '请于本周五前报送整改进展' })
  @IsString({ message: 'message 催办内容须为文字' })
  @Matches(/\S/, { message: 'message 催办内容不能为空' })
  @MaxLength(URGE_MESSAGE_MAX_LENGTH, { message: `message 催办内容不能超过${URGE_MESSAGE_MAX_LENGTH}个字` })
  message!: string;
}
