import { heartbeat } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowIdReusePolicy } from '@temporalio/common';
import type { Connection } from 'mongoose';
import {
  ASSIGNMENT_WORKFLOW,
  TASK_LIST_WORKFLOW,
  assignmentWorkflowId,
  scheduleActor,
  taskListWorkflowId,
  type AssignmentWorkflowInput,
  type IssuedList,
  type MonthlyListActivities,
  type TaskListWorkflowInput,
} from '@duban/contracts';
import {
  assignmentSpecs,
  countAssignments,
  expandTarget,
  freezeItem,
  lastWorkingDayShift,
  templateItem,
  templatesDueIn,
  type Actor,
  type AssignmentSpec,
  type TaskListItem,
  type UnitKind,
} from '@duban/domain';
import { TaskListRepository, TaskTemplateRepository, UnitRepository, taskListId, toTaskTemplate, type TaskListRecord } from '@duban/persistence';
import { loadCalendar, shiftWorkingDaysWith } from '@duban/calendar';

export interface MonthlyListActivityDeps {
  readonly connection: Connection;
  /** Starts the list's taskListWorkflow, and assignments of items added to a list already out. */
  readonly client: Client;
  readonly taskQueue: string;
}

const view = (list: TaskListRecord, added: number): IssuedList => ({ listId: list._id, status: list.status, publishAt: list.publishAt, items: list.items.length, added });

/** Activities of the monthly Schedule's workflow: recurring obligations onto the month's list, then publication. */
export function createMonthlyListActivities({ connection, client, taskQueue }: MonthlyListActivityDeps): MonthlyListActivities {
  const lists = new TaskListRepository(connection);
  const templates = new TaskTemplateRepository(connection);
  const units = new UnitRepository(connection);

  async function issuingUnit(createdByUnits: readonly string[]): Promise<string> {
    return createdByUnits[0] ?? (await units.listByKind('office'))[0]?._id ?? 'office';
  }

  /** Items missing from a published snapshot, frozen as publishing would have frozen them. */
  async function freezeLate(list: TaskListRecord, items: readonly TaskListItem[]) {
    const lastDay = (await shiftWorkingDaysWith((from, to) => loadCalendar(connection, from, to), [lastWorkingDayShift(list.month)]))[0]!;
    const byKind = new Map<UnitKind, string[]>();
    for (const item of items) {
      if (item.target.kind === 'unitKind' && !byKind.has(item.target.unitKind)) {
        byKind.set(item.target.unitKind, (await units.listByKind(item.target.unitKind)).map((unit) => unit._id));
      }
    }
    return items.map((item) => freezeItem(item, list.month, expandTarget(item.target, (kind) => byKind.get(kind) ?? []), lastDay));
  }

  async function startAssignments(specs: readonly AssignmentSpec[], publishedBy: Actor): Promise<void> {
    for (const spec of specs) {
      const input: AssignmentWorkflowInput = { spec, publishedBy };
      try {
        await client.workflow.start(ASSIGNMENT_WORKFLOW, {
          taskQueue,
          workflowId: assignmentWorkflowId(taskQueue, spec.id),
          args: [input],
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
      heartbeat(spec.id);
    }
  }

  return {
    async addDueTemplateItems({ month, at, mustBePublished }) {
      const id = taskListId(month);
      const existing = await lists.findById(id);
      if (existing?.status === 'closed') return view(existing, 0);
      const records = await templates.listActive();
      const due = templatesDueIn(records.map(toTaskTemplate), month);
      const items = due.map((template) => templateItem(template, month));
      const before = new Set((existing?.items ?? []).map((item) => item.id));
      const [y, m] = month.split('-');
      const list = await lists.addItems(
        id,
        {
          _id: id,
          month,
          title: `${y}年${Number(m)}月重点工作清单`,
          issuingUnitId: await issuingUnit(records.map((r) => r.createdBy.unitId)),
          status: 'draft',
          publishAt: null,
          published: null,
          closed: null,
          createdAt: at,
          updatedAt: at,
        },
        items,
      );
      const added = items.filter((item) => !before.has(item.id)).length;
      if (!list.published) {
        if (mustBePublished) throw ApplicationFailure.retryable(`task list ${id} is not published yet`, 'NotPublishedYet');
        return view(list, added);
      }
      // Out already (published by the office before the schedule ran, or frozen while the items went in): freeze the
      // missing ones into the snapshot, then make sure every template item's assignments run (a retry starts none twice).
      const inSnapshot = new Set(list.published.items.map((item) => item.id));
      const late = items.filter((item) => !inSnapshot.has(item.id));
      if (late.length > 0) {
        const frozen = await freezeLate(list, late);
        await lists.addPublishedItems(id, frozen, countAssignments(frozen));
      }
      const current = (await lists.findById(id))!;
      const ours = new Set(items.map((item) => item.id));
      const publishedBy: Actor = { ...current.published!.by, roles: ['office'] };
      await startAssignments(
        assignmentSpecs({ id, title: current.title, month, items: current.published!.items.filter((item) => ours.has(item.id)) }),
        publishedBy,
      );
      return view(current, added);
    },

    async publishIssuedList({ listId, at }) {
      const claimed = await lists.markScheduled(listId, at, at);
      const list = claimed ?? (await lists.findById(listId));
      if (!list) throw new Error(`task list ${listId} not found`);
      // Ours when it was claimed at this run's instant (a retry after the claim finds it so); else the office's, whose
      // own publish call starts the workflow.
      if (list.status === 'scheduled' && list.publishAt === at) {
        const input: TaskListWorkflowInput = { listId, publishedBy: scheduleActor(list.issuingUnitId) };
        try {
          await client.workflow.start(TASK_LIST_WORKFLOW, {
            workflowId: taskListWorkflowId(taskQueue, listId),
            taskQueue,
            args: [input],
            workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          });
        } catch (error) {
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        }
      }
      return view(list, 0);
    },
  };
}
