import { Controller, Get, Header, Inject, Logger, Param, ParseUUIDPipe, Post, StreamableFile, UploadedFile, UseGuards, UseInterceptors } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '@duban/domain';
import { CurrentActor, Roles } from '../common/actor.decorator.js';
import { ALLOWED_TYPES_LABEL, ATTACHMENT_TYPES, MAX_ATTACHMENT_LABEL, filenameForType } from './attachment-policy.js';
import { AttachmentUploadGuard } from './attachment-upload.guard.js';
import { AttachmentUploadInterceptor, missingFileError, type StagedUpload } from './attachment-upload.interceptor.js';
import { contentDisposition, toAttachmentView, type AttachmentView } from './attachment-view.js';
import { AttachmentListDto, AttachmentViewDto, UploadAttachmentBody } from './dtos/attachment.dto.js';
import { ReadAttachments } from './usecases/read-attachments.usecase.js';
import { UploadAttachment } from './usecases/upload-attachment.usecase.js';

const ItemId = () => Param('id', new ParseUUIDPipe({ version: '4' }));

@ApiTags('rectifications')
@ApiBearerAuth()
@Roles('office', 'leader', 'unit', 'unit_leader')
@ApiNotFoundResponse({ description: '整改问题（或附件）不存在或无权查看' })
@Controller('rectifications/:id/attachments')
export class AttachmentController {
  private readonly logger = new Logger('AttachmentController');

  constructor(
    @Inject(UploadAttachment) private readonly upload: UploadAttachment,
    @Inject(ReadAttachments) private readonly read: ReadAttachments,
  ) {}

  @Post()
  @UseGuards(AttachmentUploadGuard)
  @UseInterceptors(AttachmentUploadInterceptor)
  @ApiOperation({
    summary: '上传整改材料/佐证材料',
    description: `牵头单位、配合单位和领导小组办公室可上传。单个文件不超过 ${MAX_ATTACHMENT_LABEL}（超过为 413）；类型按文件内容判定，仅限 ${ALLOWED_TYPES_LABEL}（其他为 415）。上传后在制定方案、报送进展和整改完成时按 id 引用。`,
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadAttachmentBody })
  @ApiCreatedResponse({ type: AttachmentViewDto })
  @ApiPayloadTooLargeResponse({ description: `文件超过 ${MAX_ATTACHMENT_LABEL}` })
  @ApiUnsupportedMediaTypeResponse({ description: '文件类型不允许' })
  async create(@ItemId() id: string, @UploadedFile() file: StagedUpload | undefined, @CurrentActor() actor: Actor): Promise<AttachmentView> {
    if (!file) throw missingFileError();
    return toAttachmentView(await this.upload.execute(id, file, actor));
  }

  @Get()
  @ApiOperation({ summary: '整改问题的材料列表（按上传时间）' })
  @ApiOkResponse({ type: AttachmentListDto })
  async list(@ItemId() id: string, @CurrentActor() actor: Actor): Promise<{ items: AttachmentView[] }> {
    return { items: (await this.read.list(id, actor)).map(toAttachmentView) };
  }

  @Get(':attachmentId')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'private, no-store')
  @ApiOperation({ summary: '下载材料（原文件名、按内容判定的类型）' })
  @ApiProduces(...Object.values(ATTACHMENT_TYPES))
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  async download(
    @ItemId() id: string,
    @Param('attachmentId', new ParseUUIDPipe({ version: '4' })) attachmentId: string,
    @CurrentActor() actor: Actor,
  ): Promise<StreamableFile> {
    const { attachment, content } = await this.read.open(id, attachmentId, actor);
    return new StreamableFile(content, {
      type: attachment.contentType,
      length: attachment.size,
      // Also for files stored before names followed their type.
      disposition: contentDisposition(filenameForType(attachment.filename, attachment.contentType)),
    }).setErrorHandler((error, handlerResponse) => {
      const response = handlerResponse as unknown as Response;
      this.logger.error(`attachment ${attachment._id}: ${error.message}`);
      if (response.destroyed) return;
      // Mid-body: cut the connection so the client cannot take a truncated file for a whole one.
      if (response.headersSent) return void response.destroy();
      for (const header of ['Content-Type', 'Content-Length', 'Content-Disposition']) response.removeHeader(header);
      response.status(500).json({ error: { code: 'internal', message: '服务器内部错误' } });
    });
  }
}
