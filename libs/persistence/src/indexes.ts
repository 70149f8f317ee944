import type { Connection } from 'mongoose';
import { AssignmentReadModel, assignmentModel } from './assignments.js';
import { listDayModel } from './due-day-lists.js';
import { attachmentModel } from './attachments.js';
import { campaignModel } from './campaigns.js';
import { auditHeadModel, auditModel } from './audit.js';
import { inspectionModel, lookBackModel } from './inspections.js';
import { calendarOverrideModel } from './calendar-overrides.js';
import { idempotencyModel } from './idempotency.js';
import { NoticeRepository } from './notices.js';
import { notificationCountModel, notificationDayModel, notificationModel, notificationMonthModel } from './notifications.js';
import { RectificationReadModel, rectificationModel } from './rectifications.js';
import { rectificationCountModel } from './rectification-counts.js';
import { sessionModel } from './sessions.js';
import { taskListModel } from './task-lists.js';
import { taskTemplateModel } from './task-templates.js';
import { SettingsRepository } from './settings.js';
import { unitModel } from './units.js';
import { userSecurityModel } from './user-security.js';
import { userModel } from './users.js';
import { webhookChannelModel, webhookDeliveryModel } from './webhooks.js';

/** Registers every model on the connection, so that index creation and queries see all of them. */
export function registerModels(connection: Connection): void {
  [assignmentModel, listDayModel, taskListModel, campaignModel, taskTemplateModel, attachmentModel, calendarOverrideModel, idempotencyModel, inspectionModel, lookBackModel, notificationModel, notificationDayModel, notificationMonthModel, notificationCountModel, rectificationModel, rectificationCountModel, sessionModel, unitModel, userModel, userSecurityModel, webhookChannelModel, webhookDeliveryModel].forEach(
    (register) => register(connection),
  );
  new NoticeRepository(connection);
  new SettingsRepository(connection);
  auditModel(connection);
  auditHeadModel(connection);
}

/** Creates the indexes every model declares (at start, before serving); FerretDB and MongoDB both support them. */
export async function syncIndexes(connection: Connection): Promise<void> {
  registerModels(connection);
  for (const model of Object.values(connection.models)) await model.createIndexes();
}

/**
 * Gives items and assignments projected before the list buckets existed their keys and directory markers (once per
 * store; idempotent, safe beside running projections). Answers how many records of each it changed.
 */
export async function backfillListKeys(connection: Connection): Promise<{ rectifications: number; assignments: number }> {
  const rectifications = await new RectificationReadModel(connection).backfillInboxKeys();
  const assignments = await new AssignmentReadModel(connection).backfillListKeys();
  return { rectifications, assignments };
}
