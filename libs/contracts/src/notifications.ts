/** Who receives a notification about a unit's item: DOMAIN.md — "reminders go to the handler, the unit leader and the office". */
export type Audience = 'handlers' | 'unit_leaders' | 'office' | 'leaders';

export type NotificationLevel = 'info' | 'blue' | 'yellow' | 'red';

/** A rectification item, a task assignment, a look-back, a published monthly list (its digest), a campaign. */
export type NotificationSubjectKind = 'rectification' | 'assignment' | 'lookback' | 'taskList' | 'campaign';

export interface NotificationRequest {
  /** Idempotency key, a business key such as `rect:<id>:notice:red:1`; the same key never notifies twice. */
  readonly key: string;
  /** The unit the notification is about; 'handlers' and 'unit_leaders' are resolved within it. */
  readonly unitId: string;
  readonly audience: readonly Audience[];
  readonly level: NotificationLevel;
  /** zh-CN, short. */
  readonly title: string;
  /** zh-CN, plain text or light markdown. */
  readonly body: string;
  /** What the notification points at, for the in-app link (a look-back: the inspector's queue). */
  readonly subject: { readonly kind: NotificationSubjectKind; readonly id: string };
}

export interface NotificationResult {
  /** In-app notifications stored (new ones only; 0 when the key was seen before). */
  readonly inApp: number;
  /** Outbound deliveries to start, one per webhook channel of the unit (and of the office for office audiences). */
  readonly deliveries: readonly { readonly deliveryId: string }[];
}

export interface NotificationActivities {
  /** Stores in-app notifications for every recipient and prepares webhook deliveries. Idempotent by `key`. */
  notify(request: NotificationRequest): Promise<NotificationResult>;
}

export const WEBHOOK_DELIVERY_WORKFLOW = 'webhookDeliveryWorkflow';
export const webhookDeliveryWorkflowId = (deliveryId: string) => `delivery:${deliveryId}`;

/** Input of `webhookDeliveryWorkflow`, started by the notifying workflow as an abandoned child. */
export interface WebhookDeliveryInput {
  readonly deliveryId: string;
}

/** How a delivery ended; the delivery workflow never fails, a channel that stays down ends as 'failed'. */
export interface WebhookDeliveryOutcome {
  readonly status: 'delivered' | 'failed';
  readonly reason?: string;
}

/** Activities of `webhookDeliveryWorkflow`. */
export interface WebhookDeliveryActivities {
  /** POSTs the delivery to its channel once and records the attempt; throws (so Temporal retries) unless the channel accepted it. */
  deliverWebhook(deliveryId: string): Promise<void>;
  /** Records that the delivery was given up after its last attempt. */
  markDeliveryFailed(deliveryId: string, reason: string): Promise<void>;
}
