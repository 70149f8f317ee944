import type { Connection } from 'mongoose';
import { createAssignmentActivities, createRectificationActivities } from '@duban/activities';
import { ASSIGNMENT_WORKFLOW, RECTIFICATION_WORKFLOW, assignmentStateQuery, stateQuery } from '@duban/contracts';
import type { connectTemporalClient } from '@duban/temporal';

type TemporalClient = Awaited<ReturnType<typeof connectTemporalClient>>;

export interface RebuildOptions {
  readonly temporal: TemporalClient;
  readonly database: Connection;
  /** Narrows the visibility query, e.g. `TaskQueue = 'duban'`. */
  readonly filter?: string;
  /** How many workflows are read at once. */
  readonly concurrency?: number;
}

export interface RebuildReport {
  /** Records projected: running workflows from their `state` query, closed ones from their result. */
  readonly projected: number;
  /** Runs that continued as new (their successor carries the state) or ended without a state (failed, terminated). */
  readonly skipped: number;
  /** Projected per read-model collection. */
  readonly byCollection: Readonly<Record<string, number>>;
}

/** A workflow type whose state a read-model collection projects: how to read that state and project it again. */
interface OwnedProjection {
  readonly workflowType: string;
  readonly collection: string;
  readonly queryState: (handle: ReturnType<TemporalClient['workflow']['getHandle']>) => Promise<unknown>;
  readonly project: (state: never) => Promise<unknown>;
}

function ownedProjections(database: Connection): OwnedProjection[] {
  return [
    { workflowType: RECTIFICATION_WORKFLOW, collection: 'rectifications', queryState: (handle) => handle.query(stateQuery), project: createRectificationActivities(database).projectRectification },
    { workflowType: ASSIGNMENT_WORKFLOW, collection: 'assignments', queryState: (handle) => handle.query(assignmentStateQuery), project: createAssignmentActivities(database).projectAssignment },
  ];
}

/**
 * Rebuilds the workflow-owned read model — rectification items and task-list assignments — from the workflows:
 * every execution found in Temporal visibility is projected again through the same idempotent, version-monotonic
 * projection the workflow uses, so it may run while the system runs and never moves a record backwards. Running
 * workflows are queried (a worker must be polling); closed ones are read from their result. Records whose closed runs
 * Temporal's retention has removed are not in visibility any more: they are left as they are.
 */
export async function rebuildReadModel(options: RebuildOptions): Promise<RebuildReport> {
  const pending = new Set<Promise<void>>();
  const byCollection: Record<string, number> = {};
  let skipped = 0;

  for (const owned of ownedProjections(options.database)) {
    byCollection[owned.collection] = 0;
    const rebuildOne = async (workflowId: string, runId: string, status: string) => {
      const handle = options.temporal.workflow.getHandle(workflowId, runId, { followRuns: false });
      let state: unknown;
      if (status === 'RUNNING') state = await owned.queryState(handle);
      else if (status === 'COMPLETED') state = await handle.result();
      if (!state) {
        skipped += 1;
        return;
      }
      await owned.project(state as never);
      byCollection[owned.collection]! += 1;
    };
    const query = `WorkflowType = '${owned.workflowType}'${options.filter ? ` AND ${options.filter}` : ''}`;
    for await (const execution of options.temporal.workflow.list({ query })) {
      const task = rebuildOne(execution.workflowId, execution.runId, execution.status.name).finally(() => pending.delete(task));
      pending.add(task);
      if (pending.size >= (options.concurrency ?? 8)) await Promise.race(pending);
    }
    await Promise.all(pending);
  }
  const projected = Object.values(byCollection).reduce((sum, n) => sum + n, 0);
  return { projected, skipped, byCollection };
}
