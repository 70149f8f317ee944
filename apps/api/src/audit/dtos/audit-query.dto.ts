import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, Validate } from 'class-validator';
import { InstantConstraint } from '../../common/dates.js';
import { AUDIT_RESULTS, type AuditResult } from '@duban/persistence';

/** A period of the trail: ISO-8601 instants (e.g. 2026-05-01T00:00:00+08:00), both ends included. */
export class AuditPeriodDto {
  @ApiPropertyOptional({ description: '起始时间（ISO 8601，含）', example: '2026-05-01T00:00:00+08:00' })
  @IsOptional()
  @Validate(InstantConstraint)
  from?: string;

  @ApiPropertyOptional({ description: '截止时间（ISO 8601，含）', example: '2026-05-31T23:59:59+08:00' })
  @IsOptional()
  @Validate(InstantConstraint)
  to?: string;
}

export class AuditQueryDto extends AuditPeriodDto {
  @ApiPropertyOptional({ description: '操作用户 id' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(/^[A-Za-z0-9._:-]+$/)
  actorId?: string;

  @ApiPropertyOptional({ description: '登录名：该用户的操作，以及以此登录名尝试的登录（含不存在的登录名）' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  username?: string;

  @ApiPropertyOptional({ description: '操作，如 auth.login 或 POST /api/rectifications/:id/sign（完全匹配）' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  action?: string;

  @ApiPropertyOptional({ enum: AUDIT_RESULTS, description: '结果：success 成功、failure 失败、refused 拒绝' })
  @IsOptional()
  @IsIn(AUDIT_RESULTS)
  result?: AuditResult;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: '上一页返回的 nextCursor（序号）' })
  @IsOptional()
  @IsString()
  @Matches(/^[1-9][0-9]{0,15}$/)
  cursor?: string;
}
