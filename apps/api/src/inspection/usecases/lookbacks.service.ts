import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { actorRef, drawSample, endOfShanghaiDay, hasRole, startOfShanghaiDay, type Actor, type RectificationState } from '@duban/domain';
import {
  AttachmentRepository,
  LookBackRepository,
  UserRepository,
  closedItemsForLookBack,
  itemsForEvaluation,
  markLookBack,
  type AttachmentRecord,
  type LookBackEntry,
  type LookBackRecord,
} from '@duban/persistence';
import { ApiError } from '../../common/api-error.js';
import { CLOCK, DATABASE, type Clock } from '../../infrastructure/tokens.js';
import type { StagedUpload } from '../../attachment/attachment-upload.interceptor.js';
import { ActOnRectification } from '../../rectification/usecases/act-on-rectification.usecase.js';
import type { EvaluationQueryDto, LookBackResultDto, StartLookBackDto } from '../dtos/inspection.dto.js';

export interface UnitEvaluation {
  unitId: string;
  items: number;
  closed: number;
  closedOnTime: number;
  /** closedOnTime / closed, null with nothing closed. */
  onTimeRate: number | null;
  returns: number;
  escalations: number;
  lookBackChecked: number;
  lookBackFailures: number;
}

/**
 * 回头看: a reproducible, unit-stratified draw of closed items (DOMAIN.md §4); each drawn item is checked by the
 * inspector and recorded passed (verified) or failed, which reopens it through the ordinary reopen step.
 */
@Injectable()
export class LookBacks {
  private readonly lookBacks: LookBackRepository;
  private readonly users: UserRepository;
  private readonly database: Connection;

  constructor(
    @Inject(DATABASE) database: Connection,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(AttachmentRepository) private readonly attachments: AttachmentRepository,
    @Inject(ActOnRectification) private readonly act: ActOnRectification,
  ) {
    this.database = database;
    this.lookBacks = new LookBackRepository(database);
    this.users = new UserRepository(database);
  }

  async start(dto: StartLookBackDto, actor: Actor): Promise<LookBackRecord> {
    const inspectorId = dto.inspectorId ?? (hasRole(actor, 'inspector') ? actor.userId : undefined);
    if (!inspectorId) throw ApiError.badInput('inspectorId', 'inspectorId: 须指定承担复核的督导人员');
    const inspector = await this.users.findById(inspectorId);
    if (!inspector || inspector.disabled || !inspector.roles.includes('inspector')) throw ApiError.badInput('inspectorId', 'inspectorId: 不是可用的督导人员');
    if (dto.closedFrom && dto.closedTo && dto.closedTo < dto.closedFrom) throw ApiError.badInput('closedTo', 'closedTo: 结束日期不能早于开始日期');
    const filters: LookBackRecord['filters'] = {
      source: dto.source ?? null,
      unitId: dto.unitId ?? null,
      category: dto.category ?? null,
      closedFrom: dto.closedFrom ?? null,
      closedTo: dto.closedTo ?? null,
    };
    const candidates = await this.closedItems(filters);
    const seed = dto.seed ?? randomUUID();
    const draw = drawSample(
      candidates.map((c) => ({ itemId: c._id, unitId: c.leadUnitId })),
      dto.ratio,
      seed,
    );
    const byId = new Map(candidates.map((c) => [c._id, c]));
    const record: LookBackRecord = {
      _id: randomUUID(),
      filters,
      ratio: dto.ratio,
      seed,
      strata: draw.strata.map((s) => ({ unitId: s.unitId, population: s.population, drawn: [...s.drawn] })),
      entries: draw.drawn.map((itemId) => ({
        itemId,
        unitId: byId.get(itemId)!.leadUnitId,
        title: byId.get(itemId)!.title,
        outcome: 'pending',
        note: null,
        evidenceAttachmentIds: [],
        checkedBy: null,
        checkedAt: null,
      })),
      inspectorId,
      startedBy: actorRef(actor),
      startedAt: this.clock.now(),
      version: 1,
    };
    await this.lookBacks.insert(record);
    return record;
  }

  /** The office sees every look-back; an inspector the ones assigned to them (their queue). */
  list(actor: Actor, limit: number): Promise<LookBackRecord[]> {
    return this.lookBacks.list({ ...(hasRole(actor, 'office') ? {} : { inspectorId: actor.userId }), limit });
  }

  async get(id: string, actor: Actor): Promise<LookBackRecord> {
    const record = await this.lookBacks.findById(id);
    if (!record || !(hasRole(actor, 'office') || record.inspectorId === actor.userId)) throw ApiError.notFound('回头看');
    return record;
  }

  /** Evidence of a check: an attachment of the checked item (so the unit sees it with the item once reopened). */
  /** The look-back takes evidence for this item now (404 / 409 otherwise). */
  async checkEvidenceTarget(id: string, itemId: string, actor: Actor): Promise<void> {
    this.pendingEntry(await this.get(id, actor), itemId);
  }

  async addEvidence(id: string, itemId: string, upload: StagedUpload, actor: Actor): Promise<AttachmentRecord> {
    try {
      await this.checkEvidenceTarget(id, itemId, actor);
    } catch (error) {
      await this.attachments.discard(upload.staged).catch(() => undefined);
      throw error;
    }
    return this.attachments.commit(upload.staged, { itemId, filename: upload.originalname, uploadedBy: actorRef(actor), uploadedAt: this.clock.now() });
  }

  /**
   * Records one check. Failed: the item reopens through the ordinary reopen step (red notice to the unit and the
   * office, a new deadline, escalation counted from zero), and counts against its unit as 整改不到位.
   */
  async record(id: string, itemId: string, dto: LookBackResultDto, actor: Actor): Promise<{ lookBack: LookBackRecord; item: RectificationState | null }> {
    const lookBack = await this.get(id, actor);
    this.pendingEntry(lookBack, itemId);
    const attachmentIds = dto.attachmentIds ?? [];
    const found = await this.attachments.findForItem(itemId, attachmentIds);
    if (found.length !== new Set(attachmentIds).size) throw ApiError.badInput('attachmentIds', 'attachmentIds: 附件不存在或不属于该问题');
    let item: RectificationState | null = null;
    if (dto.outcome === 'failed') {
      if (attachmentIds.length === 0) throw ApiError.badInput('attachmentIds', 'attachmentIds: 复核未通过须附佐证材料');
      if (!dto.newDueDate) throw ApiError.badInput('newDueDate', 'newDueDate: 复核未通过须给出新的整改时限');
      const mark = { at: this.clock.now().toISOString(), lookBackId: id, note: dto.note };
      await markLookBack(this.database, itemId, 'failed', mark);
      try {
        item = await this.act.execute(itemId, { type: 'reopen', reason: `回头看复核未通过（整改不到位）：${dto.note}`, newDueDate: dto.newDueDate }, actor);
      } catch (error) {
        await markLookBack(this.database, itemId, 'failed', mark, true);
        throw error;
      }
    } else {
      await markLookBack(this.database, itemId, 'passed', { at: this.clock.now().toISOString(), lookBackId: id, note: dto.note });
    }
    const checked: Partial<LookBackEntry> = {
      outcome: dto.outcome,
      note: dto.note,
      evidenceAttachmentIds: attachmentIds,
      checkedBy: actorRef(actor),
      checkedAt: this.clock.now(),
    };
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.get(id, actor);
      const entries = current.entries.map((e) => (e.itemId === itemId ? { ...e, ...checked } : e));
      if (await this.lookBacks.replace(id, current.version, entries)) return { lookBack: await this.get(id, actor), item };
    }
    throw new ApiError(HttpStatus.CONFLICT, 'invalid_state', '回头看正被他人修改，请重试');
  }

  /** 考评依据 per lead unit: items, on-time closing, returns, escalations, look-back checks and failures. */
  async evaluation(query: EvaluationQueryDto): Promise<UnitEvaluation[]> {
    const items = await itemsForEvaluation(this.database, {
      from: query.from ? startOfShanghaiDay(query.from) : null,
      to: query.to ? endOfShanghaiDay(query.to) : null,
    });
    const units = new Map<string, UnitEvaluation>();
    const unit = (unitId: string) => {
      let row = units.get(unitId);
      if (!row) {
        row = { unitId, items: 0, closed: 0, closedOnTime: 0, onTimeRate: null, returns: 0, escalations: 0, lookBackChecked: 0, lookBackFailures: 0 };
        units.set(unitId, row);
      }
      return row;
    };
    const inScope = new Set<string>();
    for (const item of items) {
      inScope.add(item._id);
      const row = unit(item.leadUnitId);
      row.items++;
      if (item.status === 'closed' && item.closedAt) {
        row.closed++;
        if (item.closedAt <= item.dueAt) row.closedOnTime++;
      }
      row.returns += item.returns ?? 0;
      row.escalations += (item.timeline ?? []).filter((e) => e.action === 'escalate1' || e.action === 'escalate2').length;
    }
    for (const lookBack of await this.lookBacks.all()) {
      for (const entry of lookBack.entries) {
        if (entry.outcome === 'pending' || !inScope.has(entry.itemId)) continue;
        const row = unit(entry.unitId);
        row.lookBackChecked++;
        if (entry.outcome === 'failed') row.lookBackFailures++;
      }
    }
    return [...units.values()]
      .map((row) => ({ ...row, onTimeRate: row.closed === 0 ? null : Math.round((row.closedOnTime / row.closed) * 10_000) / 10_000 }))
      .sort((a, b) => a.unitId.localeCompare(b.unitId));
  }

  private pendingEntry(record: LookBackRecord, itemId: string): LookBackEntry {
    const entry = record.entries.find((e) => e.itemId === itemId);
    if (!entry) throw ApiError.notFound('回头看抽查的问题');
    if (entry.outcome !== 'pending') throw new ApiError(HttpStatus.CONFLICT, 'invalid_state', '该问题已复核');
    return entry;
  }

  private closedItems(filters: LookBackRecord['filters']) {
    return closedItemsForLookBack(this.database, {
      ...filters,
      closedFrom: filters.closedFrom ? startOfShanghaiDay(filters.closedFrom) : null,
      closedTo: filters.closedTo ? endOfShanghaiDay(filters.closedTo) : null,
    });
  }

}
