import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { CAMPAIGN_WORKFLOW, advanceCampaignPhaseUpdate, campaignWorkflowId, spreadCheckUpdate, type CampaignWorkflowInput } from '@duban/contracts';
import {
  actorRef,
  campaignDatesProblem,
  campaignUnitIds,
  checkAudience,
  defineCampaign,
  findingDueDate,
  isReachedBy,
  campaignProgressReport,
  endOfShanghaiDay,
  hasRole,
  light,
  shanghaiDate,
  type Actor,
  type CampaignProgressReport,
  type RectificationState,
  LIGHT_LABELS,
  STATUS_LABELS,
  type Light,
  type Status,
  type UnitKind,
} from '@duban/domain';
import { AssignmentReadModel, CampaignRepository, RectificationReadModel, UnitRepository, type CampaignRecord } from '@duban/persistence';
import { ApiError } from '../common/api-error.js';
import { toApiError } from '../rectification/temporal-errors.js';
import { RegisterRectification } from '../rectification/usecases/register-rectification.usecase.js';
import { API_SETTINGS, CLOCK, DATABASE, TEMPORAL_CLIENT, type ApiSettings, type Clock } from '../infrastructure/tokens.js';
import type { CampaignDto, FindingDto, SpreadDto } from './campaign.dto.js';

/** A finding's item as the campaign board lists it. */
export interface CampaignFindingView {
  id: string;
  title: string;
  leadUnitId: string;
  subActionId: string | null;
  checkId: string | null;
  status: Status;
  statusLabel: string;
  light: Light | null;
  lightLabel: string | null;
  dueDate: string;
}

/** Special campaigns (专项行动): defined and run by the office; units record findings that become items. */
@Injectable()
export class Campaigns {
  private readonly campaigns: CampaignRepository;
  private readonly units: UnitRepository;
  private readonly items: RectificationReadModel;
  private readonly tasks: AssignmentReadModel;

  constructor(
    @Inject(DATABASE) database: Connection,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(API_SETTINGS) private readonly settings: ApiSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RegisterRectification) private readonly registration: RegisterRectification,
  ) {
    this.campaigns = new CampaignRepository(database);
    this.units = new UnitRepository(database);
    this.items = new RectificationReadModel(database);
    this.tasks = new AssignmentReadModel(database);
  }

  async create(body: CampaignDto, actor: Actor): Promise<CampaignRecord> {
    const defined = defineCampaign(body);
    if (!defined.ok) throw ApiError.badInput(defined.field, `${defined.field}: ${defined.message}`);
    const definition = defined.value;
    const dated = campaignDatesProblem(definition, shanghaiDate(this.clock.now()));
    if (dated) throw ApiError.badInput(dated.field, `${dated.field}: ${dated.message}`);
    await this.checkUnits(campaignUnitIds(definition));
    const record: CampaignRecord = {
      _id: `CP-${randomUUID().slice(0, 8)}`,
      ...definition,
      issuingUnitId: actor.unitId,
      status: 'draft',
      phaseIndex: 0,
      phaseLog: [],
      spreads: [],
      createdAt: this.clock.now().toISOString(),
      createdBy: actorRef(actor),
    };
    await this.campaigns.insert(record);
    return record;
  }

  list(): Promise<CampaignRecord[]> {
    return this.campaigns.list(50);
  }

  async get(id: string): Promise<CampaignRecord> {
    const campaign = /^CP-[0-9a-f]{8}$/.test(id) ? await this.campaigns.findById(id) : null;
    if (!campaign) throw ApiError.notFound('专项行动');
    return campaign;
  }

  async start(id: string, actor: Actor): Promise<CampaignRecord> {
    const campaign = await this.get(id);
    // A draft left until its dates passed would start with its tasks in the red.
    const dated = campaign.status === 'draft' ? campaignDatesProblem(campaign, shanghaiDate(this.clock.now())) : null;
    if (dated) throw new ApiError(HttpStatus.CONFLICT, 'invalid_state', `${dated.field}: ${dated.message}`, { fields: [{ field: dated.field, problems: [dated.message] }] });
    const running = await this.campaigns.markRunning(id);
    if (!running) throw new ApiError(HttpStatus.CONFLICT, 'invalid_state', '专项行动已启动');
    const input: CampaignWorkflowInput = { campaignId: id, startedBy: actor };
    try {
      await this.temporal.workflow.start(CAMPAIGN_WORKFLOW, {
        workflowId: campaignWorkflowId(id),
        taskQueue: this.settings.taskQueue,
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) throw new ApiError(HttpStatus.CONFLICT, 'invalid_state', '专项行动已启动');
      throw error;
    }
    return running;
  }

  async advance(id: string, actor: Actor): Promise<void> {
    await this.running(id);
    try {
      await this.temporal.workflow.getHandle(campaignWorkflowId(id)).executeUpdate(advanceCampaignPhaseUpdate, { args: [{ actor }] });
    } catch (error) {
      throw toApiError(error);
    }
  }

  /** 举一反三: the same check to every unit of a kind. Returns how many units it reached. */
  async spread(id: string, body: SpreadDto, actor: Actor): Promise<{ spreadId: string; units: number }> {
    await this.running(id);
    if (body.dueDate < shanghaiDate(this.clock.now())) throw ApiError.badInput('dueDate', 'dueDate: 回复时限不能早于今天');
    const spreadId = `spread-${randomUUID().slice(0, 8)}`;
    try {
      const units = await this.temporal.workflow
        .getHandle(campaignWorkflowId(id))
        .executeUpdate(spreadCheckUpdate, { args: [{ actor, spreadId, text: body.text.trim(), unitKind: body.unitKind, dueDate: body.dueDate }] });
      return { spreadId, units };
    } catch (error) {
      throw toApiError(error);
    }
  }

  /** A unit's finding in answer to a check: a rectification item of its own, due at the end of the rectification phase. */
  async recordFinding(id: string, body: FindingDto, actor: Actor): Promise<RectificationState> {
    const campaign = await this.running(id);
    if (!hasRole(actor, 'unit', 'unit_leader')) throw new ApiError(HttpStatus.FORBIDDEN, 'forbidden', '只有责任单位可以填报排查发现的问题');
    const audience = checkAudience(campaign, campaign.spreads, body.checkId);
    if (!audience) throw ApiError.badInput('checkId', 'checkId: 没有这项排查');
    if (body.subAction !== undefined && !campaign.subActions[body.subAction]) throw ApiError.badInput('subAction', 'subAction: 子行动不存在');
    if (!isReachedBy(audience, await this.pathOf(actor.unitId))) {
      throw new ApiError(HttpStatus.FORBIDDEN, 'forbidden', '本单位不在该项排查的范围内，不能填报排查发现的问题');
    }
    const dueDate = findingDueDate(campaign, shanghaiDate(this.clock.now()));
    if (!dueDate) throw new ApiError(HttpStatus.CONFLICT, 'invalid_state', '专项行动各阶段均已结束，不能再填报排查发现的问题');
    return this.registration.start(
      {
        id: randomUUID(),
        title: body.title.trim(),
        description: body.description.trim(),
        source: 'self_inspection',
        category: body.category,
        severity: body.severity ?? 'general',
        leadUnitId: actor.unitId,
        coUnitIds: [],
        dueAt: endOfShanghaiDay(dueDate),
        verifierUnitId: null,
        campaign: { id, subActionId: body.subAction !== undefined ? campaign.subActions[body.subAction]!.id : null, checkId: body.checkId },
      },
      actor,
    );
  }

  async progress(id: string): Promise<CampaignProgressReport> {
    const campaign = await this.get(id);
    const [items, tasks] = await Promise.all([this.items.ofCampaign(id), this.tasks.ofList(id)]);
    return campaignProgressReport(campaign, campaign.spreads.map((s) => s.id), items, tasks, this.clock.now());
  }

  /** The items the campaign's units found (the board's list), each with its light now. */
  async findings(id: string): Promise<CampaignFindingView[]> {
    const campaign = await this.get(id);
    const now = this.clock.now();
    return (await this.items.ofCampaign(campaign._id)).map((s) => {
      const lit = light(s, now);
      return {
        id: s.id,
        title: s.title,
        leadUnitId: s.leadUnitId,
        subActionId: s.campaign?.subActionId ?? null,
        checkId: s.campaign?.checkId ?? null,
        status: s.status,
        statusLabel: STATUS_LABELS[s.status],
        light: lit,
        lightLabel: lit ? LIGHT_LABELS[lit] : null,
        dueDate: shanghaiDate(s.dueAt),
      };
    });
  }

  /** Unit names by id (for documents). */
  async unitNames(): Promise<Map<string, string>> {
    return new Map((await this.units.list()).map((u) => [u._id, u.name]));
  }

  private async running(id: string): Promise<CampaignRecord> {
    const campaign = await this.get(id);
    if (campaign.status !== 'running') throw new ApiError(HttpStatus.CONFLICT, 'invalid_state', campaign.status === 'draft' ? '专项行动尚未启动' : '专项行动已结束');
    return campaign;
  }

  /** The unit's path from the root, each unit with its kind (empty for an unknown unit). */
  private async pathOf(unitId: string): Promise<{ id: string; kind: UnitKind }[]> {
    const unit = await this.units.findById(unitId);
    if (!unit) return [];
    const kinds = new Map((await this.units.findMany(unit.path)).map((u) => [u._id, u.kind]));
    return unit.path.flatMap((id) => {
      const kind = kinds.get(id);
      return kind ? [{ id, kind }] : [];
    });
  }

  private async checkUnits(ids: readonly string[]): Promise<void> {
    const wanted = [...new Set(ids)];
    const known = new Set((await this.units.findMany(wanted)).map((u) => u._id));
    const unknown = wanted.filter((u) => !known.has(u));
    if (unknown.length > 0) throw ApiError.badInput('units', `units: 单位不存在：${unknown.join('、')}`);
  }
}
