import { describe, expect, it } from 'vitest';
import {
  campaignDatesProblem,
  campaignProblem,
  checkAudience,
  checkTaskSpecs,
  findingDueDate,
  isReachedBy,
  rectificationDueDate,
  reportTaskSpecs,
  spreadTaskSpecs,
  type CampaignDefinition,
} from './campaign.js';
import { campaignTaskKind, findingCheckLabel, phaseOfDate } from './ledger.js';
import { campaignProgress, rectificationPhaseDone, spreadAnswers } from './progress.js';

const campaign: CampaignDefinition = {
  id: 'CP-0000abcd',
  name: '大排查大巩固大提升专项行动',
  issuingUnitId: 'office',
  startDate: '2021-09-18',
  phases: [
    { id: 'p1', name: '全面排查摸底', kind: 'check', endDate: '2021-09-26' },
    { id: 'p2', name: '全面整改落实', kind: 'rectify', endDate: '2021-10-23' },
    { id: 'p3', name: '巩固提升脱贫成果', kind: 'consolidate', endDate: '2021-12-31' },
  ],
  subActions: [{ id: 's1', name: '义务教育保障', leadUnitIds: ['edu'], coUnitIds: [] }],
  checkItems: [
    { id: 'c1', text: '失学辍学', target: { kind: 'unitKind', unitKind: 'township' }, subActionId: 's1' },
    { id: 'c2', text: '雨露计划', target: { kind: 'units', unitIds: ['town-b'] }, subActionId: null },
  ],
  reports: [{ id: 'r1', name: '季度报告', target: { kind: 'units', unitIds: ['edu'] }, dueDates: ['2021-09-30', '2021-12-31'] }],
};
const townships = () => ['town-b', 'town-a'];

describe('campaign definition', () => {
  it('accepts seed 003 and names what is wrong otherwise', () => {
    expect(campaignProblem(campaign)).toBeNull();
    expect(campaignProblem({ ...campaign, phases: [campaign.phases[1]!, campaign.phases[0]!] })).toEqual({ field: 'phases[1].endDate', message: expect.any(String) });
    expect(campaignProblem({ ...campaign, checkItems: [{ ...campaign.checkItems[0]!, subActionId: 's9' }] })?.field).toBe('checkItems[0].subActionId');
    expect(rectificationDueDate(campaign)).toBe('2021-10-23');
  });

  it('refuses to start with a phase ended or a report already due, naming the field', () => {
    expect(campaignDatesProblem(campaign, '2021-09-18')).toBeNull();
    expect(campaignDatesProblem(campaign, '2022-01-01')?.field).toBe('phases[0].endDate');
    expect(campaignDatesProblem(campaign, '2021-09-27')?.field).toBe('phases[0].endDate');
    expect(campaignDatesProblem({ ...campaign, reports: [{ ...campaign.reports[0]!, dueDates: ['2021-09-17'] }] }, '2021-09-18')?.field).toBe('reports[0].dueDates');
  });

  it('dates a finding at the end of the rectification phase, or once it is over, of the phase running now', () => {
    expect(findingDueDate(campaign, '2021-09-20')).toBe('2021-10-23');
    expect(findingDueDate(campaign, '2021-10-23')).toBe('2021-10-23');
    expect(findingDueDate(campaign, '2021-10-24')).toBe('2021-12-31');
    expect(findingDueDate(campaign, '2022-01-01')).toBeNull();
    expect(findingDueDate({ phases: [campaign.phases[0]!] }, '2021-09-20')).toBe('2021-09-26');
  });

  it("lets the units a check reaches, and the units below them, answer it with findings, and no one else", () => {
    const path = (...units: [string, 'county' | 'department' | 'township' | 'village'][]) => units.map(([id, kind]) => ({ id, kind }));
    const check = checkAudience(campaign, [], 'check')!;
    expect(isReachedBy(check, path(['county', 'county'], ['edu', 'department']))).toBe(true);
    expect(isReachedBy(check, path(['county', 'county'], ['town-a', 'township'], ['village-a1', 'village']))).toBe(true);
    expect(isReachedBy(check, path(['county', 'county'], ['water', 'department']))).toBe(false);
    const spread = checkAudience(campaign, [{ id: 'spread-1', unitKind: 'village' }], 'spread-1')!;
    expect(isReachedBy(spread, path(['county', 'county'], ['town-a', 'township'], ['village-a1', 'village']))).toBe(true);
    expect(isReachedBy(spread, path(['county', 'county'], ['town-a', 'township']))).toBe(false);
    expect(checkAudience(campaign, [], 'spread-9')).toBeNull();
  });

  it('issues one check task per unit listing its checks, one report task per unit and date, one 举一反三 task per unit', () => {
    const checks = checkTaskSpecs(campaign, townships);
    expect(checks.map((c) => [c.id, c.content.split('\n').length, c.dueAt])).toEqual([
      ['CP-0000abcd.check.town-a', 1, '2021-09-26T15:59:59.999Z'],
      ['CP-0000abcd.check.town-b', 2, '2021-09-26T15:59:59.999Z'],
    ]);
    expect(reportTaskSpecs(campaign, townships).map((r) => r.id)).toEqual(['CP-0000abcd.r1-2021-09-30.edu', 'CP-0000abcd.r1-2021-12-31.edu']);
    expect(spreadTaskSpecs(campaign, 'spread-1', '同类问题', townships(), '2021-10-10').map((t) => [t.leadUnitId, t.listId])).toEqual([
      ['town-a', 'CP-0000abcd'],
      ['town-b', 'CP-0000abcd'],
    ]);
  });
});

describe('campaign progress', () => {
  const item = (id: string, status: 'closed' | 'deferred' | 'rectifying', light: 'red' | null, unit = 'town-a') => ({
    id,
    title: id,
    leadUnitId: unit,
    subActionId: 's1',
    status,
    dueAt: '2021-10-23T15:59:59.999Z',
    light,
  });
  it('counts by status and light per sub-action, unit and phase, and lists what is overdue', () => {
    const items = [item('a', 'closed', null), item('b', 'deferred', null), item('c', 'rectifying', 'red', 'town-b')];
    const tasks = [{ id: 't', leadUnitId: 'town-a', status: 'done' as const, dueAt: '2021-09-26T15:59:59.999Z', light: null }];
    const progress = campaignProgress(campaign, items, tasks);
    expect(progress.items).toMatchObject({ total: 3, done: 1, deferred: 1, open: 1, red: 1, byStatus: { closed: 1, deferred: 1, rectifying: 1 }, byLight: { red: 1 } });
    expect(progress.byPhase.map((p) => [p.phaseId, p.total, p.done])).toEqual([
      ['p1', 1, 1],
      ['p2', 3, 1],
      ['p3', 0, 0],
    ]);
    expect(progress.byUnit.map((u) => [u.unitId, u.total])).toEqual([
      ['town-a', 3],
      ['town-b', 1],
    ]);
    expect(progress.overdue).toEqual([{ id: 'c', kind: 'item', leadUnitId: 'town-b', dueAt: '2021-10-23T15:59:59.999Z' }]);
    expect(rectificationPhaseDone(items)).toBe(false);
    expect(rectificationPhaseDone(items.slice(0, 2))).toBe(true);
  });
});

describe('举一反三 answers', () => {
  it('counts a unit as found with a finding, not found once it submitted without one, unanswered otherwise', () => {
    const task = (leadUnitId: string, status: 'in_progress' | 'pending_countersign' | 'done', itemId = 's1') => ({ itemId, leadUnitId, status });
    const answers = spreadAnswers(
      ['s1', 's2'],
      [
        { leadUnitId: 'town-b', checkId: 's1' },
        { leadUnitId: 'town-d', checkId: 'check' },
      ],
      [task('town-a', 'done'), task('town-b', 'done'), task('town-c', 'in_progress'), task('town-d', 'pending_countersign'), task('town-a', 'in_progress', 's2')],
    );
    expect(answers).toEqual([
      { spreadId: 's1', found: ['town-b'], notFound: ['town-a', 'town-d'], unanswered: ['town-c'] },
      { spreadId: 's2', found: [], notFound: [], unanswered: ['town-a'] },
    ]);
  });
});

describe('campaign ledger labels', () => {
  const spreads = [{ id: 'spread-1234abcd', text: '排查同类辍学问题' }];
  it('puts a date in the phase that contains it, as progress does', () => {
    expect(phaseOfDate(campaign, '2021-09-20')?.id).toBe('p1');
    expect(phaseOfDate(campaign, '2021-09-26')?.id).toBe('p1');
    expect(phaseOfDate(campaign, '2021-09-27')?.id).toBe('p2');
    expect(phaseOfDate(campaign, '2022-01-01')).toBeNull();
  });
  it('names where a finding came from and what a task is', () => {
    expect(findingCheckLabel('check', spreads)).toBe('排查清单');
    expect(findingCheckLabel('spread-1234abcd', spreads)).toBe('举一反三：排查同类辍学问题');
    expect(findingCheckLabel(null, spreads)).toBe('');
    expect(findingCheckLabel('spread-0', [{ id: 'spread-0', text: '举一反三：排查同类问题' }])).toBe('举一反三：排查同类问题');
    expect(campaignTaskKind(campaign, spreads, 'check')).toBe('排查');
    expect(campaignTaskKind(campaign, spreads, 'spread-1234abcd')).toBe('举一反三');
    expect(campaignTaskKind(campaign, spreads, 'r1-2021-09-30')).toBe('报送：季度报告');
  });
});
