import { Inject, Injectable } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import { actUpdate, workflowIds } from '@duban/contracts';
import type { Actor, RectificationCommand, RectificationState } from '@duban/domain';
import { TEMPORAL_CLIENT } from '../../infrastructure/tokens.js';
import { toApiError } from '../temporal-errors.js';
import { FindVisibleRectification } from './find-visible-rectification.usecase.js';

/** A user's step on an item, as a Temporal Update: the workflow's validator decides, the API reports. */
@Injectable()
export class ActOnRectification {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(FindVisibleRectification) private readonly findVisible: FindVisibleRectification,
  ) {}

  async execute(id: string, command: RectificationCommand, actor: Actor): Promise<RectificationState> {
    await this.findVisible.execute(id, actor);
    try {
      return await this.temporal.workflow.getHandle(workflowIds.rectification(id)).executeUpdate(actUpdate, { args: [{ actor, command }] });
    } catch (error) {
      throw toApiError(error);
    }
  }
}
