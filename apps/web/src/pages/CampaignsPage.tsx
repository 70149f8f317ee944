import { Card, Col, Empty, Progress, Row, Select, Space, Steps, Table, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api/client';
import { hasRole, useSession } from '../auth/session';
import { Chart, type ChartOption } from '../components/Chart';
import { LIGHT_COLOURS } from '../components/LightTag';
import { messageOf } from '../components/errors';
import { useUnits } from '../components/useUnits';

interface Campaign {
  id: string;
  name: string;
  status: 'draft' | 'running' | 'finished';
  statusLabel: string;
  phaseIndex: number;
  phases: { id: string; name: string; kindLabel: string; endDate: string }[];
  subActions: { id: string; name: string }[];
}

interface Tally {
  total: number;
  done: number;
  deferred: number;
  open: number;
  red: number;
  shareDone: number;
}

interface CampaignProgress {
  items: Tally;
  tasks: Tally;
  byPhase: (Tally & { phaseId: string })[];
  byUnit: (Tally & { unitId: string })[];
  bySubAction: (Tally & { subActionId: string | null })[];
  overdue: { id: string; kind: 'item' | 'task'; leadUnitId: string; dueAt: string }[];
}

const share = (t: Tally) => <Progress percent={Math.round(t.shareDone * 100)} size="small" />;

/** 专项行动看板：阶段推进，按阶段、单位、子行动的完成情况与超期（红灯）数。 */
export function CampaignsPage() {
  const { user } = useSession();
  const { nameOf } = useUnits();
  const [campaigns, setCampaigns] = useState<Campaign[]>([]);
  const [selected, setSelected] = useState<string | undefined>();
  const [progress, setProgress] = useState<CampaignProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const board = hasRole(user, 'office', 'leader');

  useEffect(() => {
    api
      .get<{ items: Campaign[] }>('/campaigns')
      .then((r) => {
        setCampaigns(r.items);
        setSelected((current) => current ?? r.items.find((c) => c.status === 'running')?.id ?? r.items[0]?.id);
      })
      .catch((f) => setError(messageOf(f)));
  }, []);

  useEffect(() => {
    setProgress(null);
    if (!selected || !board) return;
    api
      .get<CampaignProgress>(`/campaigns/${selected}/progress`)
      .then(setProgress)
      .catch((f) => setError(messageOf(f)));
  }, [selected, board]);

  const campaign = campaigns.find((c) => c.id === selected);
  const byUnitChart = useMemo<ChartOption>(() => {
    const rows = progress?.byUnit ?? [];
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 8, right: 8, bottom: 8, top: 32, containLabel: true },
      xAxis: { type: 'category', data: rows.map((r) => nameOf(r.unitId)), axisLabel: { interval: 0, rotate: rows.length > 4 ? 30 : 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: '已完成', type: 'bar', barMaxWidth: 48, stack: 'all', itemStyle: { color: LIGHT_COLOURS.green }, data: rows.map((r) => r.done) },
        { name: '办理中', type: 'bar', barMaxWidth: 48, stack: 'all', itemStyle: { color: LIGHT_COLOURS.blue }, data: rows.map((r) => r.open - r.red) },
        { name: '超期（红灯）', type: 'bar', barMaxWidth: 48, stack: 'all', itemStyle: { color: LIGHT_COLOURS.red }, data: rows.map((r) => r.red) },
        { name: '暂缓', type: 'bar', barMaxWidth: 48, stack: 'all', itemStyle: { color: '#9e9e9e' }, data: rows.map((r) => r.deferred) },
      ],
    };
  }, [progress, nameOf]);

  if (error) return <Typography.Text type="danger">{error}</Typography.Text>;
  if (campaigns.length === 0)
    return (
      <Card title="专项行动">
        <Empty description="暂无专项行动" />
      </Card>
    );
  const phaseName = (id: string) => campaign?.phases.find((p) => p.id === id)?.name ?? id;
  const subActionName = (id: string | null) => (id ? (campaign?.subActions.find((s) => s.id === id)?.name ?? id) : '未归入子行动');
  const tallyColumns = [
    { title: '总数', dataIndex: 'total' },
    { title: '已完成', dataIndex: 'done' },
    { title: '办理中', dataIndex: 'open' },
    { title: '红灯', dataIndex: 'red', render: (n: number) => (n > 0 ? <Tag color="red">{n}</Tag> : n) },
    { title: '完成率', render: (_v: unknown, t: Tally) => share(t) },
  ];
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Card size="small">
        <Space wrap>
          <Select style={{ minWidth: 260 }} value={selected} onChange={setSelected} options={campaigns.map((c) => ({ value: c.id, label: c.name }))} />
          {campaign && <Tag color={campaign.status === 'running' ? 'green' : 'default'}>{campaign.statusLabel}</Tag>}
        </Space>
      </Card>
      {campaign && (
        <Card title="阶段" size="small">
          <Steps
            current={Math.min(campaign.phaseIndex, campaign.phases.length - 1)}
            status={campaign.status === 'finished' ? 'finish' : 'process'}
            items={campaign.phases.map((p) => ({ title: p.name, content: `${p.kindLabel} · ${p.endDate} 前` }))}
            responsive
          />
        </Card>
      )}
      {board && progress && (
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={12}>
            <Card title="按阶段" size="small">
              <Table size="small" rowKey="phaseId" pagination={false} scroll={{ x: true }} dataSource={progress.byPhase} columns={[{ title: '阶段', dataIndex: 'phaseId', render: phaseName }, ...tallyColumns]} />
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card title="按子行动" size="small">
              <Table size="small" rowKey={(r) => r.subActionId ?? '-'} pagination={false} scroll={{ x: true }} dataSource={progress.bySubAction} columns={[{ title: '子行动', dataIndex: 'subActionId', render: subActionName }, ...tallyColumns]} />
            </Card>
          </Col>
          <Col span={24}>
            <Card title="按单位" size="small">
              <Chart option={byUnitChart} />
              <Table size="small" rowKey="unitId" pagination={false} scroll={{ x: true }} dataSource={progress.byUnit} columns={[{ title: '单位', dataIndex: 'unitId', render: (id: string) => nameOf(id) }, ...tallyColumns]} />
            </Card>
          </Col>
        </Row>
      )}
    </Space>
  );
}
