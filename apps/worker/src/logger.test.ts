import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { temporalLogger } from './logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: pino({ level: 'trace', serializers: { error: pino.stdSerializers.err } }, stream) };
}

describe('Temporal runtime logs into pino', () => {
  it('passes WARN and ERROR by default, with Temporal metadata as fields', async () => {
    const { lines, logger } = capture();
    const temporal = temporalLogger(logger, 'WARN');
    temporal.info('Worker state changed');
    temporal.warn('Activity failed', { workflowId: 'rect:1', activityType: 'projectRectification', error: new Error('boom') });
    temporal.error('Worker failed');
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => l.msg)).toEqual(['Activity failed', 'Worker failed']);
    expect(lines[0]).toMatchObject({ level: 40, source: 'temporal', workflowId: 'rect:1', activityType: 'projectRectification', error: { message: 'boom' } });
  });

  it('lets a lower minimum through when asked', async () => {
    const { lines, logger } = capture();
    temporalLogger(logger, 'DEBUG').debug('poll');
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => l.msg)).toEqual(['poll']);
  });
});
