import { Module } from '@nestjs/common';
import { RectificationController } from './rectification.controller.js';
import { ActOnRectification } from './usecases/act-on-rectification.usecase.js';
import { FindVisibleRectification } from './usecases/find-visible-rectification.usecase.js';
import { RegisterRectification } from './usecases/register-rectification.usecase.js';

@Module({
  controllers: [RectificationController],
  providers: [RegisterRectification, ActOnRectification, FindVisibleRectification],
})
export class RectificationModule {}
