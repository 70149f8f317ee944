import { App as AntApp, Button, Card, Col, DatePicker, Form, Input, InputNumber, Modal, Radio, Row, Select, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import { hasRole, useSession } from '../auth/session';
import { messageOf } from '../components/errors';
import { useUnits } from '../components/useUnits';
import { CATEGORY_OPTIONS, SOURCE_OPTIONS } from '../components/vocabulary';

interface Entry {
  itemId: string;
  unitId: string;
  title: string;
  outcome: 'pending' | 'passed' | 'failed';
  note: string | null;
}
interface LookBack {
  id: string;
  ratio: number;
  seed: string;
  entries: Entry[];
  startedBy: { name: string };
  startedAt: string;
}

const OUTCOMES: Record<Entry['outcome'], { label: string; colour: string }> = {
  pending: { label: '待复核', colour: 'orange' },
  passed: { label: '通过', colour: 'green' },
  failed: { label: '未通过（已重新打开）', colour: 'red' },
};

/** 回头看：办公室或督导人员按比例抽取已销号问题；督导人员逐一复核，未通过的问题重新打开。 */
export function LookBacksPage() {
  const { user } = useSession();
  const { units, nameOf } = useUnits();
  const { message } = AntApp.useApp();
  const [rows, setRows] = useState<LookBack[]>([]);
  const [checking, setChecking] = useState<{ lookBack: string; entry: Entry } | null>(null);
  const [resultForm] = Form.useForm<{ outcome: 'passed' | 'failed'; note: string; newDueDate?: Dayjs }>();
  const outcome = Form.useWatch('outcome', resultForm);
  const inspector = hasRole(user, 'inspector');

  const load = useCallback(() => {
    api
      .get<{ items: LookBack[] }>('/lookbacks?limit=50')
      .then((r) => setRows(r.items))
      .catch((f) => void message.error(messageOf(f)));
  }, [message]);
  useEffect(load, [load]);

  async function start(values: { source?: string; unitId?: string; category?: string; closed?: [Dayjs, Dayjs]; ratio: number }) {
    try {
      await api.post('/lookbacks', {
        ...(values.source ? { source: values.source } : {}),
        ...(values.unitId ? { unitId: values.unitId } : {}),
        ...(values.category ? { category: values.category } : {}),
        ...(values.closed ? { closedFrom: values.closed[0].format('YYYY-MM-DD'), closedTo: values.closed[1].format('YYYY-MM-DD') } : {}),
        ratio: values.ratio,
      });
      load();
      void message.success('已抽取');
    } catch (failure) {
      void message.error(messageOf(failure));
    }
  }

  async function record() {
    if (!checking) return;
    const values = await resultForm.validateFields();
    try {
      await api.post(`/lookbacks/${checking.lookBack}/items/${checking.entry.itemId}/result`, {
        outcome: values.outcome,
        note: values.note,
        ...(values.newDueDate ? { newDueDate: values.newDueDate.format('YYYY-MM-DD') } : {}),
      });
      setChecking(null);
      load();
    } catch (failure) {
      void message.error(messageOf(failure));
    }
  }

  const queue = rows.flatMap((lookBack) => lookBack.entries.map((entry) => ({ lookBack, entry })));
  return (
    <Row gutter={[16, 16]}>
      {/* The office would have to name the inspector, and only the system administrator may list users: inspectors draw their own. */}
      {inspector && (
        <Col xs={24} xl={8}>
          <Card title="发起回头看">
            <Form layout="vertical" onFinish={start} initialValues={{ ratio: 0.3 }}>
              <Form.Item label="问题来源" name="source">
                <Select allowClear options={SOURCE_OPTIONS} />
              </Form.Item>
              <Form.Item label="单位（含下级）" name="unitId">
                <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={units.map((u) => ({ value: u.id, label: u.name }))} />
              </Form.Item>
              <Form.Item label="问题类别" name="category">
                <Select allowClear options={CATEGORY_OPTIONS} />
              </Form.Item>
              <Form.Item label="销号日期" name="closed">
                <DatePicker.RangePicker style={{ width: '100%' }} />
              </Form.Item>
              <Form.Item label="抽查比例" name="ratio" rules={[{ required: true }]}>
                <InputNumber min={0.01} max={1} step={0.05} />
              </Form.Item>
              <Button type="primary" htmlType="submit">
                按比例抽取
              </Button>
            </Form>
          </Card>
        </Col>
      )}
      <Col xs={24} xl={inspector ? 16 : 24}>
        <Card title={inspector ? '我的复核队列' : '回头看复核情况'}>
          <Table
            rowKey={(r) => `${r.lookBack.id}:${r.entry.itemId}`}
            dataSource={queue}
            pagination={false}
            scroll={{ x: true }}
            locale={{ emptyText: '暂无抽取的问题' }}
            columns={[
              { title: '问题', render: (_v, r) => <Link to={`/items/${r.entry.itemId}`}>{r.entry.title}</Link> },
              { title: '责任单位', render: (_v, r) => nameOf(r.entry.unitId) },
              { title: '抽取', render: (_v, r) => `${r.lookBack.startedAt.slice(0, 10)} · 比例 ${r.lookBack.ratio}` },
              { title: '复核', render: (_v, r) => <Tag color={OUTCOMES[r.entry.outcome].colour}>{OUTCOMES[r.entry.outcome].label}</Tag> },
              {
                title: '',
                render: (_v, r) =>
                  r.entry.outcome === 'pending' && inspector ? (
                    <Button size="small" onClick={() => setChecking({ lookBack: r.lookBack.id, entry: r.entry })}>
                      记录复核结果
                    </Button>
                  ) : null,
              },
            ]}
          />
        </Card>
      </Col>
      <Modal open={!!checking} title={`复核：${checking?.entry.title ?? ''}`} okText="提交" cancelText="取消" onOk={() => void record()} onCancel={() => setChecking(null)} destroyOnHidden>
        <Form form={resultForm} layout="vertical" initialValues={{ outcome: 'passed' }}>
          <Form.Item name="outcome" label="复核结果">
            <Radio.Group
              options={[
                { value: 'passed', label: '通过' },
                { value: 'failed', label: '未通过（重新打开）' },
              ]}
            />
          </Form.Item>
          <Form.Item name="note" label="复核情况" rules={[{ required: true, message: '请填写复核情况' }]}>
            <Input.TextArea autoSize={{ minRows: 3 }} />
          </Form.Item>
          {outcome === 'failed' && (
            <Form.Item name="newDueDate" label="新的整改时限" rules={[{ required: true, message: '请选择新的整改时限' }]}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          )}
          <Space>
            <Typography.Text type="secondary">未通过的问题将亮红灯，重新计算升级，并计入单位整改不到位。</Typography.Text>
          </Space>
        </Form>
      </Modal>
    </Row>
  );
}
