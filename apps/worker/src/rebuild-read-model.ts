import type { Connection } from 'mongoose';
import { createRectificationActivities } from '@duban/activities';
import { RECTIFICATION_WORKFLOW, stateQuery, type RectificationActivities } from '@duban/contracts';
import type { connectTemporalClient } from '@duban/temporal';

type TemporalClient = Awaited<ReturnType<typeof connectTemporalClient>>;
type RectificationState = Parameters<RectificationActivities['projectRectification']>[0];

export interface RebuildOptions {
  readonly temporal: TemporalClient;
  readonly database: Connection;
  /** Narrows the visibility query, e.g. `TaskQueue = 'duban'`. */
  readonly filter?: string;
  /** How many workflows are read at once. */
  readonly concurrency?: number;
}

export interface RebuildReport {
  /** Items projected: running ones from their `state` query, closed ones from their result. */
  readonly projected: number;
  /** Runs that continued as new (their successor carries the state) or ended without a state (failed, terminated). */
  readonly skipped: number;
}

/**
 * Rebuilds the `rectifications` read model from the workflows, which own the state: every item found in Temporal
 * visibility is projected again through the same idempotent, version-monotonic projection the workflow uses, so it
 * may run while the system runs and never moves a record backwards. Running items are queried (a worker must be
 * polling); closed ones are read from their result. Items whose closed runs Temporal's retention has removed are
 * not in visibility any more: their records are left as they are.
 */
export async function rebuildReadModel(options: RebuildOptions): Promise<RebuildReport> {
  const { projectRectification } = createRectificationActivities(options.database);
  const query = `WorkflowType = '${RECTIFICATION_WORKFLOW}'${options.filter ? ` AND ${options.filter}` : ''}`;
  const pending = new Set<Promise<void>>();
  let projected = 0;
  let skipped = 0;

  const rebuildOne = async (workflowId: string, runId: string, status: string) => {
    const handle = options.temporal.workflow.getHandle(workflowId, runId, { followRuns: false });
    let state: RectificationState | undefined;
    if (status === 'RUNNING') state = await handle.query(stateQuery);
    else if (status === 'COMPLETED') state = (await handle.result()) as RectificationState;
    if (!state) {
      skipped += 1;
      return;
    }
    await projectRectification(state);
    projected += 1;
  };

  for await (const execution of options.temporal.workflow.list({ query })) {
    const task = rebuildOne(execution.workflowId, execution.runId, execution.status.name).finally(() => pending.delete(task));
    pending.add(task);
    if (pending.size >= (options.concurrency ?? 8)) await Promise.race(pending);
  }
  await Promise.all(pending);
  return { projected, skipped };
}
