import { sleep } from '@temporalio/workflow';

/** The raw-Temporal baseline of the fan-out: a workflow that does nothing but complete. */
export async function trivialWorkflow(index: number): Promise<number> {
  return index;
}

/**
 * The raw-Temporal baseline of the timers: sleeps until `dueAtMs`, then completes with the workflow clock at
 * waking, which is when its worker started the timer's workflow task (as an item's notice `issuedAt` is).
 */
export async function trivialTimerWorkflow(dueAtMs: number): Promise<number> {
  const wait = dueAtMs - Date.now();
  if (wait > 0) await sleep(wait);
  return Date.now();
}
