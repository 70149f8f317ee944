import { Inject, Injectable } from '@nestjs/common';
import type { Connection } from 'mongoose';
import type { EvidenceRef } from '@duban/domain';
import { AttachmentRepository } from '@duban/persistence';
import { ApiError } from '../../common/api-error.js';
import { DATABASE } from '../../infrastructure/tokens.js';

/** Turns attachment ids from a request into evidence references, refusing ids that are not this item's uploads. */
@Injectable()
export class ResolveEvidence {
  private readonly attachments: AttachmentRepository;
  constructor(@Inject(DATABASE) database: Connection) {
    this.attachments = new AttachmentRepository(database);
  }

  async execute(itemId: string, attachmentIds: readonly string[] | undefined): Promise<EvidenceRef[]> {
    if (!attachmentIds || attachmentIds.length === 0) return [];
    const found = await this.attachments.findForItem(itemId, attachmentIds);
    const known = new Map(found.map((a) => [a._id, a]));
    const missing = attachmentIds.filter((id) => !known.has(id));
    if (missing.length > 0) throw ApiError.badInput('attachmentIds', `attachmentIds: 附件不存在或不属于该问题：${missing.join('、')}`);
    return attachmentIds.map((id) => {
      const a = known.get(id)!;
      return { id, filename: a.filename, sha256: a.sha256, size: a.size };
    });
  }
}
