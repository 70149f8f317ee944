import { shanghaiDate } from '@duban/domain';
import type { ApiClient, ApiResponse } from './stack.js';

const inDays = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000));

/**
 * The browser suites' campaign: seed 003's check and rectification phases from today, one sub-action led by
 * 卫健委 with 甲镇, and a check for every township. Defined and started by `office`; answers the definition's response.
 */
export async function startCampaign(office: ApiClient): Promise<ApiResponse> {
  const campaign = await office.post('/api/campaigns', {
    name: '大排查大巩固大提升专项行动',
    startDate: inDays(0),
    phases: [
      { name: '全面排查摸底', kind: 'check', endDate: inDays(5) },
      { name: '全面整改落实', kind: 'rectify', endDate: inDays(30) },
    ],
    subActions: [{ name: '义务教育保障', leadUnitIds: ['health'], coUnitIds: ['town-a'] }],
    checkItems: [{ text: '是否还有义务教育阶段学龄儿童少年失学辍学情况', targetUnitKind: 'township', subAction: 0 }],
    reports: [],
  });
  if (campaign.status !== 201) throw new Error(`campaign: ${campaign.status} ${JSON.stringify(campaign.body)}`);
  const started = await office.post(`/api/campaigns/${campaign.body.id}/start`);
  if (started.status !== 202) throw new Error(`campaign start: ${started.status} ${JSON.stringify(started.body)}`);
  return campaign;
}
