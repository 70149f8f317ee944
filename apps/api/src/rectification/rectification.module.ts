import { Module } from '@nestjs/common';
import { EscalationController } from './escalation.controller.js';
import { RectificationController } from './rectification.controller.js';
import { ActOnRectification } from './usecases/act-on-rectification.usecase.js';
import { FindVisibleRectification } from './usecases/find-visible-rectification.usecase.js';
import { RegisterRectification } from './usecases/register-rectification.usecase.js';
import { ResolveEvidence } from './usecases/resolve-evidence.usecase.js';

@Module({
  controllers: [RectificationController, EscalationController],
  providers: [RegisterRectification, ActOnRectification, FindVisibleRectification, ResolveEvidence],
  exports: [FindVisibleRectification, ActOnRectification, RegisterRectification],
})
export class RectificationModule {}
