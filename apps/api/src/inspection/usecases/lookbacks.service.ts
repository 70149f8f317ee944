import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { actorRef, drawSample, endOfShanghaiDay, hasRole, reopenedSince, startOfShanghaiDay, type Actor, type LookBackFailureMark, type RectificationState } from '@duban/domain';
import {
  AttachmentRepository,
  LookBackRepository,
  NotificationRepository,
  RectificationReadModel,
  UserRepository,
  closedItemsForLookBack,
  markLookBackFailure,
  markLookBackPassed,
  notificationId,
  unmarkLookBackFailure,
  type AttachmentRecord,
  type LookBackEntry,
  type LookBackRecord,
  type UserRecord,
} from '@duban/persistence';
import { ApiError } from '../../common/api-error.js';
import { CLOCK, DATABASE, type Clock } from '../../infrastructure/tokens.js';
import type { StagedUpload } from '../../attachment/attachment-upload.interceptor.js';
import { ActOnRectification } from '../../rectification/usecases/act-on-rectification.usecase.js';
import { stateOf } from '../../rectification/rectification-view.js';
import type { LookBackResultDto, StartLookBackDto } from '../dtos/inspection.dto.js';

/**
 * 回头看: a reproducible, unit-stratified draw of closed items (DOMAIN.md §4); each drawn item is checked by the
 * inspector and recorded passed (verified) or failed, which reopens it through the ordinary reopen step.
 */
@Injectable()
export class LookBacks {
  private readonly lookBacks: LookBackRepository;
  private readonly users: UserRepository;
  private readonly items: RectificationReadModel;
  private readonly notifications: NotificationRepository;
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
    this.items = new RectificationReadModel(database);
    this.notifications = new NotificationRepository(database);
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
    await this.tellInspector(record, inspector, actor);
    return record;
  }

  /** The drawn items are in the inspector's queue: an in-app notification, unless they started it themselves. */
  private async tellInspector(record: LookBackRecord, inspector: UserRecord, actor: Actor): Promise<void> {
    if (record.entries.length === 0 || inspector._id === actor.userId) return;
    const key = `lookback:${record._id}:queue`;
    await this.notifications.createIfAbsent([
      {
        _id: notificationId(key, inspector._id),
        key,
        userId: inspector._id,
        unitId: inspector.unitId,
        level: 'info',
        title: `回头看复核任务：${record.entries.length} 个问题待复核`,
        body: `${record.startedBy.name}发起回头看（${record.strata.length} 个单位，抽取比例 ${Math.round(record.ratio * 100)}%），抽取的问题已进入您的复核队列，请现场复核并记录结果。`,
        subject: { kind: 'lookback', id: record._id },
        createdAt: this.clock.now(),
      },
    ]);
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
      item = await this.reopenOnce(id, itemId, dto.note, dto.newDueDate, actor);
    } else {
      await markLookBackPassed(this.database, itemId, { at: this.clock.now().toISOString(), lookBackId: id, note: dto.note });
    }
    const checked: Partial<LookBackEntry> = {
      outcome: dto.outcome,
      note: dto.note,
      evidenceAttachmentIds: attachmentIds,
      checkedBy: actorRef(actor),
      checkedAt: this.clock.now(),
    };
    return { lookBack: await this.finishEntry(id, itemId, checked, actor), item };
  }

  /**
   * A failed check, idempotent by look-back and item: one 整改不到位 mark and one reopening, whichever step an
   * earlier attempt got to (marked only; marked and reopened, its entry not written). The mark comes first, so
   * the reopened run carries it; a refused reopening takes it back unless this look-back's reopening is there.
   */
  private async reopenOnce(id: string, itemId: string, note: string, newDueDate: string, actor: Actor): Promise<RectificationState> {
    const mark = await markLookBackFailure(this.database, itemId, { at: this.clock.now().toISOString(), lookBackId: id, note });
    if (!mark) throw ApiError.notFound('整改问题');
    const record = await this.items.findById(itemId);
    if (record && reopenedSince(record.timeline, mark)) return stateOf(record);
    try {
      if (record?.status !== 'closed') throw new ApiError(HttpStatus.CONFLICT, 'invalid_state', '该问题已不在销号状态（已重新打开），不能再次重新打开');
      return await this.act.execute(itemId, { type: 'reopen', reason: `回头看复核未通过（整改不到位）：${note}`, newDueDate }, actor);
    } catch (error) {
      // An earlier attempt's reopening may have landed meanwhile; then this refusal changes nothing.
      const landed = await this.reopenedBy(itemId, mark);
      if (landed) return landed;
      await unmarkLookBackFailure(this.database, itemId, mark);
      throw error;
    }
  }

  /** The item as this look-back's reopening left it, or null while it has not been reopened since the mark. */
  private async reopenedBy(itemId: string, mark: LookBackFailureMark): Promise<RectificationState | null> {
    const record = await this.items.findById(itemId);
    return record && reopenedSince(record.timeline, mark) ? stateOf(record) : null;
  }

  /** Writes the check on the look-back's entry (compare-and-set on its version); an entry already checked stays as it is. */
  private async finishEntry(id: string, itemId: string, checked: Partial<LookBackEntry>, actor: Actor): Promise<LookBackRecord> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.get(id, actor);
      if (current.entries.find((e) => e.itemId === itemId)?.outcome !== 'pending') return current;
      const entries = current.entries.map((e) => (e.itemId === itemId ? { ...e, ...checked } : e));
      if (await this.lookBacks.replace(id, current.version, entries)) return this.get(id, actor);
    }
    throw new ApiError(HttpStatus.CONFLICT, 'invalid_state', '回头看正被他人修改，请重试');
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
