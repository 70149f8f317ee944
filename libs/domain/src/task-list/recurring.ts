import { shanghaiDate } from '../time.js';
import type { DueRule } from './due-rule.js';
import type { ItemTarget, TaskListItem } from './task-list.js';
import type { UnfinishedDisposition } from './vocabulary.js';

/** How often a recurring obligation (常态化任务) falls due: 每月, 双月, 每季, 每半年. */
export const CADENCES = ['monthly', 'bimonthly', 'quarterly', 'halfYearly'] as const;
export type Cadence = (typeof CADENCES)[number];

export const CADENCE_LABELS: Record<Cadence, string> = {
  monthly: '每月',
  bimonthly: '每两个月',
  quarterly: '每季度',
  halfYearly: '每半年',
};

/** The months (1–12) a cadence falls in unless a template names its own: a period's last month (季末, 6月和12月). */
export const DEFAULT_CADENCE_MONTHS: Record<Cadence, readonly number[]> = {
  monthly: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  bimonthly: [2, 4, 6, 8, 10, 12],
  quarterly: [3, 6, 9, 12],
  halfYearly: [6, 12],
};

/** A recurring obligation: each month it falls in, the monthly list gets one item made from it. */
export interface TaskTemplate {
  readonly id: string;
  readonly title: string;
  readonly content: string;
  readonly target: ItemTarget;
  readonly coUnitIds: readonly string[];
  readonly cadence: Cadence;
  /** The months it falls in (1–12), when not the cadence's default. */
  readonly months: readonly number[] | null;
  /** Within its month; an absolute date would not recur. */
  readonly due: Exclude<DueRule, { kind: 'date' }>;
  readonly onUnfinished: UnfinishedDisposition;
  readonly active: boolean;
}

export const templateMonths = (template: Pick<TaskTemplate, 'cadence' | 'months'>): readonly number[] =>
  template.months && template.months.length > 0 ? template.months : DEFAULT_CADENCE_MONTHS[template.cadence];

/** True when an active template falls due in `month` ("YYYY-MM"). */
export function isTemplateDue(template: Pick<TaskTemplate, 'cadence' | 'months' | 'active'>, month: string): boolean {
  return template.active && templateMonths(template).includes(Number(month.slice(5, 7)));
}

/** The templates that fall due in `month`, in the order given. */
export const templatesDueIn = <T extends Pick<TaskTemplate, 'cadence' | 'months' | 'active'>>(templates: readonly T[], month: string): T[] =>
  templates.filter((template) => isTemplateDue(template, month));

/** The id of a template's item in a month's list: the same template never adds a second item to one month. */
export const templateItemId = (templateId: string, month: string) => `tpl-${templateId}-${month}`;

/** The list item a template adds to `month`'s list. */
export function templateItem(template: TaskTemplate, month: string): TaskListItem {
  return {
    id: templateItemId(template.id, month),
    title: template.title,
    content: template.content,
    target: template.target,
    coUnitIds: template.coUnitIds,
    due: template.due,
    onUnfinished: template.onUnfinished,
    quantity: null,
    carriedFrom: null,
    templateId: template.id,
  };
}

/** A reason (zh-CN) the months a template names cannot be used, or null. */
export function templateMonthsProblem(months: readonly number[] | null): string | null {
  if (months === null) return null;
  if (months.length === 0) return '所属月份不能为空（不填则按周期默认月份）';
  if (months.some((m) => !Number.isInteger(m) || m < 1 || m > 12)) return '所属月份须为 1 到 12 的整数';
  return new Set(months).size === months.length ? null : '所属月份不能重复';
}

/** The month ("YYYY-MM") an instant falls in, in Asia/Shanghai: what the 1st-of-month schedule issues. */
export const shanghaiMonthOf = (instant: Date | string): string => shanghaiDate(instant).slice(0, 7);
