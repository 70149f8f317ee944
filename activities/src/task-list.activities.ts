import { heartbeat } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { Connection } from 'mongoose';
import {
  ASSIGNMENT_WORKFLOW,
  assignmentActUpdate,
  assignmentWorkflowId,
  type AssignmentActivities,
  type AssignmentWorkflowInput,
  type NotificationActivities,
  type TaskListActivities,
} from '@duban/contracts';
import {
  actorRef,
  assignmentSpecs,
  carryOverItem,
  countAssignments,
  endOfShanghaiDay,
  expandTarget,
  freezeItem,
  lastWorkingDayShift,
  nextMonth,
  endsQuarter,
  quarterOfMonth,
  quarterReviewAtClose,
  summarizeOutcomes,
  taskListDigest,
  tasksPerUnit,
  type UnitMonthResult,
  type Actor,
  type AssignmentSpec,
  type UnitKind,
} from '@duban/domain';
import { AssignmentReadModel, TaskListRepository, UnitRepository, taskListId, type TaskListRecord } from '@duban/persistence';
import { loadCalendar, shiftWorkingDaysWith } from '@duban/calendar';
import { createNotificationActivities } from './notifications.activities.js';
import { rememberedUnitScope } from './reference-cache.js';
import { notificationAbout, tellUnits } from './unit-notifications.js';

/** Activities of the assignment workflow. */
export function createAssignmentActivities(connection: Connection): AssignmentActivities {
  const readModel = new AssignmentReadModel(connection);
  const units = new UnitRepository(connection);
  const unitScopeOf = rememberedUnitScope(units);
  return {
    async projectAssignment(state) {
      await readModel.project(state, await unitScopeOf([state.leadUnitId, ...state.coUnitIds]));
      return { at: Date.now() };
    },
  };
}

export interface TaskListActivityDeps {
  readonly connection: Connection;
  /** Starts and updates assignment workflows (fan-out and month-end close). */
  readonly client: Client;
  readonly taskQueue: string;
  /** How units are told (the worker's notification activity, with its webhook settings); a plain one when absent. */
  readonly notify?: NotificationActivities['notify'];
}

const START_CONCURRENCY = 16;

/** Activities of the task-list workflow: freezing a list, fanning out its assignments, closing its month. */
export function createTaskListActivities({ connection, client, taskQueue, notify }: TaskListActivityDeps): TaskListActivities {
  const notifier = { notify: notify ?? createNotificationActivities(connection).notify, client, taskQueue };
  const lists = new TaskListRepository(connection);
  const units = new UnitRepository(connection);
  const assignments = new AssignmentReadModel(connection);

  const lastWorkingDay = async (month: string) =>
    (await shiftWorkingDaysWith((from, to) => loadCalendar(connection, from, to), [lastWorkingDayShift(month)]))[0]!;

  async function freeze(list: TaskListRecord, items: TaskListRecord['items']) {
    const lastDay = await lastWorkingDay(list.month);
    const byKind = new Map<UnitKind, string[]>();
    for (const item of items) {
      if (item.target.kind === 'unitKind' && !byKind.has(item.target.unitKind)) {
        byKind.set(item.target.unitKind, (await units.listByKind(item.target.unitKind)).map((unit) => unit._id));
      }
    }
    const frozen = items.map((item) => freezeItem(item, list.month, expandTarget(item.target, (kind) => byKind.get(kind) ?? []), lastDay));
    return { frozen, closeAt: endOfShanghaiDay(lastDay) };
  }

  const startAll = (specs: readonly AssignmentSpec[], publishedBy: Actor) => startAssignmentWorkflows({ client, taskQueue }, specs, publishedBy);

  return {
    async freezeTaskList({ listId, publishedBy, at }) {
      const list = await lists.findById(listId);
      if (!list) throw new Error(`task list ${listId} not found`);
      if (list.published) return { total: list.published.total, closeAt: list.published.closeAt };
      const { frozen, closeAt } = await freeze(list, list.items);
      const stored = await lists.markPublished(listId, { at, by: actorRef(publishedBy), items: frozen, total: countAssignments(frozen), closeAt });
      return { total: stored!.published!.total, closeAt: stored!.published!.closeAt };
    },

    async startAssignments({ listId, offset, limit, publishedBy }) {
      const list = await lists.findById(listId);
      if (!list?.published) throw new Error(`task list ${listId} is not published`);
      const specs = assignmentSpecs({ id: list._id, title: list.title, month: list.month, items: list.published.items }).slice(offset, offset + limit);
      return startAll(specs, publishedBy);
    },

    async notifyAssignedUnits({ listId }) {
      const list = await lists.findById(listId);
      if (!list?.published) throw new Error(`task list ${listId} is not published`);
      const specs = assignmentSpecs({ id: list._id, title: list.title, month: list.month, items: list.published.items });
      const subject = { kind: 'taskList', id: list._id } as const;
      const digests = tasksPerUnit(specs).map((count) => notificationAbout(taskListDigest({ id: list._id, title: list.title }, count), subject));
      return tellUnits(notifier, digests);
    },

    async closeOpenAssignments({ listId, limit, actor }) {
      // Open assignments are found in the read model, so every started one must be there first: an assignment
      // started just before an early close (or a backfilled month) would otherwise stay open under a closed list.
      // Throwing lets Temporal retry until the projections have caught up.
      const list = await lists.findById(listId);
      const projected = await assignments.countOfList(listId);
      if (list?.published && projected < list.published.total) {
        throw new Error(`task list ${listId}: ${projected} of ${list.published.total} assignments projected, waiting for the rest before closing`);
      }
      const ids = await assignments.openIds(listId, limit);
      let closed = 0;
      for (const id of ids) {
        try {
          await client.workflow.getHandle(assignmentWorkflowId(taskQueue, id)).executeUpdate(assignmentActUpdate, { args: [{ actor, command: { type: 'closeMonth' } }] });
          closed++;
        } catch (error) {
          // Finished meanwhile (signed off, or closed by an earlier attempt of this batch): nothing to close.
          if (!(error instanceof WorkflowUpdateFailedError || error instanceof WorkflowNotFoundError)) throw error;
        }
        heartbeat(closed);
      }
      return closed;
    },

    async finishMonthClose({ listId, at }) {
      const list = await lists.findById(listId);
      if (!list) throw new Error(`task list ${listId} not found`);
      if (list.closed) return list.closed.results;
      const all = await assignments.ofList(listId);
      const results = summarizeOutcomes(all);
      await carryOver(list, all.filter((a) => a.status === 'carried_over'), at);
      await lists.markClosed(listId, { at, results });
      await reviewQuarter(list, results, at);
      return results;
    },
  };

  /** A quarter's last month closing closes the quarter: its review (季度盘点) sums the three months per unit. */
  async function reviewQuarter(list: TaskListRecord, results: UnitMonthResult[], at: string): Promise<void> {
    if (!endsQuarter(list.month)) return;
    const closed = new Map<string, readonly UnitMonthResult[]>([[list.month, results]]);
    for (const month of quarterOfMonth(list.month).months.slice(0, 2)) {
      const earlier = (await lists.findById(taskListId(month)))?.closed?.results;
      if (earlier) closed.set(month, earlier);
    }
    await lists.recordQuarterReview(list._id, quarterReviewAtClose(list.month, at, (month) => closed.get(month) ?? null)!);
  }

  /** Unfinished assignments go into next month's list (结转): its draft, or straight into it when it is already out. */
  async function carryOver(list: TaskListRecord, carried: Parameters<typeof carryOverItem>[0][], at: string): Promise<void> {
    if (carried.length === 0) return;
    const month = nextMonth(list.month);
    const [y, m] = month.split('-');
    const items = carried.map((assignment) => carryOverItem(assignment));
    const next = await lists.addItems(
      taskListId(month),
      {
        _id: taskListId(month),
        month,
        title: `${y}年${Number(m)}月重点工作清单`,
        issuingUnitId: list.issuingUnitId,
        status: 'draft',
        publishAt: null,
        published: null,
        closed: null,
        createdAt: at,
        updatedAt: at,
      },
      items,
    );
    if (!next.published) return;
    const publishedIds = new Set(next.published.items.map((item) => item.id));
    const late = items.filter((item) => !publishedIds.has(item.id));
    if (late.length === 0) return;
    const { frozen } = await freeze(next, late);
    await lists.addPublishedItems(next._id, frozen, countAssignments(frozen));
    const publishedBy: Actor = { ...next.published.by, roles: ['office'] };
    await startAll(assignmentSpecs({ id: next._id, title: next.title, month: next.month, items: frozen }), publishedBy);
  }
}

/**
 * Starts assignment workflows (a few at a time), skipping any already started or already finished: ids derive from
 * the business key, so a retried batch starts nothing twice. Returns how many it started.
 */
export async function startAssignmentWorkflows(
  { client, taskQueue }: { readonly client: Client; readonly taskQueue: string },
  specs: readonly AssignmentSpec[],
  publishedBy: Actor,
): Promise<number> {
  let next = 0;
  let started = 0;
  const worker = async () => {
    while (next < specs.length) {
      const spec = specs[next++]!;
      const input: AssignmentWorkflowInput = { spec, publishedBy };
      try {
        await client.workflow.start(ASSIGNMENT_WORKFLOW, {
          taskQueue,
          workflowId: assignmentWorkflowId(taskQueue, spec.id),
          args: [input],
          // An assignment already run to its end must not start again when a batch is retried.
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        });
        started++;
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
      heartbeat(next);
    }
  };
  await Promise.all(Array.from({ length: Math.min(START_CONCURRENCY, specs.length) }, worker));
  return started;
}
