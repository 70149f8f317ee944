import { HttpException, HttpStatus, Injectable, PayloadTooLargeException, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { memoryStorage } from 'multer';
import type { Observable } from 'rxjs';
import { ApiError } from '../common/api-error.js';

export const IMPORT_FIELD = 'file';
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

/** Reads the one `file` field (≤ 5 MiB, kept in memory: exceljs parses a workbook whole) and the small text fields. */
@Injectable()
export class ImportUploadInterceptor implements NestInterceptor {
  private readonly multer: NestInterceptor;

  constructor() {
    const Multer = FileInterceptor(IMPORT_FIELD, {
      storage: memoryStorage(),
      defParamCharset: 'utf8',
      limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 5, fieldSize: 16 * 1024, parts: 6 },
    });
    this.multer = new Multer();
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    try {
      return (await this.multer.intercept(context, next)) as Observable<unknown>;
    } catch (error) {
      if (error instanceof ApiError) throw error;
      if (error instanceof PayloadTooLargeException) {
        throw new ApiError(HttpStatus.PAYLOAD_TOO_LARGE, 'payload_too_large', '文件超过 5 MiB 的上限', { fields: [{ field: IMPORT_FIELD, problems: ['文件超过 5 MiB 的上限'] }] });
      }
      if (error instanceof HttpException && error.getStatus() < 500) {
        throw ApiError.badInput(IMPORT_FIELD, `${IMPORT_FIELD}: 请以 multipart/form-data 上传一个 XLSX 文件（表单字段 ${IMPORT_FIELD}）`);
      }
      throw error;
    }
  }
}
