import { Module } from '@nestjs/common';
import { RectificationModule } from '../rectification/rectification.module.js';
import { ImportController } from './import.controller.js';
import { ImportRectifications } from './import-rectifications.usecase.js';

@Module({ imports: [RectificationModule], controllers: [ImportController], providers: [ImportRectifications] })
export class ImportModule {}
