import { App as AntApp, Button, Card, Col, DatePicker, Form, Input, Row, Select, Space } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { download, query } from '../api/client';
import { hasRole, useSession } from '../auth/session';
import { LIGHT_NAMES } from '../components/LightTag';
import { messageOf } from '../components/errors';
import { useUnits } from '../components/useUnits';
import { SOURCE_OPTIONS } from '../components/vocabulary';

/** 导出：整改台账（XLSX，可按来源、单位、亮灯、交办日期筛选）与单位考评排名。 */
export function ExportsPage() {
  const { user } = useSession();
  const { units } = useUnits();
  const { message } = AntApp.useApp();
  const [busy, setBusy] = useState<string | null>(null);
  const [period, setPeriod] = useState(String(new Date().getFullYear()));

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
            导出台账（XLSX）
          </Button>
        </Form>
      </Card>
      <Card title="导出单位考评排名">
        <Space wrap>
          <Input value={period} onChange={(e) => setPeriod(e.target.value)} placeholder="2026、2026-Q3 或 2026-07" style={{ width: 220 }} />
          <Button loading={busy === 'evaluation'} onClick={() => void run('evaluation', `/reports/evaluation/export${query({ period })}`, `单位考评-${period}.xlsx`)}>
            导出考评（XLSX）
          </Button>
        </Space>
      </Card>
    </Space>
  );
}
