import { ApiProperty } from '@nestjs/swagger';
import { ALLOWED_TYPES_LABEL, ATTACHMENT_TYPES, MAX_ATTACHMENT_LABEL } from '../attachment-policy.js';
import type { AttachmentView } from '../attachment-view.js';

/** The multipart body of an upload (OpenAPI only: multer reads it, not the validation pipe). */
export class UploadAttachmentBody {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: `整改材料/佐证材料，单个文件不超过 ${MAX_ATTACHMENT_LABEL}；类型按文件内容判定，仅限 ${ALLOWED_TYPES_LABEL}`,
  })
  file!: unknown;
}

class AttachmentUploaderDto {
  @ApiProperty() userId!: string;
  @ApiProperty({ example: '水利局张科长' }) name!: string;
  @ApiProperty({ example: 'water' }) unitId!: string;
}

export class AttachmentViewDto implements AttachmentView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', description: '整改问题 id' }) itemId!: string;
  @ApiProperty({ example: '整改前后对比照片.png', description: '上传时的文件名' }) filename!: string;
  @ApiProperty({ enum: Object.values(ATTACHMENT_TYPES), description: '按文件内容判定的类型' }) contentType!: string;
  @ApiProperty({ description: '字节数' }) size!: number;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$', description: '内容的 SHA-256（十六进制）' }) sha256!: string;
  @ApiProperty({ type: AttachmentUploaderDto }) uploadedBy!: AttachmentUploaderDto;
  @ApiProperty({ format: 'date-time' }) uploadedAt!: string;
}

export class AttachmentListDto {
  @ApiProperty({ type: [AttachmentViewDto] }) items!: AttachmentViewDto[];
}
