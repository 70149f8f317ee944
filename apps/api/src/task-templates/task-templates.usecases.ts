import { Inject, Injectable } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { actorRef, templateMonthsProblem, templatesDueIn, type Actor, type TaskTemplate } from '@duban/domain';
import { TaskTemplateRepository, UnitRepository, toTaskTemplate, type TaskTemplateRecord } from '@duban/persistence';
import { ApiError } from '../common/api-error.js';
import { CLOCK, DATABASE, type Clock } from '../infrastructure/tokens.js';
import type { TaskTemplateDto } from './dtos/task-template.dto.js';

type TemplateFields = Omit<TaskTemplateRecord, '_id' | 'createdBy' | 'createdAt' | 'updatedAt'>;

/** The office's recurring obligations (常态化任务); the monthly schedule reads them (activities/monthly-list). */
@Injectable()
export class TaskTemplates {
  private readonly templates: TaskTemplateRepository;
  private readonly units: UnitRepository;

  constructor(@Inject(DATABASE) database: Connection, @Inject(CLOCK) private readonly clock: Clock) {
    this.templates = new TaskTemplateRepository(database);
    this.units = new UnitRepository(database);
  }

  async create(body: TaskTemplateDto, actor: Actor): Promise<TaskTemplate> {
    const fields = await this.toFields(body);
    const now = this.clock.now().toISOString();
    const record: TaskTemplateRecord = { _id: `tt-${randomUUID().slice(0, 8)}`, ...fields, createdBy: actorRef(actor), createdAt: now, updatedAt: now };
    await this.templates.insert(record);
    return toTaskTemplate(record);
  }

  async list(month: string | undefined): Promise<TaskTemplate[]> {
    const all = (await this.templates.list()).map(toTaskTemplate);
    return month === undefined ? all : templatesDueIn(all, month);
  }

  async get(id: string): Promise<TaskTemplate> {
    const record = await this.templates.findById(id);
    if (!record) throw ApiError.notFound('常态化任务');
    return toTaskTemplate(record);
  }

  async replace(id: string, body: TaskTemplateDto): Promise<TaskTemplate> {
    const fields = await this.toFields(body);
    const updated = await this.templates.replace(id, { ...fields, updatedAt: this.clock.now().toISOString() });
    if (!updated) throw ApiError.notFound('常态化任务');
    return toTaskTemplate(updated);
  }

  async remove(id: string): Promise<void> {
    if (!(await this.templates.delete(id))) throw ApiError.notFound('常态化任务');
  }

  private async toFields(body: TaskTemplateDto): Promise<TemplateFields> {
    if ((body.targetUnitIds === undefined) === (body.targetUnitKind === undefined)) {
      throw ApiError.badInput('targetUnitIds', 'targetUnitIds: 请指定责任单位或单位类型（二选一）');
    }
    const named = [...(body.targetUnitIds ?? []), ...(body.coUnitIds ?? [])];
    const known = new Set((await this.units.findMany([...new Set(named)])).map((u) => u._id));
    const unknown = named.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      const field = (body.targetUnitIds ?? []).some((id) => !known.has(id)) ? 'targetUnitIds' : 'coUnitIds';
      throw ApiError.badInput(field, `${field}: 单位不存在：${[...new Set(unknown)].join('、')}`);
    }
    const monthsProblem = templateMonthsProblem(body.months ?? null);
    if (monthsProblem) throw ApiError.badInput('months', `months: ${monthsProblem}`);
    if (body.dueKind === 'dayOfMonth' && body.dueDay === undefined) throw ApiError.badInput('dueDay', 'dueDay: 请填写每月第几日');
    return {
      title: body.title.trim(),
      content: body.content?.trim() ?? '',
      target: body.targetUnitKind ? { kind: 'unitKind', unitKind: body.targetUnitKind } : { kind: 'units', unitIds: body.targetUnitIds! },
      coUnitIds: body.coUnitIds ?? [],
      cadence: body.cadence,
      months: body.months ? [...body.months].sort((a, b) => a - b) : null,
      due: body.dueKind === 'dayOfMonth' ? { kind: 'dayOfMonth', day: body.dueDay! } : { kind: body.dueKind },
      onUnfinished: body.onUnfinished ?? 'carry_over',
      active: body.active ?? true,
    };
  }
}
