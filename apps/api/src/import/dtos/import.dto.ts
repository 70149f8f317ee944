import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { IMPORT_FIELD_LABELS, SOURCES, type ColumnMapping, type Source } from '@duban/domain';

/** The multipart body of a preview or an import (OpenAPI; multer reads the file, the validation pipe the fields). */
export class ImportFormDto {
  @ApiProperty({ type: 'string', format: 'binary', description: '问题清单 XLSX（第 1 行为表头，不超过 5 MiB、5000 行）' })
  @IsOptional()
  file?: unknown;

  @ApiPropertyOptional({ enum: SOURCES, description: '问题来源：按此来源记住的列对应关系读取；清单没有“问题来源”列时，每行都用此来源' })
  @IsOptional()
  @IsIn(SOURCES)
  source?: Source;
}

const header = (field: keyof typeof IMPORT_FIELD_LABELS) =>
  function (target: object, key: string) {
    ApiPropertyOptional({ description: `${IMPORT_FIELD_LABELS[field]}所在列的表头`, example: IMPORT_FIELD_LABELS[field] })(target, key);
    IsOptional()(target, key);
    IsString()(target, key);
    Length(1, 100)(target, key);
  };

/** Which column header holds each field (列对应关系), remembered per source. */
export class ColumnMappingDto implements ColumnMapping {
  @header('title') title?: string;
  @header('description') description?: string;
  @header('source') source?: string;
  @header('category') category?: string;
  @header('severity') severity?: string;
  @header('leadUnit') leadUnit?: string;
  @header('coUnits') coUnits?: string;
  @header('dueDate') dueDate?: string;
}

export class MappingParamDto {
  @ApiProperty({ enum: [...SOURCES, 'default'], description: '问题来源（default：未指定来源时使用）' })
  @IsIn([...SOURCES, 'default'])
  source!: Source | 'default';
}
