import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/worker';
import { pino, type Logger } from 'pino';

/** `LOG_LEVEL` (pino levels: fatal … trace, silent); `info` by default, `silent` inside the test runner. */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.LOG_LEVEL || (env.VITEST ? 'silent' : 'info');
}

/** The worker's structured JSON log on stdout. */
export function createWorkerLogger(level = logLevelFromEnv()): Logger {
  // Temporal hands failures as `error` (an Error): serialized with message and stack instead of `{}`.
  return pino({ name: 'worker', level, base: { service: 'duban-worker', pid: process.pid }, serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err } });
}

const RANK: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };
const PINO_METHOD = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * Temporal's runtime logger into pino. Temporal logs every worker state change at INFO, so only WARN and above
 * pass by default (`TEMPORAL_LOG_LEVEL` lowers it). Activity and workflow messages carry Temporal's own metadata
 * — `workflowId`, `runId`, `activityType`, `attempt` … — as fields of the JSON line.
 */
export function temporalLogger(logger: Logger, minimum: LogLevel = (process.env.TEMPORAL_LOG_LEVEL as LogLevel | undefined) ?? 'WARN'): TemporalLogger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => {
    if (RANK[level] < RANK[minimum]) return;
    logger[PINO_METHOD[level]]({ source: 'temporal', ...meta }, message);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}
