import {
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Request } from 'express';
import type { StorageEngine } from 'multer';
import type { Observable } from 'rxjs';
import { AttachmentRefused, AttachmentRepository, type StagedContent } from '@duban/persistence';
import { ApiError } from '../common/api-error.js';
import {
  ALLOWED_TYPES_LABEL,
  ATTACHMENT_FIELD,
  ATTACHMENT_TYPES,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENT_LABEL,
  cleanFilename,
  detectAttachmentType,
  filenameForType,
} from './attachment-policy.js';

/** What the route handler receives for the `file` field: content already written and checked, not yet an attachment. */
export interface StagedUpload {
  readonly fieldname: string;
  /** Cleaned (see `cleanFilename`), with the extension of the detected type (see `filenameForType`). */
  readonly originalname: string;
  readonly size: number;
  readonly staged: StagedContent;
}

/**
 * A multer storage engine that streams the file into the attachment store as it arrives: hashed, size-limited
 * and type-checked on the way, so nothing larger than the limit is held in memory and a refused file is dropped
 * after its first bytes.
 */
class StagingStorage implements StorageEngine {
  constructor(private readonly attachments: AttachmentRepository) {}

  _handleFile(_req: Request, file: Express.Multer.File, callback: (error?: unknown, info?: Partial<Express.Multer.File>) => void): void {
    const filename = cleanFilename(file.originalname);
    this.attachments
      .stage(file.stream, { maxBytes: MAX_ATTACHMENT_BYTES, detectType: (head) => detectAttachmentType(head, filename) })
      .then(
        (staged) => {
          const info: Partial<StagedUpload> = { originalname: filenameForType(filename, staged.contentType), size: staged.size, staged };
          callback(null, info as Partial<Express.Multer.File>);
        },
        (error: unknown) => callback(error),
      );
  }

  /** multer calls this when it fails the request after a file was staged (e.g. a second file, pipes refusing). */
  _removeFile(_req: Request, file: Express.Multer.File, callback: (error: Error | null) => void): void {
    const staged = (file as Partial<StagedUpload>).staged;
    if (!staged) return callback(null);
    this.attachments.discard(staged).then(
      () => callback(null),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  }
}

/**
 * Reads the one `file` field of a multipart upload into staged content (see {@link StagingStorage}); the handler
 * commits it or discards it. Runs after the route's guards, so nobody who may not upload gets a byte stored.
 * multer's and the store's refusals become the one error shape, naming the field `file`.
 */
@Injectable()
export class AttachmentUploadInterceptor implements NestInterceptor {
  private readonly multer: NestInterceptor;

  constructor(@Inject(AttachmentRepository) attachments: AttachmentRepository) {
    const Multer = FileInterceptor(ATTACHMENT_FIELD, {
      storage: new StagingStorage(attachments),
      // Browsers and fetch send the file name as raw UTF-8 in the part header; busboy's default is latin1.
      defParamCharset: 'utf8',
      limits: { fileSize: MAX_ATTACHMENT_BYTES, files: 1, fields: 10, fieldSize: 64 * 1024, parts: 11 },
    });
    this.multer = new Multer();
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    try {
      return (await this.multer.intercept(context, next)) as Observable<unknown>;
    } catch (error) {
      throw toUploadError(error);
    }
  }
}

/** An error about the uploaded file, naming the field `file` like the validation errors do. */
export function fileError(status: HttpStatus, code: string, problem: string, details: Record<string, unknown> = {}): ApiError {
  return new ApiError(status, code, problem, { fields: [{ field: ATTACHMENT_FIELD, problems: [problem] }], ...details });
}

export const missingFileError = () => fileError(HttpStatus.BAD_REQUEST, 'invalid_input', `请选择要上传的文件（表单字段 ${ATTACHMENT_FIELD}）`);

const tooLarge = () =>
  fileError(HttpStatus.PAYLOAD_TOO_LARGE, 'payload_too_large', `文件超过 ${MAX_ATTACHMENT_LABEL} 的上限`, { maxBytes: MAX_ATTACHMENT_BYTES });

const typeNotAllowed = () =>
  fileError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'unsupported_media_type', `不支持的文件类型：仅可上传 ${ALLOWED_TYPES_LABEL} 文件`, {
    allowedTypes: Object.values(ATTACHMENT_TYPES),
  });

function toUploadError(error: unknown): unknown {
  if (error instanceof ApiError) return error;
  if (error instanceof AttachmentRefused) {
    switch (error.reason) {
      case 'empty':
        return fileError(HttpStatus.BAD_REQUEST, 'invalid_input', '文件为空');
      case 'too_large':
        return tooLarge();
      case 'type_not_allowed':
        return typeNotAllowed();
    }
  }
  if (error instanceof PayloadTooLargeException) return tooLarge();
  if (error instanceof UnsupportedMediaTypeException) {
    return fileError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'unsupported_media_type', '请以 multipart/form-data 格式上传文件');
  }
  if (error instanceof HttpException && error.getStatus() === HttpStatus.BAD_REQUEST) {
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    if (code === 'LIMIT_UNEXPECTED_FILE' || code === 'LIMIT_FILE_COUNT') {
      return fileError(HttpStatus.BAD_REQUEST, 'invalid_input', `只能通过表单字段 ${ATTACHMENT_FIELD} 上传一个文件`);
    }
    return fileError(HttpStatus.BAD_REQUEST, 'invalid_input', '上传内容不是合法的 multipart/form-data');
  }
  // The client went away mid-upload (multer's own wording); nothing was kept.
  if (error instanceof Error && (error.message === 'Request aborted' || error.message === 'Request closed')) {
    return fileError(HttpStatus.BAD_REQUEST, 'invalid_input', '上传已中断');
  }
  return error;
}
