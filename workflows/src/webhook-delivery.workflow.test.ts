import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WEBHOOK_DELIVERY_WORKFLOW, webhookDeliveryWorkflowId, type WebhookDeliveryActivities } from '@duban/contracts';
import './testing/provided.js';
import { recordHistory } from './testing/histories.js';
import type { webhookDeliveryWorkflow } from './webhook-delivery.workflow.js';

const TASK_QUEUE = 'delivery-test';

let env: TestWorkflowEnvironment;
let worker: Worker;
let workerRun: Promise<void>;

/** Every call of the stub activities, the Temporal way: recording functions instead of HTTP and a database. */
const attempts: { deliveryId: string; attempt: number; atMs: number }[] = [];
const markedFailed: { deliveryId: string; reason: string }[] = [];

/** How each stub channel answers, by delivery id: how many times it fails before it accepts (Infinity: never). */
const failuresBeforeSuccess: Record<string, number> = { healthy: 0, flaky: 2, down: Infinity };

const activities: WebhookDeliveryActivities = {
  async deliverWebhook(deliveryId) {
    const info = Context.current().info;
    attempts.push({ deliveryId, attempt: info.attempt, atMs: await env.currentTimeMs() });
    if (deliveryId === 'deleted-channel') throw ApplicationFailure.nonRetryable('推送渠道已删除或已停用', 'WebhookChannelGone');
    const failures = failuresBeforeSuccess[deliveryId] ?? 0;
    if (info.attempt <= failures) throw ApplicationFailure.retryable(`HTTP 500：第 ${info.attempt} 次失败`, 'WebhookDeliveryFailed');
  },
  async markDeliveryFailed(deliveryId, reason) {
    markedFailed.push({ deliveryId, reason });
  },
};

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('testServerLauncher') } },
  });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowBundle: { code: readFileSync(inject('workflowBundlePath'), 'utf8') },
    activities,
  });
  workerRun = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await workerRun;
  await env?.teardown();
});

async function deliver(deliveryId: string) {
  const handle = await env.client.workflow.start<typeof webhookDeliveryWorkflow>(WEBHOOK_DELIVERY_WORKFLOW, {
    workflowId: webhookDeliveryWorkflowId(deliveryId),
    taskQueue: TASK_QUEUE,
    args: [{ deliveryId }],
  });
  const outcome = await handle.result();
  const { status } = await handle.describe();
  await recordHistory(handle, `webhook-delivery-${deliveryId}`);
  return { outcome, status: status.name, attempts: attempts.filter((a) => a.deliveryId === deliveryId) };
}

/** Seconds between consecutive attempts on the test server's (skipped) clock. */
const gaps = (list: { atMs: number }[]) => list.slice(1).map((a, i) => Math.round((a.atMs - list[i]!.atMs) / 1000));

describe('webhook delivery workflow', () => {
  it('delivers once when the channel accepts at the first attempt', async () => {
    const run = await deliver('healthy');
    expect(run.outcome).toEqual({ status: 'delivered' });
    expect(run.status).toBe('COMPLETED');
    expect(run.attempts.map((a) => a.attempt)).toEqual([1]);
    expect(markedFailed.filter((m) => m.deliveryId === 'healthy')).toEqual([]);
  });

  it('retries a failing channel with backoff (5 s, then 10 s) until it accepts', async () => {
    const run = await deliver('flaky');
    expect(run.outcome).toEqual({ status: 'delivered' });
    expect(run.attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(gaps(run.attempts)).toEqual([5, 10]);
    expect(markedFailed.filter((m) => m.deliveryId === 'flaky')).toEqual([]);
  });

  it('gives up on a channel that stays down after 8 attempts, marks the delivery failed and still completes', async () => {
    const run = await deliver('down');
    expect(run.attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Exponential backoff capped at 10 minutes: about ten and a half minutes from the first attempt to the last.
    expect(gaps(run.attempts)).toEqual([5, 10, 20, 40, 80, 160, 320]);
    expect(run.status).toBe('COMPLETED');
    expect(run.outcome).toEqual({ status: 'failed', reason: 'HTTP 500：第 8 次失败' });
    expect(markedFailed.filter((m) => m.deliveryId === 'down')).toEqual([{ deliveryId: 'down', reason: 'HTTP 500：第 8 次失败' }]);
  });

  it('does not retry a channel that was deleted: marks the delivery failed at once', async () => {
    const run = await deliver('deleted-channel');
    expect(run.attempts.map((a) => a.attempt)).toEqual([1]);
    expect(run.status).toBe('COMPLETED');
    expect(run.outcome).toEqual({ status: 'failed', reason: '推送渠道已删除或已停用' });
    expect(markedFailed.filter((m) => m.deliveryId === 'deleted-channel')).toHaveLength(1);
  });
});
