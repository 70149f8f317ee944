import { Button, Card, Col, DatePicker, Form, Input, InputNumber, Radio, Row, Select, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import { messageOf } from '../components/errors';
import { assignable, useUnits } from '../components/useUnits';

export interface InspectionView {
  id: string;
  title: string;
  targetUnitIds: string[];
  targetDraw: { seed: string; poolUnitIds: string[]; count: number } | null;
  windowFrom: string;
  windowTo: string;
  team: string[];
  status: 'planned' | 'visiting' | 'published';
  statusLabel: string;
  findings: { id: string; place: string; category: string; description: string; responsibleUnitId: string; suggestedDueDate: string; itemId: string; evidence: { attachmentId: string; name: string; size: number; capturedAt: string; uploadedAt: string }[] }[];
  itemIds: string[];
  plannedBy: { name: string };
  plannedAt: string;
}

interface PlanValues {
  title: string;
  mode: 'chosen' | 'random';
  targetUnitIds?: string[];
  poolUnitIds?: string[];
  count?: number;
  window: [Dayjs, Dayjs];
  team: string;
}

/** 暗访督导：制定计划（选定或随机抽取暗访对象，通报前对被暗访单位保密），查看列表。 */
export function InspectionsPage() {
  const navigate = useNavigate();
  const { units, nameOf } = useUnits();
  const [rows, setRows] = useState<InspectionView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<PlanValues>();
  const mode = Form.useWatch('mode', form);
  const targets = assignable(units)
    .filter((u) => u.kind === 'township' || u.kind === 'village')
    .map((u) => ({ value: u.id, label: u.name }));

  const load = useCallback(() => {
    api
      .get<{ items: InspectionView[] }>('/inspections?limit=100')
      .then((r) => setRows(r.items))
      .catch((f) => setError(messageOf(f)));
  }, []);
  useEffect(load, [load]);

  async function plan(values: PlanValues) {
    setBusy(true);
    setError(null);
    try {
      const created = await api.post<InspectionView>('/inspections', {
        title: values.title,
        ...(values.mode === 'random' ? { randomTargets: { poolUnitIds: values.poolUnitIds ?? [], count: values.count ?? 1 } } : { targetUnitIds: values.targetUnitIds ?? [] }),
        windowFrom: values.window[0].format('YYYY-MM-DD'),
        windowTo: values.window[1].format('YYYY-MM-DD'),
        team: values.team
          .split(/[,，、\s]+/)
          .map((s) => s.trim())
          .filter(Boolean),
      });
      void navigate(`/inspections/${created.id}`);
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={10}>
        <Card title="制定暗访计划">
          <Form form={form} layout="vertical" onFinish={plan} initialValues={{ mode: 'chosen', count: 1 }}>
            <Form.Item label="暗访督导名称" name="title" rules={[{ required: true, message: '请填写名称' }]}>
              <Input maxLength={200} />
            </Form.Item>
            <Form.Item label="暗访对象" name="mode">
              <Radio.Group
                options={[
                  { value: 'chosen', label: '选定' },
                  { value: 'random', label: '随机抽取' },
                ]}
              />
            </Form.Item>
            {mode === 'random' ? (
              <>
                <Form.Item label="抽取范围" name="poolUnitIds" rules={[{ required: true, message: '请选择抽取范围' }]}>
                  <Select mode="multiple" options={targets} showSearch={{ optionFilterProp: 'label' }} />
                </Form.Item>
                <Form.Item label="抽取个数" name="count">
                  <InputNumber min={1} />
                </Form.Item>
              </>
            ) : (
              <Form.Item label="选定暗访对象" name="targetUnitIds" rules={[{ required: true, message: '请选择暗访对象' }]}>
                <Select mode="multiple" options={targets} showSearch={{ optionFilterProp: 'label' }} />
              </Form.Item>
            )}
            <Form.Item label="暗访时间" name="window" rules={[{ required: true, message: '请选择暗访时间' }]}>
              <DatePicker.RangePicker style={{ width: '100%' }} />
            </Form.Item>
            <Form.Item label="暗访组成员（用逗号或顿号分隔）" name="team" rules={[{ required: true, message: '请填写暗访组成员' }]}>
              <Input />
            </Form.Item>
            {error && <Typography.Paragraph type="danger">{error}</Typography.Paragraph>}
            <Button type="primary" htmlType="submit" loading={busy}>
              保存计划
            </Button>
          </Form>
        </Card>
      </Col>
      <Col xs={24} xl={14}>
        <Card title="暗访督导">
          <Table<InspectionView>
            rowKey="id"
            dataSource={rows}
            pagination={false}
            scroll={{ x: true }}
            locale={{ emptyText: '暂无暗访督导' }}
            columns={[
              { title: '名称', dataIndex: 'title', render: (t: string, r) => <Link to={`/inspections/${r.id}`}>{t}</Link> },
              { title: '暗访对象', dataIndex: 'targetUnitIds', render: (ids: string[]) => ids.map(nameOf).join('、') },
              { title: '时间', render: (_v, r) => `${r.windowFrom} 至 ${r.windowTo}` },
              { title: '状态', dataIndex: 'statusLabel', render: (l: string, r) => <Tag color={r.status === 'published' ? 'green' : 'orange'}>{l}</Tag> },
              { title: '发现问题', render: (_v, r) => r.findings.length },
            ]}
          />
        </Card>
      </Col>
    </Row>
  );
}
