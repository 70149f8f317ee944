import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ApiError } from './api-error.js';

/** `limit` and `cursor` of every keyset-paged list; list DTOs extend it with their filters. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, description: '每页条数' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: '上一页返回的 nextCursor' })
  @IsOptional()
  @IsString()
  @MaxLength(600)
  cursor?: string;
}

/** An opaque cursor holding the sort key of the last row of a page. */
export function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** The parts of a cursor made by encodeCursor, checked by `valid`; a 400 naming `cursor` otherwise. */
export function decodeCursor(cursor: string, count: number, valid: (parts: string[]) => boolean = () => true): string[] {
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === count && parts.every((p) => typeof p === 'string') && valid(parts as string[])) return parts as string[];
  } catch {
    // fall through
  }
  throw ApiError.badInput('cursor', 'cursor: 无效的分页游标');
}

export const isInstant = (value: string) => !Number.isNaN(Date.parse(value));
