import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory, ActivityExecuteInput, Next } from '@temporalio/worker';

/**
 * For the fault suite only (`DUBAN_FAULT_ACTIVITY_CRASHES=N`): the first N activity executions of this process
 * crash *after* the activity's writes and before it answers — the worst moment for a retry, since the side effect
 * is done but Temporal does not know. The retry must find the effect done (idempotent by business key).
 */
export function crashAfterWrites(crashes: number): ActivityInterceptorsFactory {
  let left = crashes;
  return (context) => ({
    inbound: {
      async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>) {
        const result = await next(input);
        // Only first attempts: each activity crashes at most once, so its retry (1 s later) is the one that answers.
        if (left > 0 && context.info.attempt === 1) {
          left -= 1;
          throw new Error('injected crash after the write (fault suite)'); // a plain Error: retried like any crash
        }
        return result;
      },
    },
  });
}

export function injectedCrashesFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.DUBAN_FAULT_ACTIVITY_CRASHES ?? 0);
  return Number.isInteger(value) && value > 0 ? value : 0;
}
