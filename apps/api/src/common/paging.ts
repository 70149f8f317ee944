import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ApiError } from './api-error.js';
import { textProblem } from './input-screen.js';

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

/** Longest part of a cursor: sort keys are ids, names and instants. */
const MAX_CURSOR_PART = 200;

/**
 * The one reader of paging cursors: the parts of a cursor made by encodeCursor, each a short string of plain
 * text (no control characters, no lone surrogates), and checked by `valid`; a 400 naming `cursor` otherwise.
 * A forged cursor therefore never reaches a query.
 */
export function decodeCursor(cursor: string, count: number, valid: (parts: string[]) => boolean = () => true): string[] {
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === count && parts.every(isCursorPart) && valid(parts as string[])) return parts as string[];
  } catch {
    // fall through
  }
  throw ApiError.badInput('cursor', 'cursor: 无效的分页游标');
}

const isCursorPart = (part: unknown): part is string => typeof part === 'string' && part.length > 0 && part.length <= MAX_CURSOR_PART && textProblem(part) === null;

/** An instant exactly as encodeCursor wrote it (`Date#toISOString`), so no loosely parsed date reaches a query. */
export const isInstant = (value: string): boolean => {
  const time = Date.parse(value);
  return !Number.isNaN(time) && new Date(time).toISOString() === value;
};
