import { Module } from '@nestjs/common';
import { AssignmentController } from './assignment.controller.js';
import { Assignments } from './assignments.usecases.js';
import { TaskListController } from './task-list.controller.js';
import { TaskListCircularController } from './task-list-circular.controller.js';
import { TaskListCirculars } from './circulars.usecases.js';
import { TaskListLedgerController } from './task-list-ledger.controller.js';
import { TaskLists } from './task-lists.usecases.js';

@Module({
  controllers: [TaskListController, TaskListLedgerController, TaskListCircularController, AssignmentController],
  providers: [TaskLists, Assignments, TaskListCirculars],
  exports: [TaskLists, Assignments],
})
export class TaskListModule {}
