import { Inject, Injectable } from '@nestjs/common';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { RECTIFICATION_WORKFLOW, registeredUpdate, workflowIds, type RectificationWorkflowInput } from '@duban/contracts';
import { endOfShanghaiDay, shanghaiDate, type Actor, type RegisterRectification as RegistrationInput, type RectificationState } from '@duban/domain';
import { UnitRepository } from '@duban/persistence';
import { ApiError } from '../../common/api-error.js';
import { API_SETTINGS, CLOCK, DATABASE, TEMPORAL_CLIENT, type ApiSettings, type Clock } from '../../infrastructure/tokens.js';
import type { RegisterRectificationDto } from '../dtos/register-rectification.dto.js';
import { toApiError } from '../temporal-errors.js';

/** 立项交办: checks references, then starts the item's workflow and waits until it is in the read model. */
@Injectable()
export class RegisterRectification {
  private readonly units: UnitRepository;

  constructor(
    @Inject(DATABASE) database: Connection,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(API_SETTINGS) private readonly settings: ApiSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.units = new UnitRepository(database);
  }

  async execute(dto: RegisterRectificationDto, actor: Actor): Promise<RectificationState> {
    return this.start(await this.checked(dto), actor);
  }

  /** Starts the item's workflow (update-with-start, id conflict fails) and answers once it is in the read model. */
  async start(item: RegistrationInput, actor: Actor): Promise<RectificationState> {
    const input: RectificationWorkflowInput = { item, registeredBy: actor };
    const start = new WithStartWorkflowOperation(RECTIFICATION_WORKFLOW, {
      workflowId: workflowIds.rectification(item.id),
      taskQueue: this.settings.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
    });
    try {
      return await this.temporal.workflow.executeUpdateWithStart(registeredUpdate, { startWorkflowOperation: start });
    } catch (error) {
      throw toApiError(error);
    }
  }

  private async checked(dto: RegisterRectificationDto): Promise<RegistrationInput> {
    const coUnitIds = dto.coUnitIds ?? [];
    if (!(await this.units.findById(dto.leadUnitId))) throw ApiError.badInput('leadUnitId', `leadUnitId: 未知单位 ${dto.leadUnitId}`);
    if (coUnitIds.includes(dto.leadUnitId)) throw ApiError.badInput('coUnitIds', 'coUnitIds: 配合单位不能包含牵头单位');
    const known = new Set((await this.units.findMany(coUnitIds)).map((u) => u._id));
    const unknown = coUnitIds.filter((id) => !known.has(id));
    if (unknown.length > 0) throw ApiError.badInput('coUnitIds', `coUnitIds: 未知单位 ${unknown.join('、')}`);
    if (dto.dueDate < shanghaiDate(this.clock.now())) throw ApiError.badInput('dueDate', 'dueDate: 整改时限不能早于今天');
    if (dto.verifierUnitId !== undefined) {
      if (dto.verifierUnitId === dto.leadUnitId) throw ApiError.badInput('verifierUnitId', 'verifierUnitId: 初验单位不能是牵头单位');
      if (!(await this.units.findById(dto.verifierUnitId))) throw ApiError.badInput('verifierUnitId', `verifierUnitId: 未知单位 ${dto.verifierUnitId}`);
    }
    return {
      id: randomUUID(),
      title: dto.title.trim(),
      description: dto.description.trim(),
      source: dto.source,
      category: dto.category,
      severity: dto.severity ?? 'general',
      leadUnitId: dto.leadUnitId,
      coUnitIds,
      dueAt: endOfShanghaiDay(dto.dueDate),
      verifierUnitId: dto.verifierUnitId ?? null,
      ...(dto.progressEveryMonths !== undefined ? { progressEveryMonths: dto.progressEveryMonths } : {}),
    };
  }
}
