import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Recorded workflow histories, replayed against the current code by replay.workflow.test.ts. */
export const HISTORY_DIR = fileURLToPath(new URL('../../histories/', import.meta.url));

const { History } = temporal.api.history.v1;

interface HistoryFixture {
  readonly workflowType: string;
  readonly recordedAt: string;
  readonly events: number;
  /** The history as binary protobuf, base64: the one encoding that round-trips exactly. */
  readonly protobufBase64: string;
}

/**
 * With DUBAN_RECORD_HISTORIES set (`npm run record-histories`), saves the workflow's history as a
 * fixture. Record again only when a change is meant to be incompatible and ships as a new workflow
 * type or behind `patched()` — see docs/architecture.md, Workflow versioning.
 */
export async function recordHistory(handle: Pick<WorkflowHandle, 'fetchHistory'>, name: string): Promise<void> {
  if (!process.env.DUBAN_RECORD_HISTORIES) return;
  const history = await handle.fetchHistory();
  const fixture: HistoryFixture = {
    workflowType: history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? 'unknown',
    recordedAt: new Date().toISOString(),
    events: history.events?.length ?? 0,
    protobufBase64: Buffer.from(History.encode(History.fromObject(history)).finish()).toString('base64'),
  };
  mkdirSync(HISTORY_DIR, { recursive: true });
  writeFileSync(join(HISTORY_DIR, `${name}.json`), `${JSON.stringify(fixture, null, 2)}\n`);
}

export function loadHistory(file: string): { workflowType: string; history: temporal.api.history.v1.IHistory } {
  const fixture = JSON.parse(readFileSync(join(HISTORY_DIR, file), 'utf8')) as HistoryFixture;
  return { workflowType: fixture.workflowType, history: History.decode(Buffer.from(fixture.protobufBase64, 'base64')) };
}
