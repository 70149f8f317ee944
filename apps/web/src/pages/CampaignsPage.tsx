import { Button, Card, Col, Empty, Progress, Row, Select, Space, Steps, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { LIGHT_LABELS, STATUS_LABELS, type Light, type Status } from '@duban/domain';
import { api } from '../api/client';
import { hasRole, useSession } from '../auth/session';
import { Chart, type ChartOption } from '../components/Chart';
import { LIGHT_COLOURS, LightTag } from '../components/LightTag';
import { messageOf } from '../components/errors';
import { useUnits } from '../components/useUnits';
import { CampaignActions } from './CampaignActions';
import { CampaignFinding } from './CampaignFinding';
import { CampaignForm } from './CampaignForm';

export interface Campaign {
  id: string;
  name: string;
  status: 'draft' | 'running' | 'finished';
  statusLabel: string;
  phaseIndex: number;
  phases: { id: string; name: string; kindLabel: string; endDate: string }[];
  subActions: { id: string; name: string }[];
  checkItems: { id: string; text: string }[];
  spreads: { id: string; text: string; dueDate: string }[];
}

interface Finding {
  id: string;
  title: string;
  leadUnitId: string;
  subActionId: string | null;
  checkId: string | null;
  statusLabel: string;
  light: Light | null;
  lightLabel: string | null;
  dueDate: string;
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
  items: Tally & { byStatus: Partial<Record<Status, number>>; byLight: Partial<Record<Light, number>> };
  tasks: Tally;
  byPhase: (Tally & { phaseId: string })[];
  byUnit: (Tally & { unitId: string })[];
  bySubAction: (Tally & { subActionId: string | null })[];
  overdue: { id: string; kind: 'item' | 'task'; leadUnitId: string; dueAt: string }[];
  rectificationPhaseDone: boolean;
}

const share = (t: Tally) => <Progress percent={Math.round(t.shareDone * 100)} size="small" />;

/** 专项行动看板：阶段推进，按阶段、单位、子行动的完成情况与超期（红灯）数。 */
export function CampaignsPage() {
  const { user } = useSession();
  const { nameOf } = useUnits();
  const [campaigns, setCampaigns] = useState<Campaign[]>([]);
  const [selected, setSelected] = useState<string | undefined>();
  const [progress, setProgress] = useState<CampaignProgress | null>(null);
  const [findings, setFindings] = useState<Finding[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [defining, setDefining] = useState(false);
  const [version, setVersion] = useState(0);
  const board = hasRole(user, 'office', 'leader');
  const office = hasRole(user, 'office');
  const unit = hasRole(user, 'unit', 'unit_leader');

  const loadCampaigns = useCallback(
    () =>
      api
        .get<{ items: Campaign[] }>('/campaigns')
        .then((r) => {
          setCampaigns(r.items);
          setSelected((current) => current ?? r.items.find((c) => c.status === 'running')?.id ?? r.items[0]?.id);
          return r.items;
        })
        .catch((f) => {
          setError(messageOf(f));
          return [] as Campaign[];
        }),
    [],
  );
  useEffect(() => void loadCampaigns(), [loadCampaigns]);

  useEffect(() => {
    setProgress(null);
    setFindings([]);
    if (!selected || !board) return;
    api
      .get<CampaignProgress>(`/campaigns/${selected}/progress`)
      .then(setProgress)
      .catch((f) => setError(messageOf(f)));
    api
      .get<{ items: Finding[] }>(`/campaigns/${selected}/items`)
      .then((r) => setFindings(r.items))
      .catch((f) => setError(messageOf(f)));
  }, [selected, board, version]);

  /** After a step the campaign's process records it shortly after: read again until the phase shows (a few tries). */
  async function changed(expectPhase?: number) {
    for (let attempt = 0; attempt < 10; attempt++) {
      const items = await loadCampaigns();
      const now = items.find((c) => c.id === selected);
      if (expectPhase === undefined || !now || now.status === 'finished' || (now.status === 'running' && now.phaseIndex >= expectPhase)) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    setVersion((v) => v + 1);
  }

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
  const form = (office && (defining || campaigns.length === 0)) && (
    <CampaignForm
      onCreated={(id) => {
        setDefining(false);
        setSelected(id);
        void loadCampaigns();
      }}
    />
  );
  if (campaigns.length === 0)
    return (
      <Space orientation="vertical" style={{ width: '100%' }} size="middle">
        <Card title="专项行动">
          <Empty description="暂无专项行动" />
        </Card>
        {form}
      </Space>
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
          {campaign && (
            <Tag color={campaign.status === 'running' ? 'green' : 'default'} data-testid="campaign-status">
              {campaign.statusLabel}
            </Tag>
          )}
          {campaign && <CampaignActions campaign={campaign} office={office} onChanged={(phase) => void changed(phase)} />}
          {office && !defining && <Button onClick={() => setDefining(true)}>新建专项行动</Button>}
        </Space>
      </Card>
      {form}
      {campaign && (
        <Card title="阶段" size="small">
          <Steps
            current={Math.min(campaign.phaseIndex, campaign.phases.length - 1)}
            status={campaign.status === 'finished' ? 'finish' : 'process'}
            items={campaign.phases.map((p, i) => ({ title: campaign.status === 'running' && i === campaign.phaseIndex ? `${p.name}（当前阶段）` : p.name, content: `${p.kindLabel} · ${p.endDate} 前` }))}
            responsive
            data-testid="campaign-phases"
          />
        </Card>
      )}
      {campaign && unit && campaign.status !== 'draft' && <CampaignFinding campaign={campaign} />}
      {board && progress && (
        <Row gutter={[16, 16]}>
          <Col span={24}>
            <Card title="排查发现的问题" size="small" extra={progress.rectificationPhaseDone ? <Tag color="green">整改阶段任务已全部完成</Tag> : null}>
              <Space wrap style={{ marginBottom: 8 }}>
                <Typography.Text>共 {progress.items.total} 个问题</Typography.Text>
                {Object.entries(progress.items.byStatus).map(([status, n]) => (
                  <Tag key={status}>
                    {STATUS_LABELS[status as Status]} {n}
                  </Tag>
                ))}
                {Object.entries(progress.items.byLight).map(([light, n]) => (
                  <Tag key={light} color={LIGHT_COLOURS[light as Light]}>
                    {LIGHT_LABELS[light as Light]} {n}
                  </Tag>
                ))}
              </Space>
              <Table<Finding>
                size="small"
                rowKey="id"
                pagination={false}
                scroll={{ x: true }}
                dataSource={findings}
                locale={{ emptyText: '暂无排查发现的问题' }}
                data-testid="campaign-findings"
                columns={[
                  { title: '亮灯', width: 80, render: (_v, r) => <LightTag light={r.light} label={r.lightLabel} /> },
                  { title: '问题', dataIndex: 'title', render: (t: string, r) => <Link to={`/items/${r.id}`}>{t}</Link> },
                  { title: '责任单位', dataIndex: 'leadUnitId', render: (id: string) => nameOf(id) },
                  { title: '子行动', dataIndex: 'subActionId', responsive: ['md'], render: (id: string | null) => subActionName(id) },
                  { title: '状态', dataIndex: 'statusLabel' },
                  { title: '整改时限', dataIndex: 'dueDate', responsive: ['sm'] },
                ]}
              />
            </Card>
          </Col>
          <Col span={24}>
            <Card title="超期清单" size="small">
              <Table
                size="small"
                rowKey="id"
                pagination={false}
                scroll={{ x: true }}
                dataSource={progress.overdue}
                locale={{ emptyText: '没有超期的问题或任务' }}
                columns={[
                  { title: '类型', dataIndex: 'kind', render: (k: 'item' | 'task') => (k === 'item' ? '整改问题' : '任务') },
                  {
                    title: '事项',
                    dataIndex: 'id',
                    render: (id: string, r: { kind: 'item' | 'task' }) =>
                      r.kind === 'item' ? <Link to={`/items/${id}`}>{findings.find((f) => f.id === id)?.title ?? '查看问题'}</Link> : <Link to={`/assignments/${encodeURIComponent(id)}`}>查看任务</Link>,
                  },
                  { title: '责任单位', dataIndex: 'leadUnitId', render: (id: string) => nameOf(id) },
                  { title: '时限', dataIndex: 'dueAt', render: (at: string) => dayjs(at).format('YYYY-MM-DD') },
                ]}
              />
            </Card>
          </Col>
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
