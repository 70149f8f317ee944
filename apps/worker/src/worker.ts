import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Connection } from 'mongoose';
import { TASK_QUEUE } from '@duban/contracts';
import { createCalendarActivities, createInspectionActivities, createNotificationActivities, createRectificationActivities } from '@duban/activities';

export interface DubanWorkerOptions {
  readonly temporal: NativeConnection;
  readonly namespace: string;
  readonly database: Connection;
  readonly workflowBundle: NonNullable<WorkerOptions['workflowBundle']>;
  readonly taskQueue?: string;
}

/** The worker: every workflow type and the activities, bound to the database connection. */
export function createDubanWorker(options: DubanWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.temporal,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    workflowBundle: options.workflowBundle,
    activities: { ...createRectificationActivities(options.database), ...createNotificationActivities(options.database), ...createCalendarActivities(options.database), ...createInspectionActivities(options.database) },
  });
}
