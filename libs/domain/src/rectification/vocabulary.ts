/** Where a problem came from (DOMAIN.md §1; seeds 000 (五), 002 §21, 004 §五.3). */
export const SOURCES = [
  'national_post_evaluation',
  'provincial_assessment',
  'provincial_inspection_tour',
  'municipal_inspection',
  'supervision',
  'anonymous_visit',
  'policy_audit',
  'rural_construction_audit',
  'poverty_asset_audit',
  'self_inspection',
] as const;
export type Source = (typeof SOURCES)[number];

export const SOURCE_LABELS: Record<Source, string> = {
  national_post_evaluation: '国家后评估',
  provincial_assessment: '省考核',
  provincial_inspection_tour: '省委巡视',
  municipal_inspection: '市委巡察',
  supervision: '督查督导',
  anonymous_visit: '暗访',
  policy_audit: '政策跟踪审计',
  rural_construction_audit: '乡村建设专项审计',
  poverty_asset_audit: '扶贫资产专项审计',
  self_inspection: '自查/大排查',
};

export const CATEGORIES = [
  'education',
  'health',
  'housing',
  'drinking_water',
  'industry',
  'employment',
  'social_assistance',
  'funds_projects',
  'data_quality',
  'work_style',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_LABELS: Record<Category, string> = {
  education: '义务教育',
  health: '基本医疗',
  housing: '住房安全',
  drinking_water: '饮水安全',
  industry: '产业发展',
  employment: '就业帮扶',
  social_assistance: '兜底保障',
  funds_projects: '资金项目',
  data_quality: '数据质量',
  work_style: '工作作风',
  other: '其他',
};

export const SEVERITIES = ['general', 'major', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY_LABELS: Record<Severity, string> = { general: '一般', major: '较重', critical: '严重' };

export const STATUSES = [
  'assigned',
  'signed',
  'plan_submitted',
  'rectifying',
  'pending_verification',
  'pending_acceptance',
  'deferred',
  'closed',
  'merged',
] as const;
export type Status = (typeof STATUSES)[number];

export const STATUS_LABELS: Record<Status, string> = {
  assigned: '已交办待签收',
  signed: '已签收待报方案',
  plan_submitted: '整改方案待审核',
  rectifying: '整改中',
  pending_verification: '已报结待初验',
  pending_acceptance: '已报结待验收',
  deferred: '暂缓整改（已备案）',
  closed: '已验收销号',
  merged: '已合并',
};

/** Statuses that end the process: nothing is due any more. */
export const FINAL_STATUSES: readonly Status[] = ['closed', 'merged'];

/** Statuses in which the item still needs work from someone: it shows in an inbox. */
export const OPEN_STATUSES: readonly Status[] = STATUSES.filter((s) => !FINAL_STATUSES.includes(s));

/** Statuses in which the deadline runs: lights, notices and escalation apply. Deferral stops them. */
export const RUNNING_STATUSES: readonly Status[] = OPEN_STATUSES.filter((s) => s !== 'deferred');
