import { Inject, Injectable } from '@nestjs/common';
import { actorRef, type Actor } from '@duban/domain';
import { AttachmentRepository, type AttachmentRecord } from '@duban/persistence';
import { CLOCK, type Clock } from '../../infrastructure/tokens.js';
import { FindVisibleRectification } from '../../rectification/usecases/find-visible-rectification.usecase.js';
import { mayUploadAttachment } from '../attachment-policy.js';
import { mayNotUpload } from '../attachment-upload.guard.js';
import type { StagedUpload } from '../attachment-upload.interceptor.js';

/** Makes a staged upload an attachment of the item, or discards it: nothing half-stored stays behind. */
@Injectable()
export class UploadAttachment {
  constructor(
    @Inject(AttachmentRepository) private readonly attachments: AttachmentRepository,
    @Inject(FindVisibleRectification) private readonly findVisible: FindVisibleRectification,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(itemId: string, upload: StagedUpload, actor: Actor): Promise<AttachmentRecord> {
    try {
      const item = await this.findVisible.execute(itemId, actor);
      if (!mayUploadAttachment(actor, item)) throw mayNotUpload();
    } catch (error) {
      await this.attachments.discard(upload.staged).catch(() => undefined);
      throw error;
    }
    // commit() removes the staged content itself when the row cannot be written.
    return this.attachments.commit(upload.staged, {
      itemId,
      filename: upload.originalname,
      uploadedBy: actorRef(actor),
      uploadedAt: this.clock.now(),
    });
  }
}
