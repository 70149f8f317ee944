import { HttpStatus, Inject, Injectable, ParseUUIDPipe, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Actor } from '@duban/domain';
import type { Request } from 'express';
import { ApiError } from '../common/api-error.js';
import { FindVisibleRectification } from '../rectification/usecases/find-visible-rectification.usecase.js';
import { mayUploadAttachment } from './attachment-policy.js';

/**
 * Decides before a byte of the body is read: a malformed id is a 400, an item the caller may not see a 404,
 * and seeing it without being its lead unit, a co-unit or the office a 403. The handler checks again.
 */
@Injectable()
export class AttachmentUploadGuard implements CanActivate {
  private readonly itemId = new ParseUUIDPipe({ version: '4' });

  constructor(@Inject(FindVisibleRectification) private readonly findVisible: FindVisibleRectification) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request<{ id: string }> & { actor: Actor }>();
    const id = await this.itemId.transform(request.params.id, { type: 'param', data: 'id' });
    if (!id) throw ApiError.notFound('整改问题');
    const item = await this.findVisible.execute(id, request.actor);
    if (!mayUploadAttachment(request.actor, item)) throw mayNotUpload();
    return true;
  }
}

export const mayNotUpload = () => new ApiError(HttpStatus.FORBIDDEN, 'not_permitted', '只有牵头单位、配合单位和领导小组办公室可以上传整改材料');
