import { Module } from '@nestjs/common';
import { AttachmentModule } from '../attachment/attachment.module.js';
import { RectificationModule } from '../rectification/rectification.module.js';
import { InspectionController } from './inspection.controller.js';
import { LookBackController } from './lookback.controller.js';
import { Inspections } from './usecases/inspections.service.js';
import { LookBacks } from './usecases/lookbacks.service.js';

/** 暗访督导 and 回头看: `/api/inspections`, `/api/lookbacks`. */
@Module({
  imports: [RectificationModule, AttachmentModule],
  controllers: [InspectionController, LookBackController],
  providers: [Inspections, LookBacks],
})
export class InspectionModule {}
