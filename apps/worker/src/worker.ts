import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Connection } from 'mongoose';
import { TASK_QUEUE } from '@duban/contracts';
import { DEFAULT_MAX_CACHED_WORKFLOWS, type WebhookAllowList } from '@duban/config';
import { Client } from '@temporalio/client';
import { RectificationCounts } from '@duban/persistence';
import {
  createAssignmentActivities,
  createCalendarActivities,
  createCampaignActivities,
  createInspectionActivities,
  createNotificationActivities,
  createRectificationActivities,
  createTaskListActivities,
  createMonthlyListActivities,
} from '@duban/activities';

export interface DubanWorkerOptions {
  readonly temporal: NativeConnection;
  readonly namespace: string;
  readonly database: Connection;
  readonly workflowBundle: NonNullable<WorkerOptions['workflowBundle']>;
  readonly taskQueue?: string;
  /** Workflows kept in the sticky cache (`WORKER_MAX_CACHED_WORKFLOWS`); see `DEFAULT_MAX_CACHED_WORKFLOWS`. */
  readonly maxCachedWorkflows?: number;
  /** Internal destinations webhooks may reach all the same (DUBAN_WEBHOOK_ALLOWED_HOSTS); none when absent. */
  readonly webhookAllowList?: WebhookAllowList;
  /** Extra activity interceptors (the fault suite's injected crashes). */
  readonly activityInterceptors?: NonNullable<NonNullable<WorkerOptions['interceptors']>['activity']>;
}

/**
 * The worker: every workflow type and the activities, bound to the database connection. Before it polls, the counts
 * read model is built from the items if it never was (an install upgraded with items already stored).
 */
export async function createDubanWorker(options: DubanWorkerOptions): Promise<Worker> {
  await RectificationCounts.of(options.database).ensureBuilt();
  const taskQueue = options.taskQueue ?? TASK_QUEUE;
  // Task-list activities start and update assignment workflows; the worker's connection serves that client too.
  const client = new Client({ connection: options.temporal, namespace: options.namespace });
  // One notification activity, with the operator's webhook settings, also tells units from the list and campaign activities.
  const notifications = createNotificationActivities(options.database, { webhookAllowList: options.webhookAllowList });
  return Worker.create({
    connection: options.temporal,
    namespace: options.namespace,
    taskQueue,
    workflowBundle: options.workflowBundle,
    // On SIGTERM/SIGINT: activities in flight get this long to finish; then they are cancelled and Temporal retries them.
    shutdownGraceTime: '10 seconds',
    maxCachedWorkflows: options.maxCachedWorkflows ?? DEFAULT_MAX_CACHED_WORKFLOWS,
    ...(options.activityInterceptors ? { interceptors: { activity: [...options.activityInterceptors] } } : {}),
    activities: {
      ...createRectificationActivities(options.database),
      ...notifications,
      ...createCalendarActivities(options.database),
      ...createInspectionActivities(options.database),
      ...createAssignmentActivities(options.database),
      ...createTaskListActivities({ connection: options.database, client, taskQueue, notify: notifications.notify }),
      ...createCampaignActivities({ connection: options.database, client, taskQueue, notify: notifications.notify }),
      ...createMonthlyListActivities({ connection: options.database, client, taskQueue }),
    },
  });
}
