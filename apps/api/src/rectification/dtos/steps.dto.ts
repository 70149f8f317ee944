import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

export class SubmitCompletionDto {
  @ApiProperty({ description: '整改完成情况' })
  @IsString()
  @Length(1, 5000)
  summary!: string;
}

export class ReturnCompletionDto {
  @ApiProperty({ description: '退回理由' })
  @IsString()
  @Length(1, 2000)
  reason!: string;
}

export class SignOffDto {
  @ApiPropertyOptional({ description: '验收意见' })
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  note?: string;
}
