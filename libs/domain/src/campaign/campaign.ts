import type { UnitKind } from '../org.js';
import type { AssignmentSpec } from '../task-list/assignment.js';
import { assignmentId, expandTarget, type ItemTarget } from '../task-list/task-list.js';
import { endOfShanghaiDay, isCalendarDate } from '../time.js';

/** 专项行动 phases: the check (排查), the rectification (整改) and the consolidation (巩固提升) — seed 003 三. */
export const PHASE_KINDS = ['check', 'rectify', 'consolidate'] as const;
export type PhaseKind = (typeof PHASE_KINDS)[number];
export const PHASE_KIND_LABELS: Record<PhaseKind, string> = { check: '全面排查', rectify: '全面整改', consolidate: '巩固提升' };

export interface CampaignPhase {
  readonly id: string;
  readonly name: string;
  readonly kind: PhaseKind;
  /** YYYY-MM-DD: the phase ends at the end of this day (seed 003: 排查 9月26日前 → 整改 10月23日前 → 巩固 12月31日前). */
  readonly endDate: string;
}

/** A sub-action (子行动) with its lead and co-units (seed 000: seven actions, each with 牵头单位 and 配合单位). */
export interface SubAction {
  readonly id: string;
  readonly name: string;
  readonly leadUnitIds: readonly string[];
  readonly coUnitIds: readonly string[];
}

/** What a unit must check in the check phase (seed 003 二(一)): one check task per unit, listing its items. */
export interface CheckItem {
  readonly id: string;
  readonly text: string;
  readonly target: ItemTarget;
  readonly subActionId: string | null;
}

/** A report units owe on dates: the action plan by a date, then quarterly reports (seed 000 四.1). */
export interface ReportingObligation {
  readonly id: string;
  readonly name: string;
  readonly target: ItemTarget;
  readonly dueDates: readonly string[];
}

export interface CampaignDefinition {
  readonly id: string;
  readonly name: string;
  readonly issuingUnitId: string;
  readonly startDate: string;
  readonly phases: readonly CampaignPhase[];
  readonly subActions: readonly SubAction[];
  readonly checkItems: readonly CheckItem[];
  readonly reports: readonly ReportingObligation[];
}

/** A reason (zh-CN) and the field it concerns, or null when the definition can run. */
export function campaignProblem(def: Omit<CampaignDefinition, 'id' | 'issuingUnitId'>): { field: string; message: string } | null {
  if (!isCalendarDate(def.startDate)) return { field: 'startDate', message: '开始日期须为 YYYY-MM-DD 格式' };
  if (def.phases.length === 0) return { field: 'phases', message: '至少需要一个阶段' };
  let previous = def.startDate;
  for (const [i, phase] of def.phases.entries()) {
    if (!isCalendarDate(phase.endDate) || phase.endDate < previous) return { field: `phases[${i}].endDate`, message: '阶段截止日期须按先后排列，且不早于开始日期' };
    previous = phase.endDate;
  }
  if (!def.phases.some((p) => p.kind === 'check') && def.checkItems.length > 0) return { field: 'phases', message: '有排查清单时须有排查阶段' };
  const subActions = new Set(def.subActions.map((s) => s.id));
  for (const [i, item] of def.checkItems.entries()) {
    if (item.subActionId !== null && !subActions.has(item.subActionId)) return { field: `checkItems[${i}].subActionId`, message: '子行动不存在' };
  }
  for (const [i, report] of def.reports.entries()) {
    if (report.dueDates.length === 0 || report.dueDates.some((d) => !isCalendarDate(d))) return { field: `reports[${i}].dueDates`, message: '报送时间须为 YYYY-MM-DD 格式的日期' };
  }
  return null;
}

export const phaseOfKind = (def: Pick<CampaignDefinition, 'phases'>, kind: PhaseKind) => def.phases.find((p) => p.kind === kind) ?? null;

/** Where findings' items are due: the end of the rectification phase (or of the campaign when it has none). */
export function rectificationDueDate(def: Pick<CampaignDefinition, 'phases'>): string {
  return (phaseOfKind(def, 'rectify') ?? def.phases[def.phases.length - 1]!).endDate;
}

/**
 * Where a finding recorded on `today` is due: the end of the rectification phase, or once that is over, the end of
 * the first later phase still running (problems found in consolidation are rectified within it) — never a date
 * already past, so a finding is not born overdue and escalated. Null when every such phase has ended.
 */
export function findingDueDate(def: Pick<CampaignDefinition, 'phases'>, today: string): string | null {
  const rectify = phaseOfKind(def, 'rectify');
  const from = rectify ? def.phases.indexOf(rectify) : def.phases.length - 1;
  return def.phases.slice(from).find((phase) => phase.endDate >= today)?.endDate ?? null;
}

/**
 * A reason (zh-CN) and field when a campaign would start with dates already over on `today`: a phase that has ended
 * or a report already due would put its tasks in the red the moment it starts. Null when every date is still ahead.
 */
export function campaignDatesProblem(def: Pick<CampaignDefinition, 'phases' | 'reports'>, today: string): { field: string; message: string } | null {
  const phase = def.phases.findIndex((p) => p.endDate < today);
  if (phase >= 0) return { field: `phases[${phase}].endDate`, message: `阶段截止日期 ${def.phases[phase]!.endDate} 已过，不能早于今天（${today}）` };
  const report = def.reports.findIndex((r) => r.dueDates.some((d) => d < today));
  if (report >= 0) return { field: `reports[${report}].dueDates`, message: `报送时间不能早于今天（${today}）` };
  return null;
}

/** Who a check reaches: units named by id, and every unit of the kinds named. */
export interface CheckAudience {
  readonly unitIds: readonly string[];
  readonly unitKinds: readonly UnitKind[];
}

/**
 * Who may answer a check with findings: for the campaign's own check (`check`), every unit it names or targets —
 * sub-actions' lead and co-units, check items, reporting obligations; for a 举一反三 spread, the units of its kind.
 * Null when there is no such check.
 */
export function checkAudience(
  def: Pick<CampaignDefinition, 'subActions' | 'checkItems' | 'reports'>,
  spreads: readonly { readonly id: string; readonly unitKind: UnitKind }[],
  checkId: string,
): CheckAudience | null {
  if (checkId !== 'check') {
    const spread = spreads.find((s) => s.id === checkId);
    return spread ? { unitIds: [], unitKinds: [spread.unitKind] } : null;
  }
  const targets = [...def.checkItems, ...def.reports].map((x) => x.target);
  return {
    unitIds: campaignUnitIds(def),
    unitKinds: [...new Set(targets.flatMap((t) => (t.kind === 'unitKind' ? [t.unitKind] : [])))],
  };
}

/**
 * True when the unit at the end of `path` (its units from the root, each with its kind) is reached by the audience,
 * itself or through a unit above it: villages check for their township and report what they find to it
 * (seed 003: 村级排查核实后，将排查出来的问题分类上报乡).
 */
export function isReachedBy(audience: CheckAudience, path: readonly { readonly id: string; readonly kind: UnitKind }[]): boolean {
  return path.some((unit) => audience.unitIds.includes(unit.id) || audience.unitKinds.includes(unit.kind));
}

/** The check tasks of the check phase: one per unit, listing the check items that target it, due at the phase's end. */
export function checkTaskSpecs(def: CampaignDefinition, unitsOfKind: (kind: UnitKind) => readonly string[]): AssignmentSpec[] {
  const phase = phaseOfKind(def, 'check');
  if (!phase) return [];
  const byUnit = new Map<string, CheckItem[]>();
  for (const item of def.checkItems) for (const unit of expandTarget(item.target, unitsOfKind)) byUnit.set(unit, [...(byUnit.get(unit) ?? []), item]);
  return [...byUnit.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([unitId, items]) => campaignTask(def, 'check', unitId, `${def.name}：${phase.name}`, items.map((it, i) => `${i + 1}. ${it.text}`).join('\n'), phase.endDate));
}

/** Reporting obligations: one task per unit and due date (plan filing, each quarterly report). */
export function reportTaskSpecs(def: CampaignDefinition, unitsOfKind: (kind: UnitKind) => readonly string[]): AssignmentSpec[] {
  return def.reports.flatMap((report) =>
    expandTarget(report.target, unitsOfKind).flatMap((unitId) =>
      report.dueDates.map((date) => campaignTask(def, `${report.id}-${date}`, unitId, `${def.name}：${report.name}（${date}前）`, `请于 ${date} 前报送${report.name}。`, date)),
    ),
  );
}

/** 举一反三: the same check as a finding, issued to every unit of a kind; each answers found / not found. */
export function spreadTaskSpecs(def: CampaignDefinition, spreadId: string, text: string, unitIds: readonly string[], dueDate: string): AssignmentSpec[] {
  return [...unitIds].sort().map((unitId) => campaignTask(def, spreadId, unitId, `${def.name}：举一反三排查`, text, dueDate));
}

function campaignTask(def: CampaignDefinition, taskId: string, unitId: string, title: string, content: string, dueDate: string): AssignmentSpec {
  return {
    id: assignmentId(def.id, taskId, unitId),
    listId: def.id,
    listTitle: def.name,
    month: dueDate.slice(0, 7),
    itemId: taskId,
    title,
    content,
    leadUnitId: unitId,
    coUnitIds: [],
    dueAt: endOfShanghaiDay(dueDate),
    onUnfinished: 'fail',
    carriedFrom: null,
    quantity: null,
  };
}

/** A campaign as the office writes it (the API's request and the demo files): targets as ids or a unit kind, sub-actions by index. */
export interface CampaignRequest {
  readonly name: string;
  readonly startDate: string;
  readonly phases: readonly { readonly name: string; readonly kind: PhaseKind; readonly endDate: string }[];
  readonly subActions?: readonly { readonly name: string; readonly leadUnitIds: readonly string[]; readonly coUnitIds?: readonly string[] }[];
  readonly checkItems?: readonly (TargetRequest & { readonly text: string; readonly subAction?: number })[];
  readonly reports?: readonly (TargetRequest & { readonly name: string; readonly dueDates: readonly string[] })[];
}

export interface TargetRequest {
  readonly targetUnitIds?: readonly string[];
  readonly targetUnitKind?: UnitKind;
}

/** Turns a request into a definition with stable ids (p1…, s1…, c1…, r1…), or names the field that is wrong. */
export function defineCampaign(
  request: CampaignRequest,
): { readonly ok: true; readonly value: Omit<CampaignDefinition, 'id' | 'issuingUnitId'> } | { readonly ok: false; readonly field: string; readonly message: string } {
  const subActions = (request.subActions ?? []).map((s, i) => ({ id: `s${i + 1}`, name: s.name.trim(), leadUnitIds: [...s.leadUnitIds], coUnitIds: [...(s.coUnitIds ?? [])] }));
  const target = (row: TargetRequest): ItemTarget | null =>
    (row.targetUnitIds === undefined) === (row.targetUnitKind === undefined)
      ? null
      : row.targetUnitKind
        ? { kind: 'unitKind', unitKind: row.targetUnitKind }
        : { kind: 'units', unitIds: [...row.targetUnitIds!] };
  const checkItems: CheckItem[] = [];
  for (const [i, c] of (request.checkItems ?? []).entries()) {
    const t = target(c);
    if (!t) return { ok: false, field: `checkItems[${i}].targetUnitIds`, message: '请指定单位或单位类型（二选一）' };
    if (c.subAction !== undefined && !subActions[c.subAction]) return { ok: false, field: `checkItems[${i}].subAction`, message: '子行动不存在' };
    checkItems.push({ id: `c${i + 1}`, text: c.text.trim(), target: t, subActionId: c.subAction !== undefined ? subActions[c.subAction]!.id : null });
  }
  const reports: ReportingObligation[] = [];
  for (const [i, r] of (request.reports ?? []).entries()) {
    const t = target(r);
    if (!t) return { ok: false, field: `reports[${i}].targetUnitIds`, message: '请指定单位或单位类型（二选一）' };
    reports.push({ id: `r${i + 1}`, name: r.name.trim(), target: t, dueDates: [...r.dueDates].sort() });
  }
  const phases = request.phases.map((p, i) => ({ id: `p${i + 1}`, name: p.name.trim(), kind: p.kind, endDate: p.endDate }));
  const value = { name: request.name.trim(), startDate: request.startDate, phases, subActions, checkItems, reports };
  const problem = campaignProblem(value);
  return problem ? { ok: false, ...problem } : { ok: true, value };
}

/** Every unit a definition names (to check they exist). */
export const campaignUnitIds = (def: Pick<CampaignDefinition, 'subActions' | 'checkItems' | 'reports'>): string[] => [
  ...new Set([
    ...def.subActions.flatMap((s) => [...s.leadUnitIds, ...s.coUnitIds]),
    ...[...def.checkItems, ...def.reports].flatMap((x) => (x.target.kind === 'units' ? x.target.unitIds : [])),
  ]),
];
