import { heartbeat } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import {
  WEBHOOK_DELIVERY_WORKFLOW,
  webhookDeliveryWorkflowId,
  type NotificationActivities,
  type NotificationRequest,
  type NotificationSubjectKind,
  type WebhookDeliveryInput,
} from '@duban/contracts';
import type { NotifyEffect } from '@duban/domain';

/** What an activity needs to tell units itself: the notification activity and a client for the webhook deliveries. */
export interface UnitNotifier {
  readonly notify: NotificationActivities['notify'];
  readonly client: Client;
  readonly taskQueue: string;
}

export const notificationAbout = (effect: NotifyEffect, subject: { readonly kind: NotificationSubjectKind; readonly id: string }): NotificationRequest => ({
  key: effect.key,
  unitId: effect.unitId,
  audience: effect.audience,
  level: effect.level,
  title: effect.title,
  body: effect.body,
  subject,
});

/**
 * Tells units from inside an activity, as a supervised item's workflow does from its own: in-app at once, each webhook
 * delivery as its own workflow. Notification and delivery ids derive from the request keys, so a retried activity
 * stores nothing twice and starts no delivery twice. Returns how many requests it carried out.
 */
export async function tellUnits({ notify, client, taskQueue }: UnitNotifier, requests: readonly NotificationRequest[]): Promise<number> {
  for (const [i, request] of requests.entries()) {
    const { deliveries } = await notify(request);
    for (const { deliveryId } of deliveries) {
      const args: [WebhookDeliveryInput] = [{ deliveryId }];
      try {
        await client.workflow.start(WEBHOOK_DELIVERY_WORKFLOW, {
          taskQueue,
          workflowId: webhookDeliveryWorkflowId(deliveryId),
          args,
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    }
    heartbeat(i + 1);
  }
  return requests.length;
}
