import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { Actor } from '@duban/domain';
import { AttachmentRepository, type AttachmentRecord } from '@duban/persistence';
import { ApiError } from '../../common/api-error.js';
import { FindVisibleRectification } from '../../rectification/usecases/find-visible-rectification.usecase.js';

/** An item's attachments for whoever may see the item; 404 for everyone else, as for the item itself. */
@Injectable()
export class ReadAttachments {
  constructor(
    @Inject(AttachmentRepository) private readonly attachments: AttachmentRepository,
    @Inject(FindVisibleRectification) private readonly findVisible: FindVisibleRectification,
  ) {}

  async list(itemId: string, actor: Actor): Promise<AttachmentRecord[]> {
    await this.findVisible.execute(itemId, actor);
    return this.attachments.listForItem(itemId);
  }

  async open(itemId: string, attachmentId: string, actor: Actor): Promise<{ attachment: AttachmentRecord; content: Readable }> {
    await this.findVisible.execute(itemId, actor);
    const [attachment] = await this.attachments.findForItem(itemId, [attachmentId]);
    if (!attachment) throw ApiError.notFound('附件');
    const content = await this.attachments.openDownloadStream(attachment);
    if (!content) throw new Error(`content ${attachment.storageKey} of attachment ${attachment._id} is missing`);
    return { attachment, content };
  }
}
