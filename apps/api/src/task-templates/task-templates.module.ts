import { Module } from '@nestjs/common';
import { TaskTemplateController } from './task-templates.controller.js';
import { TaskTemplates } from './task-templates.usecases.js';

@Module({
  controllers: [TaskTemplateController],
  providers: [TaskTemplates],
})
export class TaskTemplatesModule {}
