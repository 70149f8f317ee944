import { DefaultLogger, Runtime } from '@temporalio/worker';

/** Temporal's runtime logs every worker state change at INFO; tests want warnings and errors only. Once per process. */
export function quietTemporalLogs(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed in this process
  }
}
