import { PHASE_KIND_LABELS, type CampaignProgress, type Tally } from '@duban/domain';
import type { CampaignRecord } from '@duban/persistence';
import { chineseDate, type CircularSpec } from '../documents/circular-document.js';

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;
const tallyCells = (t: Tally) => [t.total, t.done, t.deferred, t.open, t.red, percent(t.shareDone)];
const TALLY_HEADER = ['应办', '已办结', '暂缓（已备案）', '未办结', '红灯', '完成率'];

/** The campaign's summary (专项行动工作总结通报) in the shared circular layout: progress by phase, sub-action and unit, and what is overdue. */
export function campaignSummaryCircular(
  campaign: CampaignRecord,
  progress: CampaignProgress & { rectificationPhaseDone: boolean },
  unitName: (unitId: string) => string,
  issuingOffice: string,
  today: string,
): CircularSpec {
  const subActionName = (id: string | null) => campaign.subActions.find((s) => s.id === id)?.name ?? '未归入子行动';
  const phaseLabel = (i: number) => {
    const entry = campaign.phaseLog.find((e) => e.phaseIndex === i);
    return entry ? { start: '开始', date: '按期推进', office: '提前推进' }[entry.by] : '未开始';
  };
  return {
    issuingOffice,
    title: `关于${campaign.name}工作情况的通报`,
    addressees: '各乡（镇）、县直有关单位',
    date: today,
    blocks: [
      {
        kind: 'paragraph',
        text:
          `${campaign.name}自${chineseDate(campaign.startDate)}开展以来，共排查发现问题${progress.items.total}个，` +
          `已整改销号${progress.items.done}个，暂缓整改备案${progress.items.deferred}个，尚未整改到位${progress.items.open}个，` +
          `整改完成率${percent(progress.items.shareDone)}；下发排查、举一反三和报送任务${progress.tasks.total}项，已办结${progress.tasks.done}项。` +
          (progress.rectificationPhaseDone ? '整改阶段问题已全部销号或备案。' : '整改阶段仍有问题未销号或备案，请相关单位抓紧整改。'),
      },
      { kind: 'heading', text: '一、分阶段推进情况' },
      {
        kind: 'table',
        table: {
          caption: '表1 各阶段完成情况',
          header: ['阶段', '类型', '截止日期', '推进情况', ...TALLY_HEADER],
          rows: progress.byPhase.map((p, i) => {
            const phase = campaign.phases.find((x) => x.id === p.phaseId)!;
            return [phase.name, PHASE_KIND_LABELS[phase.kind], phase.endDate, phaseLabel(i), ...tallyCells(p)];
          }),
        },
      },
      { kind: 'heading', text: '二、分子行动整改情况' },
      {
        kind: 'table',
        table: { caption: '表2 各子行动问题整改情况', header: ['子行动', ...TALLY_HEADER], rows: progress.bySubAction.map((s) => [subActionName(s.subActionId), ...tallyCells(s)]), emptyText: '尚无排查发现的问题。' },
      },
      { kind: 'heading', text: '三、各单位完成情况' },
      { kind: 'table', table: { caption: '表3 各单位问题与任务完成情况', header: ['单位', ...TALLY_HEADER], rows: progress.byUnit.map((u) => [unitName(u.unitId), ...tallyCells(u)]) } },
      { kind: 'heading', text: '四、超期未办结清单' },
      {
        kind: 'table',
        table: {
          caption: '表4 超期未办结的问题和任务',
          header: ['序号', '类别', '责任单位', '时限'],
          rows: progress.overdue.map((o, i) => [i + 1, o.kind === 'item' ? '整改问题' : '任务', unitName(o.leadUnitId), o.dueAt.slice(0, 10)]),
          emptyText: '无超期未办结的问题和任务。',
        },
      },
    ],
  };
}
