import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, UploadedFile, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiPayloadTooLargeResponse, ApiTags } from '@nestjs/swagger';
import type { Actor, ColumnMapping } from '@duban/domain';
import { CurrentActor, Roles } from '../common/actor.decorator.js';
import { ColumnMappingDto, ImportFormDto, MappingParamDto } from './dtos/import.dto.js';
import { ImportRectifications, type ImportPreview, type ImportResult } from './import-rectifications.usecase.js';
import { IMPORT_FIELD, ImportUploadInterceptor } from './import-upload.interceptor.js';
import { fileProblem } from './read-sheet.js';

interface UploadedXlsx {
  buffer: Buffer;
}

@ApiTags('rectifications')
@ApiBearerAuth()
@Roles('office')
@Controller('imports')
export class ImportController {
  constructor(@Inject(ImportRectifications) private readonly imports: ImportRectifications) {}

  @Get('mappings/:source')
  @ApiOkResponse({ type: ColumnMappingDto })
  @ApiOperation({ summary: '问题清单的列对应关系（按问题来源记住；缺省为整改台账的表头）' })
  mapping(@Param() params: MappingParamDto): Promise<ColumnMapping> {
    return this.imports.mapping(params.source);
  }

  @Put('mappings/:source')
  @ApiOkResponse({ type: ColumnMappingDto })
  @ApiOperation({ summary: '设置某一问题来源的清单列对应关系' })
  setMapping(@Param() params: MappingParamDto, @Body() body: ColumnMappingDto): Promise<ColumnMapping> {
    return this.imports.setMapping(params.source, { ...body });
  }

  @Post('rectifications/preview')
  @HttpCode(200)
  @UseInterceptors(ImportUploadInterceptor)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: ImportFormDto })
  @ApiPayloadTooLargeResponse({ description: '文件超过 5 MiB' })
  @ApiOperation({ summary: '预览导入：校验每一行（未知单位、日期错误、缺少问题描述……），逐条列出行号和列名；不创建任何问题' })
  async preview(@UploadedFile() file: UploadedXlsx | undefined, @Body() form: ImportFormDto): Promise<ImportPreview> {
    return this.imports.preview(this.content(file), form.source);
  }

  @Post('rectifications')
  @UseInterceptors(ImportUploadInterceptor)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: ImportFormDto })
  @ApiPayloadTooLargeResponse({ description: '文件超过 5 MiB' })
  @ApiOperation({
    summary: '导入问题清单：全部校验通过才逐条立项交办，有一行错误则一条也不导入（400，列出每处错误）',
    description: '每行按规范化内容的指纹得到固定的问题 id：重复导入同一清单不会新建问题，中断后重试会补齐未建的问题。整改时限已过的行也导入，问题立即亮红灯。',
  })
  async import(@UploadedFile() file: UploadedXlsx | undefined, @Body() form: ImportFormDto, @CurrentActor() actor: Actor): Promise<ImportResult> {
    return this.imports.execute(this.content(file), form.source, actor);
  }

  private content(file: UploadedXlsx | undefined): Buffer {
    if (!file?.buffer?.length) throw fileProblem(`请上传 XLSX 文件（表单字段 ${IMPORT_FIELD}）`);
    return file.buffer;
  }
}
