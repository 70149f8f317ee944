import { App as AntApp, Button, Card, Col, DatePicker, Form, Row, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { download, query } from '../api/client';
import { hasRole, useSession } from '../auth/session';
import { LIGHT_NAMES } from '../components/LightTag';
import { messageOf } from '../components/errors';
import { useUnits } from '../components/useUnits';
import { SOURCE_OPTIONS } from '../components/vocabulary';

type PeriodKind = 'year' | 'quarter' | 'month';
const PERIOD_KINDS: { value: PeriodKind; label: string }[] = [
  { value: 'year', label: '年度' },
  { value: 'quarter', label: '季度' },
  { value: 'month', label: '月度' },
];
const PERIOD_FORMATS: Record<PeriodKind, string> = { year: 'YYYY年', quarter: 'YYYY年第Q季度', month: 'YYYY年M月' };

/** The evaluation period as the API takes it: 2026, 2026-Q3 or 2026-07. */
function periodOf(kind: PeriodKind, day: Dayjs): string {
  if (kind === 'year') return day.format('YYYY');
  if (kind === 'quarter') return `${day.year()}-Q${Math.floor(day.month() / 3) + 1}`;
  return day.format('YYYY-MM');
}

/** 导出：整改台账（Excel，可按来源、单位、亮灯、交办日期筛选）与单位考评排名。 */
export function ExportsPage() {
  const { user } = useSession();
  const { units } = useUnits();
  const { message } = AntApp.useApp();
  const [busy, setBusy] = useState<string | null>(null);
  const [periodKind, setPeriodKind] = useState<PeriodKind>('year');
  const [periodDay, setPeriodDay] = useState<Dayjs>(() => dayjs());
  const period = periodOf(periodKind, periodDay);

  async function run(key: string, path: string, name: string) {
    setBusy(key);
    try {
      await download(path, name);
    } catch (failure) {
      void message.error(messageOf(failure));
    } finally {
      setBusy(null);
    }
  }

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Card title="导出整改台账">
        <Form
          layout="vertical"
          onFinish={(v: { source?: string; unitId?: string; light?: string; range?: [Dayjs, Dayjs] }) =>
            void run(
              'ledger',
              `/reports/ledger${query({ source: v.source, unitId: v.unitId, light: v.light, from: v.range?.[0].format('YYYY-MM-DD'), to: v.range?.[1].format('YYYY-MM-DD') })}`,
              '整改台账.xlsx',
            )
          }
        >
          <Row gutter={16}>
            <Col xs={24} md={6}>
              <Form.Item label="问题来源" name="source">
                <Select allowClear options={SOURCE_OPTIONS} />
              </Form.Item>
            </Col>
            {hasRole(user, 'office', 'leader') && (
              <Col xs={24} md={6}>
                <Form.Item label="单位" name="unitId">
                  <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={units.map((u) => ({ value: u.id, label: u.name }))} />
                </Form.Item>
              </Col>
            )}
            <Col xs={24} md={4}>
              <Form.Item label="亮灯" name="light">
                <Select allowClear options={Object.entries(LIGHT_NAMES).map(([value, label]) => ({ value, label }))} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item label="交办日期" name="range">
                <DatePicker.RangePicker style={{ width: '100%' }} />
              </Form.Item>
            </Col>
          </Row>
          <Button type="primary" htmlType="submit" loading={busy === 'ledger'}>
            导出台账（Excel）
          </Button>
        </Form>
      </Card>
      <Card title="导出单位考评排名">
        <Space wrap>
          <Select<PeriodKind> aria-label="考评期间" value={periodKind} onChange={setPeriodKind} options={PERIOD_KINDS} style={{ width: 100 }} />
          <DatePicker
            aria-label="考评年份、季度或月份"
            picker={periodKind}
            value={periodDay}
            onChange={(day: Dayjs | null) => day && setPeriodDay(day)}
            format={PERIOD_FORMATS[periodKind]}
            allowClear={false}
            style={{ width: 180 }}
          />
          <Button
            loading={busy === 'evaluation'}
            onClick={() => void run('evaluation', `/reports/evaluation/export${query({ period })}`, `单位考评-${periodDay.format(PERIOD_FORMATS[periodKind])}.xlsx`)}
          >
            导出考评（Excel）
          </Button>
        </Space>
      </Card>
    </Space>
  );
}
