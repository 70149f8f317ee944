import { DefaultLogger, Runtime } from '@temporalio/worker';

/** Temporal's runtime logs every worker state change at INFO; tests want errors only (expected activity retries warn by design). Once per process. */
export function quietTemporalLogs(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // already installed in this process
  }
}
