import { ActivityFailure, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { WebhookDeliveryActivities, WebhookDeliveryInput, WebhookDeliveryOutcome } from '@duban/contracts';

/** Retries span about ten minutes (5 s, 10 s, 20 s … capped at 10 min, 8 attempts): long enough for a robot's rate limit or a short outage. */
const { deliverWebhook } = proxyActivities<WebhookDeliveryActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 8 },
});

const { markDeliveryFailed } = proxyActivities<WebhookDeliveryActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * One outbound webhook delivery, started by the notifying workflow as an abandoned child. A channel that
 * stays down ends as a failed delivery record; the workflow itself completes normally either way.
 */
export async function webhookDeliveryWorkflow({ deliveryId }: WebhookDeliveryInput): Promise<WebhookDeliveryOutcome> {
  try {
    await deliverWebhook(deliveryId);
    return { status: 'delivered' };
  } catch (error) {
    if (isCancellation(error)) throw error;
    const reason = failureReason(error);
    await markDeliveryFailed(deliveryId, reason);
    return { status: 'failed', reason };
  }
}

function failureReason(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}
