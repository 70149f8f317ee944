import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { INSPECTION_PUBLISH_WORKFLOW, inspectionPublishWorkflowId, type InspectionPublishInput } from '@duban/contracts';
import {
  actorRef,
  drawKey,
  endOfShanghaiDay,
  inspectionStepAllowed,
  nextInspectionStatus,
  shanghaiDate,
  uuidFromName,
  type Actor,
  type Finding,
  type InspectionStep,
  type RegisterRectification,
} from '@duban/domain';
import { AttachmentRepository, InspectionRepository, RectificationReadModel, UnitRepository, type AttachmentRecord, type InspectionRecord } from '@duban/persistence';
import { ApiError } from '../../common/api-error.js';
import { inspectionCircular } from '../circular.js';
import { API_SETTINGS, CLOCK, DATABASE, TEMPORAL_CLIENT, type ApiSettings, type Clock } from '../../infrastructure/tokens.js';
import type { StagedUpload } from '../../attachment/attachment-upload.interceptor.js';
import { toApiError } from '../../rectification/temporal-errors.js';
import type { InspectionFindingDto, PlanInspectionDto } from '../dtos/inspection.dto.js';

/** The rectification item a finding becomes: its id is derived from the finding's, so a retried publish reuses it. */
export const itemIdOfFinding = (findingId: string): string => uuidFromName(`finding:${findingId}`);

/** The item a finding becomes. */
function itemOfFinding(finding: Finding): RegisterRectification {
  return {
    id: itemIdOfFinding(finding.id),
    title: `暗访发现：${finding.place}`.slice(0, 200),
    description: `${finding.description}\n（${finding.recordedAt.slice(0, 10)} 暗访发现，地点：${finding.place}）`,
    source: 'anonymous_visit',
    category: finding.category,
    severity: 'general',
    leadUnitId: finding.responsibleUnitId,
    coUnitIds: [],
    dueAt: endOfShanghaiDay(finding.suggestedDueDate),
    verifierUnitId: null,
  };
}

/**
 * 暗访督导. Only the inspection routes read inspections, and only inspectors and the office reach them; until
 * publication nothing about an inspection is in any collection a unit reads (no item, no notification).
 */
@Injectable()
export class Inspections {
  private readonly inspections: InspectionRepository;
  private readonly units: UnitRepository;
  private readonly items: RectificationReadModel;

  constructor(
    @Inject(DATABASE) database: Connection,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(API_SETTINGS) private readonly settings: ApiSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(AttachmentRepository) private readonly attachments: AttachmentRepository,
  ) {
    this.inspections = new InspectionRepository(database);
    this.units = new UnitRepository(database);
    this.items = new RectificationReadModel(database);
  }

  async plan(dto: PlanInspectionDto, actor: Actor): Promise<InspectionRecord> {
    if ((dto.targetUnitIds === undefined) === (dto.randomTargets === undefined)) {
      throw ApiError.badInput('targetUnitIds', 'targetUnitIds: 须选定暗访对象或随机抽取（二选一）');
    }
    if (dto.windowTo < dto.windowFrom) throw ApiError.badInput('windowTo', 'windowTo: 结束日期不能早于开始日期');
    let targetUnitIds: string[];
    let targetDraw: InspectionRecord['targetDraw'] = null;
    if (dto.randomTargets) {
      const { poolUnitIds, count } = dto.randomTargets;
      await this.checkUnits('randomTargets', poolUnitIds);
      const seed = dto.randomTargets.seed ?? randomUUID();
      targetUnitIds = [...poolUnitIds].sort((a, b) => drawKey(seed, a).localeCompare(drawKey(seed, b))).slice(0, count);
      targetDraw = { seed, poolUnitIds: [...poolUnitIds], count };
    } else {
      targetUnitIds = [...dto.targetUnitIds!];
      await this.checkUnits('targetUnitIds', targetUnitIds);
    }
    const record: InspectionRecord = {
      _id: randomUUID(),
      title: dto.title.trim(),
      targetUnitIds,
      targetDraw,
      windowFrom: dto.windowFrom,
      windowTo: dto.windowTo,
      team: dto.team,
      status: 'planned',
      findings: [],
      itemIds: [],
      plannedBy: actorRef(actor),
      plannedAt: this.clock.now(),
      publishedAt: null,
      version: 1,
    };
    await this.inspections.insert(record);
    return record;
  }

  list(limit: number): Promise<InspectionRecord[]> {
    return this.inspections.list(limit);
  }

  async get(id: string): Promise<InspectionRecord> {
    const record = await this.inspections.findById(id);
    if (!record) throw ApiError.notFound('暗访督导');
    return record;
  }

  async addFinding(id: string, dto: InspectionFindingDto, actor: Actor): Promise<Finding> {
    if (!(await this.units.findById(dto.responsibleUnitId))) throw ApiError.badInput('responsibleUnitId', `responsibleUnitId: 未知单位 ${dto.responsibleUnitId}`);
    if (dto.suggestedDueDate < shanghaiDate(this.clock.now())) throw ApiError.badInput('suggestedDueDate', 'suggestedDueDate: 建议整改时限不能早于今天');
    const finding: Finding = {
      id: randomUUID(),
      place: dto.place.trim(),
      category: dto.category,
      description: dto.description.trim(),
      responsibleUnitId: dto.responsibleUnitId,
      suggestedDueDate: dto.suggestedDueDate,
      evidence: [],
      recordedAt: this.clock.now().toISOString(),
      recordedBy: actor.name,
    };
    await this.change(id, 'addFinding', (record) => ({ findings: [...record.findings, finding] }));
    return finding;
  }

  /** Evidence of a finding: stored as an attachment of the item the finding will become, with both times kept. */
  /** The inspection takes evidence for this finding now (404 / 409 otherwise). */
  async checkEvidenceTarget(id: string, findingId: string): Promise<void> {
    const record = await this.get(id);
    this.check(record, 'addFinding');
    if (!record.findings.some((f) => f.id === findingId)) throw ApiError.notFound('暗访发现问题');
  }

  async addEvidence(id: string, findingId: string, upload: StagedUpload, capturedAt: string, actor: Actor): Promise<AttachmentRecord> {
    try {
      await this.checkEvidenceTarget(id, findingId);
    } catch (error) {
      await this.attachments.discard(upload.staged).catch(() => undefined);
      throw error;
    }
    const uploadedAt = this.clock.now();
    const attachment = await this.attachments.commit(upload.staged, {
      itemId: itemIdOfFinding(findingId),
      filename: upload.originalname,
      uploadedBy: actorRef(actor),
      uploadedAt,
    });
    const evidence = {
      attachmentId: attachment._id,
      name: attachment.filename,
      sha256: attachment.sha256,
      size: attachment.size,
      capturedAt: new Date(capturedAt).toISOString(),
      uploadedAt: uploadedAt.toISOString(),
    };
    await this.change(id, 'addFinding', (record) => ({
      findings: record.findings.map((f) => (f.id === findingId ? { ...f, evidence: [...f.evidence, evidence] } : f)),
    }));
    return attachment;
  }

  /**
   * 通报: the publication workflow starts every finding's rectification item (source 暗访) as a child of its own,
   * with an id derived from the finding, then marks the inspection published. A second publish joins the running
   * publication (or finds the inspection published), and a retried one creates nothing twice. Answers once every
   * item is in the read model, so the caller reads its own write.
   */
  async publish(id: string, actor: Actor): Promise<InspectionRecord> {
    const record = await this.get(id);
    this.check(record, 'publish');
    const input: InspectionPublishInput = { inspectionId: id, items: record.findings.map(itemOfFinding), publishedBy: actor };
    let itemIds: string[];
    try {
      itemIds = await this.temporal.workflow.execute(INSPECTION_PUBLISH_WORKFLOW, {
        workflowId: inspectionPublishWorkflowId(id),
        taskQueue: this.settings.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
    } catch (error) {
      throw toApiError(error);
    }
    await this.untilProjected(itemIds);
    return this.get(id);
  }

  private async untilProjected(itemIds: readonly string[]): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (const itemId of itemIds) {
      while (!(await this.items.findById(itemId))) {
        if (Date.now() > deadline) throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, 'unavailable', '整改问题正在生成，请稍后刷新');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /** 暗访情况通报 (DOCX), once published. */
  async circular(id: string): Promise<{ title: string; content: Buffer }> {
    const record = await this.get(id);
    if (record.status !== 'published') throw new ApiError(HttpStatus.CONFLICT, 'invalid_state', '暗访结果尚未通报，不能生成通报文件');
    const units = await this.units.findMany([...new Set([...record.targetUnitIds, ...record.findings.map((f) => f.responsibleUnitId)])]);
    return { title: record.title, content: await inspectionCircular(record, new Map(units.map((u) => [u._id, u.name]))) };
  }

  private check(record: InspectionRecord, step: InspectionStep): void {
    const allowed = inspectionStepAllowed(record.status, step, record.findings.length);
    if (!allowed.ok) throw new ApiError(HttpStatus.CONFLICT, 'invalid_state', allowed.reason);
  }

  /** Read, check, write if nobody wrote in between; retried a few times on a concurrent write. */
  private async change(id: string, step: InspectionStep, apply: (record: InspectionRecord) => Partial<InspectionRecord>): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const record = await this.get(id);
      this.check(record, step);
      if (await this.inspections.replace(id, record.version, { ...apply(record), status: nextInspectionStatus(record.status, step) })) return;
    }
    throw new ApiError(HttpStatus.CONFLICT, 'invalid_state', '暗访督导正被他人修改，请重试');
  }

  private async checkUnits(field: string, ids: readonly string[]): Promise<void> {
    const known = new Set((await this.units.findMany(ids)).map((u) => u._id));
    const unknown = ids.filter((u) => !known.has(u));
    if (unknown.length > 0) throw ApiError.badInput(field, `${field}: 未知单位 ${unknown.join('、')}`);
  }
}
