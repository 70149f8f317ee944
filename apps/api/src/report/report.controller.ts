import { Body, Controller, Get, Header, Inject, Put, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Connection } from 'mongoose';
import { DEFAULT_EVALUATION_POLICY, LEDGER_COLUMNS, endOfShanghaiDay, parsePeriod, startOfShanghaiDay, type Actor, type EvaluationPolicy } from '@duban/domain';
import { RectificationCounts, ReportReadModel, SettingsRepository, UnitRepository, type RectificationRecord, type UnitRecord } from '@duban/persistence';
import { AuditedRead } from '../audit/audit.interceptor.js';
import { ApiError } from '../common/api-error.js';
import { CurrentActor, Roles } from '../common/actor.decorator.js';
import { CLOCK, DATABASE, type Clock } from '../infrastructure/tokens.js';
import { DashboardBuilder, type DashboardView } from './dashboard.js';
import { dashboardFromCounts } from './dashboard-counts.js';
import { DashboardQueryDto, EvaluationPolicyDto, EvaluationQueryDto, LedgerQueryDto } from './dtos/report-query.dto.js';
import { EvaluationBuilder, type EvaluationView } from './evaluation.js';
import { ledgerRow } from './ledger.js';
import { reportScope } from './report-scope.js';
import { XLSX_TYPE, streamSheet, xlsxDisposition } from './xlsx.js';

const POLICY_KEY = 'report.evaluationPolicy';
const XLSX_RESPONSE = { description: 'XLSX 文件（流式输出）', content: { [XLSX_TYPE]: { schema: { type: 'string', format: 'binary' } } } };

@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReportController {
  private readonly items: ReportReadModel;
  private readonly counts: RectificationCounts;
  private readonly units: UnitRepository;
  private readonly settings: SettingsRepository;

  constructor(
    @Inject(DATABASE) database: Connection,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.items = new ReportReadModel(database);
    this.counts = RectificationCounts.of(database);
    this.units = new UnitRepository(database);
    this.settings = new SettingsRepository(database);
  }

  @Get('ledger')
  @AuditedRead()
  @Roles('office', 'leader', 'unit', 'unit_leader')
  @Header('Cache-Control', 'private, no-store')
  @ApiProduces(XLSX_TYPE)
  @ApiOkResponse(XLSX_RESPONSE)
  @ApiOperation({
    summary: '导出整改台账（XLSX）',
    description: '按问题来源、单位、状态、亮灯、交办日期筛选；单位用户只导出本单位及下级单位涉及的问题。逐行流式输出。',
  })
  async ledger(@Query() query: LedgerQueryDto, @CurrentActor() actor: Actor): Promise<StreamableFile> {
    const now = this.clock.now();
    const unitName = await this.unitNames();
    const records = this.items.stream({
      ...this.scoped(actor, query.unitId),
      ...(query.source ? { source: query.source } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.light ? { light: query.light } : {}),
      ...(query.from ? { registeredFrom: new Date(startOfShanghaiDay(query.from)) } : {}),
      ...(query.to ? { registeredBefore: new Date(Date.parse(endOfShanghaiDay(query.to)) + 1) } : {}),
      now,
    });
    // Read the first item before answering: a failing query is a clean error, not a truncated file.
    const iterator = records[Symbol.asyncIterator]();
    const first = await iterator.next();
    async function* rows(): AsyncGenerator<unknown[]> {
      let seq = 0;
      for (let next = first; !next.done; next = await iterator.next()) yield ledgerRow(++seq, next.value, unitName, now);
    }
    return new StreamableFile(streamSheet('整改台账', LEDGER_COLUMNS, rows()), { type: XLSX_TYPE, disposition: xlsxDisposition('ledger', '整改台账') });
  }

  @Get('dashboard')
  @Roles('office', 'leader', 'unit', 'unit_leader')
  @ApiOperation({
    summary: '统计看板：按亮灯、状态分单位/来源/类别计数，按期办结率，超期排名，月度趋势，待处理的督办升级',
    description: '单位用户只统计本单位及下级单位涉及的问题。',
  })
  async dashboard(@Query() query: DashboardQueryDto, @CurrentActor() actor: Actor): Promise<DashboardView> {
    const now = this.clock.now();
    const units = await this.units.list();
    const unitName = namesOf(units);
    const scoped = this.scoped(actor, query.unitId);
    const scope = countsScope(scoped, units);
    if (scope !== null && (await this.counts.isBuilt())) {
      const groups = await this.counts.groups({ ...(scope !== undefined ? { scope } : {}), ...(query.source ? { source: query.source } : {}), now });
      return dashboardFromCounts(groups, now, unitName);
    }
    // Two unrelated units asked together, or counts not built yet (the worker builds them at its first start).
    const builder = new DashboardBuilder(now, unitName);
    const records = this.items.stream({ ...scoped, ...(query.source ? { source: query.source } : {}), now });
    for await (const record of records) builder.add(record);
    return builder.view();
  }

  @Get('evaluation')
  @Roles('office', 'leader', 'unit', 'unit_leader')
  @ApiOperation({
    summary: '单位考评：按期间计算各责任单位得分与排名（公式见 README「单位考评」）',
    description: '单位用户只看到本单位及下级单位的得分。',
  })
  evaluation(@Query() query: EvaluationQueryDto, @CurrentActor() actor: Actor): Promise<EvaluationView> {
    return this.evaluate(query.period, actor);
  }

  @Get('evaluation/export')
  @AuditedRead()
  @Roles('office', 'leader', 'unit', 'unit_leader')
  @Header('Cache-Control', 'private, no-store')
  @ApiProduces(XLSX_TYPE)
  @ApiOkResponse(XLSX_RESPONSE)
  @ApiOperation({ summary: '导出单位考评排名（XLSX）' })
  async exportEvaluation(@Query() query: EvaluationQueryDto, @CurrentActor() actor: Actor): Promise<StreamableFile> {
    const view = await this.evaluate(query.period, actor);
    const columns = [
      { header: '排名', width: 6 },
      { header: '单位', width: 24 },
      { header: '得分', width: 8 },
      { header: '按期办结率', width: 10 },
      { header: '到期问题数', width: 10 },
      { header: '按期办结数', width: 10 },
      { header: '超期天数', width: 10 },
      { header: '退回次数', width: 10 },
      { header: '回头看未通过', width: 12 },
      { header: '超期升级次数', width: 12 },
      { header: '蓝色督办单', width: 10 },
      { header: '黄色督办单', width: 10 },
      { header: '红色督办单', width: 10 },
      { header: '预警处置', width: 40 },
    ];
    async function* rows(): AsyncGenerator<unknown[]> {
      for (const u of view.units) {
        yield [
          u.rank,
          u.unitName,
          u.score,
          u.onTimeRate === null ? '' : `${Math.round(u.onTimeRate * 1000) / 10}%`,
          u.counters.due,
          u.counters.onTime,
          u.counters.overdueDays,
          u.counters.returns,
          u.counters.lookBackFailures,
          u.counters.escalations,
          u.counters.notices.blue,
          u.counters.notices.yellow,
          u.counters.notices.red,
          u.warnings.map((w) => `${w.quarter} ${w.measure}（扣 ${w.deduction} 分）`).join('；'),
        ];
      }
    }
    return new StreamableFile(streamSheet(`单位考评 ${view.period}`, columns, rows()), {
      type: XLSX_TYPE,
      disposition: xlsxDisposition(`evaluation-${view.period}`, `单位考评-${view.period}`),
    });
  }

  @Get('evaluation/policy')
  @Roles('office', 'leader')
  @ApiOkResponse({ type: EvaluationPolicyDto })
  @ApiOperation({ summary: '考评权重与预警规则' })
  policy(): Promise<EvaluationPolicy> {
    return this.loadPolicy();
  }

  @Put('evaluation/policy')
  @Roles('office')
  @ApiOkResponse({ type: EvaluationPolicyDto })
  @ApiOperation({ summary: '设置考评权重与预警规则（如同一季度两张黄色督办单 → 扣分并发函；三张红色 → 约谈单位主要负责人）' })
  async setPolicy(@Body() body: EvaluationPolicyDto): Promise<EvaluationPolicy> {
    const policy: EvaluationPolicy = {
      base: body.base,
      onTimeWeight: body.onTimeWeight,
      perOverdueDay: body.perOverdueDay,
      overdueDaysCap: body.overdueDaysCap,
      perReturn: body.perReturn,
      perLookBackFailure: body.perLookBackFailure,
      perEscalation: body.perEscalation,
      perNotice: { blue: body.perNotice.blue, yellow: body.perNotice.yellow, red: body.perNotice.red },
      warnings: body.warnings.map((w) => ({ colour: w.colour, count: w.count, deduction: w.deduction, measure: w.measure })),
    };
    await this.settings.set(POLICY_KEY, JSON.stringify(policy));
    return policy;
  }

  private async evaluate(label: string, actor: Actor): Promise<EvaluationView> {
    const period = parsePeriod(label);
    if (!period) throw ApiError.badInput('period', 'period: 期间格式应为 2026、2026-Q3 或 2026-07');
    const now = this.clock.now();
    const scope = reportScope(actor);
    const builder = new EvaluationBuilder(period, now);
    for await (const record of this.items.stream({ ...(scope !== undefined ? { scopeUnitId: scope } : {}), now }, { withTimeline: true })) builder.add(record as RectificationRecord);
    return builder.view(await this.units.list(), scope, await this.loadPolicy());
  }

  private async loadPolicy(): Promise<EvaluationPolicy> {
    const stored = await this.settings.get(POLICY_KEY);
    return stored ? (JSON.parse(stored) as EvaluationPolicy) : DEFAULT_EVALUATION_POLICY;
  }

  private scoped(actor: Actor, unitId: string | undefined): { scopeUnitId?: string; unitId?: string } {
    const scope = reportScope(actor);
    return { ...(scope !== undefined ? { scopeUnitId: scope } : {}), ...(unitId !== undefined ? { unitId } : {}) };
  }

  private async unitNames(): Promise<(id: string) => string> {
    return namesOf(await this.units.list());
  }
}

function namesOf(units: readonly UnitRecord[]): (id: string) => string {
  const names = new Map(units.map((u) => [u._id, u.name]));
  return (id) => names.get(id) ?? id;
}

/**
 * The one counts scope whose items are those of both units asked (the actor's scope and the chosen unit): the lower
 * one when one lies within the other (an item seen by a unit is seen by all above it); undefined for the county;
 * null when they are unrelated.
 */
function countsScope(scoped: { scopeUnitId?: string; unitId?: string }, units: readonly UnitRecord[]): string | undefined | null {
  const { scopeUnitId, unitId } = scoped;
  if (scopeUnitId === undefined || unitId === undefined) return unitId ?? scopeUnitId;
  const pathOf = (id: string) => units.find((u) => u._id === id)?.path ?? [id];
  if (pathOf(unitId).includes(scopeUnitId)) return unitId;
  if (pathOf(scopeUnitId).includes(unitId)) return scopeUnitId;
  return null;
}
