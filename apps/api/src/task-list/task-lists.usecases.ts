import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { Connection } from 'mongoose';
import { TASK_LIST_WORKFLOW, closeMonthEarlyUpdate, taskListWorkflowId, type TaskListWorkflowInput } from '@duban/contracts';
import {
  dueRuleProblem,
  milestonesProblem,
  rankUnits,
  startOfShanghaiDay,
  summarizeOutcomes,
  type Actor,
  type DueRule,
  type TaskListItem,
  type UnitMonthResult,
} from '@duban/domain';
import { AssignmentReadModel, TaskListRepository, UnitRepository, taskListId, type TaskListRecord } from '@duban/persistence';
import { ApiError } from '../common/api-error.js';
import { toApiError } from '../rectification/temporal-errors.js';
import { API_SETTINGS, CLOCK, DATABASE, TEMPORAL_CLIENT, type ApiSettings, type Clock } from '../infrastructure/tokens.js';
import type { PublishTaskListDto, TaskListDraftDto, TaskListItemDto, UpdateTaskListDto } from './dtos/task-list.dto.js';

/** Drafting, publishing and closing monthly key-task lists (the office's monthly rhythm). */
@Injectable()
export class TaskLists {
  private readonly lists: TaskListRepository;
  private readonly units: UnitRepository;
  private readonly assignments: AssignmentReadModel;

  constructor(
    @Inject(DATABASE) database: Connection,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(API_SETTINGS) private readonly settings: ApiSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.lists = new TaskListRepository(database);
    this.units = new UnitRepository(database);
    this.assignments = new AssignmentReadModel(database);
  }

  async create(body: TaskListDraftDto, actor: Actor): Promise<TaskListRecord> {
    const items = await this.toItems(body.items, body.month);
    const now = this.clock.now().toISOString();
    const [y, m] = body.month.split('-');
    const record: TaskListRecord = {
      _id: taskListId(body.month),
      month: body.month,
      title: body.title?.trim() || `${y}年${Number(m)}月重点工作清单`,
      issuingUnitId: actor.unitId,
      status: 'draft',
      items,
      publishAt: null,
      published: null,
      closed: null,
      createdAt: now,
      updatedAt: now,
    };
    if (!(await this.lists.insert(record))) throw new ApiError(HttpStatus.CONFLICT, 'conflict', `${body.month} 的重点工作清单已存在，请修改该清单`);
    return record;
  }

  async update(id: string, body: UpdateTaskListDto): Promise<TaskListRecord> {
    const list = await this.get(id);
    const items = await this.toItems(body.items, list.month, list.items);
    const updated = await this.lists.updateDraft(id, { title: body.title?.trim() || list.title, items, updatedAt: this.clock.now().toISOString() });
    if (!updated) throw new ApiError(HttpStatus.CONFLICT, 'invalid_state', '清单已下发，不能再修改');
    return updated;
  }

  async get(id: string): Promise<TaskListRecord> {
    const list = await this.lists.findById(id);
    if (!list) throw ApiError.notFound('重点工作清单');
    return list;
  }

  list(): Promise<TaskListRecord[]> {
    return this.lists.list(60);
  }

  /** Starts the list's process now or at the scheduled instant (default: the 1st of its month, 09:00 in Shanghai). */
  async publish(id: string, body: PublishTaskListDto, actor: Actor): Promise<TaskListRecord> {
    const list = await this.get(id);
    if (list.items.length === 0) throw ApiError.badInput('items', 'items: 清单没有任务，不能下发');
    const now = this.clock.now();
    const publishAt = body.mode === 'scheduled' ? this.scheduledInstant(list.month, body.publishAt, now) : now.toISOString();
    const claimed = await this.lists.markScheduled(id, publishAt, now.toISOString());
    if (!claimed) throw new ApiError(HttpStatus.CONFLICT, 'invalid_state', '清单已下发或已安排定时下发');
    const input: TaskListWorkflowInput = { listId: id, publishedBy: actor, ...(body.mode === 'scheduled' ? { publishAt } : {}) };
    try {
      await this.temporal.workflow.start(TASK_LIST_WORKFLOW, {
        workflowId: taskListWorkflowId(this.settings.taskQueue, id),
        taskQueue: this.settings.taskQueue,
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) throw new ApiError(HttpStatus.CONFLICT, 'invalid_state', '清单已下发');
      throw error;
    }
    return claimed;
  }

  async closeEarly(id: string, actor: Actor): Promise<void> {
    const list = await this.get(id);
    if (list.status !== 'published') throw new ApiError(HttpStatus.CONFLICT, 'invalid_state', list.status === 'closed' ? '本月清单已结账' : '清单尚未下发，不能结账');
    try {
      await this.temporal.workflow.getHandle(taskListWorkflowId(this.settings.taskQueue, id)).executeUpdate(closeMonthEarlyUpdate, { args: [{ actor }] });
    } catch (error) {
      throw toApiError(error);
    }
  }

  /** Per-unit results with unit names and ranks: final once the month is closed, live before. */
  async results(id: string): Promise<{ closed: boolean; rows: (UnitMonthResult & { rank: number; unitName: string })[] }> {
    const list = await this.get(id);
    const rows = list.closed?.results ?? summarizeOutcomes(await this.assignments.ofList(id));
    const names = new Map((await this.units.findMany(rows.map((r) => r.unitId))).map((u) => [u._id, u.name]));
    return { closed: list.closed !== null, rows: rankUnits(rows).map((row) => ({ ...row, unitName: names.get(row.unitId) ?? row.unitId })) };
  }

  /** The office's instant, or by default the 1st of the list's month at 09:00 Shanghai (01:00 UTC); either must lie ahead. */
  private scheduledInstant(month: string, requested: string | undefined, now: Date): string {
    const at = requested ? Date.parse(requested) : Date.parse(startOfShanghaiDay(`${month}-01`)) + 9 * 3600 * 1000;
    if (Number.isNaN(at)) throw ApiError.badInput('publishAt', 'publishAt: 须为 ISO 8601 时刻');
    if (at <= now.getTime()) throw ApiError.badInput('publishAt', 'publishAt: 定时下发的时刻已过，请立即下发或另选时刻');
    return new Date(at).toISOString();
  }

  /** Turns the office's rows into list items, refusing (all of them) on the first problem, named by field. */
  private async toItems(rows: readonly TaskListItemDto[], month: string, existing: readonly TaskListItem[] = []): Promise<TaskListItem[]> {
    const kept = new Map(existing.map((item) => [item.id, item]));
    const unknownId = rows.findIndex((row) => row.id !== undefined && !kept.has(row.id));
    if (unknownId >= 0) throw ApiError.badInput(`items[${unknownId}].id`, `items[${unknownId}].id: 清单中没有这项任务`);
    const ids = rows.flatMap((row) => (row.id === undefined ? [] : [row.id]));
    if (new Set(ids).size !== ids.length) throw ApiError.badInput('items', 'items: 同一项任务不能出现两次');
    // New items get ids after every id the list has used, so a kept item's id is never reused.
    let next = Math.max(0, ...existing.map((item) => Number(/^i(\d+)$/.exec(item.id)?.[1] ?? 0))) + 1;
    const known = new Set((await this.units.findMany([...new Set(rows.flatMap((r) => [...(r.targetUnitIds ?? []), ...(r.coUnitIds ?? [])]))])).map((u) => u._id));
    return rows.map((row, i) => {
      const field = (name: string) => `items[${i}].${name}`;
      if ((row.targetUnitIds === undefined) === (row.targetUnitKind === undefined)) {
        throw ApiError.badInput(field('targetUnitIds'), `${field('targetUnitIds')}: 请指定责任单位或单位类型（二选一）`);
      }
      const unknown = [...(row.targetUnitIds ?? []), ...(row.coUnitIds ?? [])].filter((id) => !known.has(id));
      if (unknown.length > 0) throw ApiError.badInput(field('targetUnitIds'), `${field('targetUnitIds')}: 单位不存在：${unknown.join('、')}`);
      const due = this.dueRule(row, field);
      const dueProblem = dueRuleProblem(due, month);
      if (dueProblem) throw ApiError.badInput(field('dueKind'), `${field('dueKind')}: ${dueProblem}`);
      const quantity = row.quantity && {
        metric: row.quantity.metric.trim(),
        unit: row.quantity.unit.trim(),
        baseline: row.quantity.baseline ?? 0,
        target: row.quantity.target,
        milestones: row.quantity.milestones.map((m) => ({ date: m.date, value: m.value })),
      };
      if (quantity) {
        const problem = milestonesProblem(quantity.target, quantity.baseline, quantity.milestones);
        if (problem) throw ApiError.badInput(field('quantity'), `${field('quantity')}: ${problem}`);
      }
      const previous = row.id !== undefined ? kept.get(row.id) : undefined;
      return {
        id: previous?.id ?? `i${next++}`,
        title: row.title.trim(),
        content: row.content?.trim() ?? '',
        target: row.targetUnitKind ? { kind: 'unitKind', unitKind: row.targetUnitKind } : { kind: 'units', unitIds: row.targetUnitIds! },
        coUnitIds: row.coUnitIds ?? [],
        due,
        onUnfinished: row.onUnfinished ?? 'carry_over',
        quantity: quantity ?? null,
        carriedFrom: previous?.carriedFrom ?? null,
        templateId: previous?.templateId ?? null,
      };
    });
  }

  private dueRule(row: TaskListItemDto, field: (name: string) => string): DueRule {
    switch (row.dueKind) {
      case 'date':
        if (!row.dueDate) throw ApiError.badInput(field('dueDate'), `${field('dueDate')}: 请填写办理时限日期`);
        return { kind: 'date', date: row.dueDate };
      case 'dayOfMonth':
        if (!row.dueDay) throw ApiError.badInput(field('dueDay'), `${field('dueDay')}: 请填写每月第几日`);
        return { kind: 'dayOfMonth', day: row.dueDay };
      case 'monthEnd':
        return { kind: 'monthEnd' };
      case 'lastWorkingDay':
        return { kind: 'lastWorkingDay' };
    }
  }
}
