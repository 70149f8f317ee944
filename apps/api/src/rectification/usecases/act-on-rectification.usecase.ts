import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { Connection } from 'mongoose';
import { RECTIFICATION_WORKFLOW, actUpdate, workflowIds, type ActInput, type RectificationWorkflowInput } from '@duban/contracts';
import { FINAL_STATUSES, decide, hasRole, type Actor, type RectificationCommand, type RectificationState } from '@duban/domain';
import { RectificationReadModel, type RectificationRecord } from '@duban/persistence';
import { ApiError } from '../../common/api-error.js';
import { API_SETTINGS, CLOCK, DATABASE, TEMPORAL_CLIENT, type ApiSettings, type Clock } from '../../infrastructure/tokens.js';
import { canSee, stateOf } from '../rectification-view.js';
import { toApiError } from '../temporal-errors.js';
import { FindVisibleRectification } from './find-visible-rectification.usecase.js';

/** A user's step on an item, as a Temporal Update: the workflow's validator decides, the API reports. */
@Injectable()
export class ActOnRectification {
  private readonly items: RectificationReadModel;

  constructor(
    @Inject(DATABASE) database: Connection,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(API_SETTINGS) private readonly settings: ApiSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(FindVisibleRectification) private readonly findVisible: FindVisibleRectification,
  ) {
    this.items = new RectificationReadModel(database);
  }

  async execute(id: string, command: RectificationCommand, actor: Actor): Promise<RectificationState> {
    const record = command.type === 'reopen' && hasRole(actor, 'inspector') ? await this.findForLookBack(id, actor) : await this.findVisible.execute(id, actor);
    if (command.type === 'merge') await this.checkMergeTarget(command.intoItemId, id);
    const input: ActInput = { actor, command };
    try {
      if (FINAL_STATUSES.includes(record.status)) return await this.resume(stateOf(record), input);
      return await this.temporal.workflow.getHandle(workflowIds.rectification(id)).executeUpdate(actUpdate, { args: [input] });
    } catch (error) {
      throw toApiError(error);
    }
  }

  /**
   * A finished item's process has ended (and Temporal may have dropped its history by now), so a step
   * on it — reopening after a failed look-back — starts a new run from the state kept in the read model.
   */
  private async resume(state: RectificationState, input: ActInput): Promise<RectificationState> {
    const decision = decide(state, input.command, input.actor, this.clock.now().toISOString());
    if (!decision.ok) throw ApiError.fromViolation(decision.violation);
    const workflowInput: RectificationWorkflowInput = { item: state, registeredBy: input.actor, carried: state };
    const start = new WithStartWorkflowOperation(RECTIFICATION_WORKFLOW, {
      workflowId: workflowIds.rectification(state.id),
      taskQueue: this.settings.taskQueue,
      args: [workflowInput],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    return this.temporal.workflow.executeUpdateWithStart(actUpdate, { args: [input], startWorkflowOperation: start });
  }

  /**
   * Look-back (回头看, DOMAIN.md): an inspector may reopen any closed item — and sees no other item, so anything
   * else answers 404 as for an id that does not exist.
   */
  private async findForLookBack(id: string, actor: Actor): Promise<RectificationRecord> {
    const record = await this.items.findById(id);
    if (record && (record.status === 'closed' || canSee(actor, record))) return record;
    throw ApiError.notFound('整改问题');
  }

  private async checkMergeTarget(targetId: string, sourceId: string): Promise<void> {
    const target = await this.items.findById(targetId);
    if (!target || target.id === sourceId) throw ApiError.badInput('intoItemId', 'intoItemId: 合并到的问题不存在');
    if (FINAL_STATUSES.includes(target.status)) {
      throw new ApiError(HttpStatus.CONFLICT, 'invalid_state', '合并到的问题已办结，请选择未办结的问题');
    }
  }
}
