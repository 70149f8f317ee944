import { Card, Col, Row, Select, Statistic, Table, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { api, query } from '../api/client';
import type { Light, Source } from '../api/types';
import { Chart, type ChartOption } from '../components/Chart';
import { LIGHT_COLOURS, LIGHT_NAMES } from '../components/LightTag';
import { messageOf } from '../components/errors';
import { useUnits } from '../components/useUnits';
import { SOURCE_OPTIONS } from '../components/vocabulary';

type LightKey = Light | 'none';
interface CountGroup {
  key: string;
  label: string;
  total: number;
  lights: Record<LightKey, number>;
}
interface Dashboard {
  total: number;
  lights: Record<LightKey, number>;
  byUnit: CountGroup[];
  bySource: CountGroup[];
  byCategory: CountGroup[];
  onTime: { closed: number; closedOnTime: number; overdueOpen: number; rate: number | null };
  overdueRanking: { unitId: string; unitName: string; overdueItems: number; overdueDays: number }[];
  monthlyTrend: { month: string; registered: number; closed: number }[];
  escalationsOpen: { level1: number; level2: number; total: number };
}

const LIGHTS: Light[] = ['red', 'yellow', 'blue', 'green'];

function lightsBar(groups: CountGroup[]): ChartOption {
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll' },
    grid: { left: 8, right: 8, bottom: 8, top: 32, containLabel: true },
    xAxis: { type: 'category', data: groups.map((g) => g.label), axisLabel: { interval: 0, rotate: groups.length > 4 ? 30 : 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      ...LIGHTS.map((l) => ({ name: LIGHT_NAMES[l], type: 'bar', barMaxWidth: 48, stack: 'lights', itemStyle: { color: LIGHT_COLOURS[l] }, data: groups.map((g) => g.lights[l]) })),
      { name: '不亮灯（已销号、暂缓）', type: 'bar', barMaxWidth: 48, stack: 'lights', itemStyle: { color: '#9e9e9e' }, data: groups.map((g) => g.lights.none) },
    ],
  };
}

/** 统计看板：亮灯分布、按单位/来源/类别、按期销号率、超期排名、月度趋势、待处理升级督办。 */
export function DashboardPage() {
  const { units } = useUnits();
  const [unitId, setUnitId] = useState<string | undefined>();
  const [source, setSource] = useState<Source | undefined>();
  const [data, setData] = useState<Dashboard | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api
      .get<Dashboard>(`/reports/dashboard${query({ unitId, source })}`)
      .then((d) => {
        setData(d);
        setError(null);
      })
      .catch((f) => setError(messageOf(f)));
  }, [unitId, source]);

  const pie = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'item' },
      legend: { bottom: 0, type: 'scroll' },
      series: [
        {
          type: 'pie',
          radius: ['40%', '70%'],
          label: { position: 'inside', formatter: '{c}', color: '#fff', fontWeight: 'bold' },
          data: data ? LIGHTS.filter((l) => data.lights[l] > 0).map((l) => ({ name: LIGHT_NAMES[l], value: data.lights[l], itemStyle: { color: LIGHT_COLOURS[l] } })) : [],
        },
      ],
    }),
    [data],
  );
  const trend = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 8, right: 8, bottom: 8, top: 32, containLabel: true },
      xAxis: { type: 'category', data: data?.monthlyTrend.map((m) => m.month) ?? [] },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: '交办', type: 'line', data: data?.monthlyTrend.map((m) => m.registered) ?? [] },
        { name: '销号', type: 'line', data: data?.monthlyTrend.map((m) => m.closed) ?? [] },
      ],
    }),
    [data],
  );
  const byUnit = useMemo(() => lightsBar(data?.byUnit ?? []), [data]);
  const bySource = useMemo(() => lightsBar(data?.bySource ?? []), [data]);

  return (
    <Row gutter={[16, 16]}>
      <Col span={24}>
        <Card size="small">
          <Row gutter={[8, 8]}>
            <Col xs={24} sm={12} md={8}>
              <Select allowClear placeholder="单位" style={{ width: '100%' }} value={unitId} onChange={(v: string | undefined) => setUnitId(v)} showSearch={{ optionFilterProp: 'label' }} options={units.map((u) => ({ value: u.id, label: u.name }))} />
            </Col>
            <Col xs={24} sm={12} md={8}>
              <Select allowClear placeholder="问题来源" style={{ width: '100%' }} value={source} onChange={(v: Source | undefined) => setSource(v)} options={SOURCE_OPTIONS} />
            </Col>
          </Row>
          {error && <Typography.Text type="danger">{error}</Typography.Text>}
        </Card>
      </Col>
      <Col xs={12} md={6}>
        <Card size="small">
          <Statistic title="问题总数" value={data?.total ?? '-'} />
        </Card>
      </Col>
      <Col xs={12} md={6}>
        <Card size="small">
          <Statistic title="按期销号率" value={data?.onTime.rate === null || !data ? '-' : (data.onTime.rate * 100).toFixed(1)} suffix={data?.onTime.rate === null ? '' : '%'} />
        </Card>
      </Col>
      <Col xs={12} md={6}>
        <Card size="small">
          <Statistic title="超期未销号" value={data?.onTime.overdueOpen ?? '-'} styles={{ content: { color: LIGHT_COLOURS.red } }} />
        </Card>
      </Col>
      <Col xs={12} md={6}>
        <Card size="small">
          <Statistic title="待处理升级督办" value={data?.escalationsOpen.total ?? '-'} />
        </Card>
      </Col>
      <Col xs={24} lg={8}>
        <Card title="亮灯分布" size="small">
          <Chart option={pie} testId="chart-lights" />
        </Card>
      </Col>
      <Col xs={24} lg={16}>
        <Card title="按责任单位" size="small">
          <Chart option={byUnit} testId="chart-units" />
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <Card title="按问题来源" size="small">
          <Chart option={bySource} />
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <Card title="月度交办与销号" size="small">
          <Chart option={trend} />
        </Card>
      </Col>
      <Col span={24}>
        <Card title="超期排名" size="small">
          <Table
            size="small"
            rowKey="unitId"
            pagination={false}
            dataSource={data?.overdueRanking ?? []}
            locale={{ emptyText: '没有超期问题' }}
            columns={[
              { title: '单位', dataIndex: 'unitName' },
              { title: '超期问题数', dataIndex: 'overdueItems' },
              { title: '累计超期天数', dataIndex: 'overdueDays' },
            ]}
          />
        </Card>
      </Col>
    </Row>
  );
}
