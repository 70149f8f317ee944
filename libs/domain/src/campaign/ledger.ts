import type { CampaignDefinition, CampaignPhase } from './campaign.js';

/** A 举一反三 check as the campaign records it (its id is the finding's `checkId` and the tasks' item id). */
export interface SpreadRef {
  readonly id: string;
  readonly text: string;
}

/** The phase a date falls in, as the progress groups by phase: the first phase whose end date is not before it; null after the last. */
export const phaseOfDate = (def: Pick<CampaignDefinition, 'phases'>, date: string): CampaignPhase | null => def.phases.find((p) => date <= p.endDate) ?? null;

/** Where a finding came from (排查来源): the campaign's check list or a 举一反三 check. */
export function findingCheckLabel(checkId: string | null | undefined, spreads: readonly SpreadRef[]): string {
  if (!checkId) return '';
  if (checkId === 'check') return '排查清单';
  const spread = spreads.find((s) => s.id === checkId);
  if (!spread) return checkId;
  return spread.text.startsWith('举一反三') ? spread.text : `举一反三：${spread.text}`;
}

/** What a campaign task is (任务类型), from its item id: the check (排查), a 举一反三 check, or a report owed (报送). */
export function campaignTaskKind(def: Pick<CampaignDefinition, 'reports'>, spreads: readonly SpreadRef[], itemId: string): string {
  if (itemId === 'check') return '排查';
  if (spreads.some((s) => s.id === itemId)) return '举一反三';
  const report = def.reports.find((r) => itemId.startsWith(`${r.id}-`));
  return report ? `报送：${report.name}` : itemId;
}
