import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsOptional, IsUUID } from 'class-validator';

/** An optional list of up to 20 distinct attachment ids (upload first, then refer to the files by id). */
export const AttachmentIds = (description: string) =>
  applyDecorators(
    ApiPropertyOptional({ description, type: [String], maxItems: 20 }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(20),
    ArrayUnique(),
    IsUUID('4', { each: true }),
  );
