import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import type { Connection } from 'mongoose';
import { assignmentActUpdate, assignmentWorkflowId } from '@duban/contracts';
import { FINAL_ASSIGNMENT_STATUSES, decideAssignment, hasRole, type Actor, type AssignmentCommand, type AssignmentState } from '@duban/domain';
import { AssignmentReadModel, UserRepository, positionOf, type AssignmentRecord } from '@duban/persistence';
import { ApiError } from '../common/api-error.js';
import { decodeCursor, encodeCursor, isInstant } from '../common/paging.js';
import { decodeListCursor, encodeListCursor } from '../common/list-cursor.js';
import { toApiError } from '../rectification/temporal-errors.js';
import { API_SETTINGS, CLOCK, DATABASE, TEMPORAL_CLIENT, type ApiSettings, type Clock } from '../infrastructure/tokens.js';
import type { AssignmentQueryDto, PartDto } from './dtos/assignment.dto.js';
import { assignmentStateOf, canSeeAssignment } from './views.js';

/** Finding and acting on assignments: each step is an Update of the assignment's workflow. */
@Injectable()
export class Assignments {
  private readonly items: AssignmentReadModel;
  private readonly users: UserRepository;

  constructor(
    @Inject(DATABASE) database: Connection,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(API_SETTINGS) private readonly settings: ApiSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.items = new AssignmentReadModel(database);
    this.users = new UserRepository(database);
  }

  async findVisible(id: string, actor: Actor): Promise<AssignmentRecord> {
    const record = await this.items.findById(id);
    if (!record || !canSeeAssignment(actor, record)) throw ApiError.notFound('任务');
    return record;
  }

  async list(query: AssignmentQueryDto, actor: Actor): Promise<{ records: AssignmentRecord[]; nextCursor: string | null }> {
    const limit = query.limit ?? 20;
    const everyUnit = hasRole(actor, 'office', 'leader');
    if (!everyUnit && !hasRole(actor, 'unit', 'unit_leader')) throw ApiError.notFound('任务');
    const mine = query.mine === 'true';
    const records = await this.items.find({
      ...(mine ? { assigneeUserId: actor.userId } : everyUnit ? {} : { unitId: actor.unitId }),
      ...(query.listId ? { listId: query.listId } : {}),
      ...(query.status ? { statuses: [query.status] } : {}),
      ...(query.light ? { light: query.light } : {}),
      ...(query.cursor ? { after: decodeListCursor(query.cursor) } : {}),
      now: this.clock.now(),
      limit,
    });
    const last = records.at(-1);
    return { records, nextCursor: records.length === limit && last ? encodeListCursor(positionOf(last)) : null };
  }

  async escalated(query: { level?: 1 | 2; limit?: number; cursor?: string }): Promise<{ records: AssignmentRecord[]; nextCursor: string | null }> {
    const limit = query.limit ?? 20;
    const records = await this.items.escalated({ level: query.level ?? 1, limit, ...(query.cursor ? { after: afterSince(query.cursor) } : {}) });
    const last = records.at(-1);
    return { records, nextCursor: records.length === limit && last?.escalation.since ? encodeCursor([last.escalation.since, last._id]) : null };
  }

  async act(id: string, command: AssignmentCommand, actor: Actor): Promise<AssignmentState> {
    const record = await this.findVisible(id, actor);
    if (FINAL_ASSIGNMENT_STATUSES.includes(record.status)) {
      // The process has ended, so there is no workflow to ask: the rules say why the step cannot be taken.
      const decision = decideAssignment(assignmentStateOf(record), command, actor, this.clock.now().toISOString());
      throw decision.ok ? new ApiError(HttpStatus.CONFLICT, 'invalid_state', '该任务已办结，不能再操作') : ApiError.fromViolation(decision.violation);
    }
    try {
      return await this.temporal.workflow.getHandle(assignmentWorkflowId(this.settings.taskQueue, id)).executeUpdate(assignmentActUpdate, { args: [{ actor, command }] });
    } catch (error) {
      throw toApiError(error);
    }
  }

  /** Parts go to named people of the assignment's own unit (分解到人). */
  async parts(id: string, rows: readonly PartDto[], actor: Actor): Promise<AssignmentCommand> {
    const record = await this.findVisible(id, actor);
    const parts = [];
    for (const [i, row] of rows.entries()) {
      const user = await this.users.findById(row.assigneeUserId);
      if (!user || user.unitId !== record.leadUnitId || user.disabled) {
        throw ApiError.badInput(`parts[${i}].assigneeUserId`, `parts[${i}].assigneeUserId: 责任人须为本单位在岗人员`);
      }
      parts.push({ title: row.title, assigneeUserId: user._id, assigneeName: user.name, dueDate: row.dueDate });
    }
    return { type: 'split', parts };
  }
}

function afterSince(cursor: string): { since: string; id: string } {
  const [since, id] = decodeCursor(cursor, 2, ([s]) => isInstant(s!));
  return { since: since!, id: id! };
}
