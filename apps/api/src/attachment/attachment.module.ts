import { Module } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { AttachmentRepository } from '@duban/persistence';
import { DATABASE } from '../infrastructure/tokens.js';
import { RectificationModule } from '../rectification/rectification.module.js';
import { AttachmentController } from './attachment.controller.js';
import { ReadAttachments } from './usecases/read-attachments.usecase.js';
import { UploadAttachment } from './usecases/upload-attachment.usecase.js';

/** Evidence attachments of rectification items: `/api/rectifications/:id/attachments`. */
@Module({
  imports: [RectificationModule],
  controllers: [AttachmentController],
  providers: [
    { provide: AttachmentRepository, useFactory: (database: Connection) => new AttachmentRepository(database), inject: [DATABASE] },
    UploadAttachment,
    ReadAttachments,
  ],
  exports: [AttachmentRepository],
})
export class AttachmentModule {}
