import { App as AntApp, Button, Card, Col, DatePicker, Descriptions, Form, Input, InputNumber, Modal, Radio, Row, Select, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import { hasRole, useSession } from '../auth/session';
import { Rows } from '../components/Rows';
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
  strata: { unitId: string; population: number; drawn: string[] }[];
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
  const office = hasRole(user, 'office');
  const [inspectors, setInspectors] = useState<{ id: string; name: string }[]>([]);
  const [drawn, setDrawn] = useState<LookBack | null>(null);

  // The office names who checks the draw (an inspector drawing for themselves need not).
  useEffect(() => {
    if (!office) return;
    api
      .get<{ items: { id: string; name: string }[] }>('/lookbacks/inspectors')
      .then((r) => setInspectors(r.items))
      .catch((f) => void message.error(messageOf(f)));
  }, [office, message]);

  const load = useCallback(() => {
    api
      .get<{ items: LookBack[] }>('/lookbacks?limit=50')
      .then((r) => setRows(r.items))
      .catch((f) => void message.error(messageOf(f)));
  }, [message]);
  useEffect(load, [load]);

  async function start(values: { source?: string; unitId?: string; category?: string; closed?: [Dayjs, Dayjs]; ratio: number; seed?: string; inspectorId?: string }) {
    try {
      const started = await api.post<LookBack>('/lookbacks', {
        ...(values.seed ? { seed: values.seed } : {}),
        ...(values.inspectorId ? { inspectorId: values.inspectorId } : {}),
        ...(values.source ? { source: values.source } : {}),
        ...(values.unitId ? { unitId: values.unitId } : {}),
        ...(values.category ? { category: values.category } : {}),
        ...(values.closed ? { closedFrom: values.closed[0].format('YYYY-MM-DD'), closedTo: values.closed[1].format('YYYY-MM-DD') } : {}),
        ratio: values.ratio,
      });
      setDrawn(started);
      load();
      void message.success(`已抽取 ${started.entries.length} 个问题`);
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
      {(inspector || office) && (
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
              <Form.Item label="抽查比例" name="ratio" rules={[{ required: true, message: '请填写抽查比例' }]}>
                <InputNumber min={0.01} max={1} step={0.05} />
              </Form.Item>
              <Form.Item label="随机种子（可不填，留空由系统生成并记录）" name="seed">
                <Input maxLength={128} />
              </Form.Item>
              {office && !inspector && (
                <Form.Item label="承担复核的督导人员" name="inspectorId" rules={[{ required: true, message: '请选择督导人员' }]}>
                  <Select options={inspectors.map((p) => ({ value: p.id, label: p.name }))} notFoundContent="暂无督导人员" />
                </Form.Item>
              )}
              <Button type="primary" htmlType="submit">
                按比例抽取
              </Button>
            </Form>
          </Card>
        </Col>
      )}
      <Col xs={24} xl={inspector || office ? 16 : 24}>
        {drawn && (
          <Card title="本次抽取结果" size="small" style={{ marginBottom: 16 }} data-testid="lookback-draw">
            <Descriptions size="small" column={{ xs: 1, sm: 2 }}>
              <Descriptions.Item label="随机种子">
                <Typography.Text copyable data-testid="lookback-seed">
                  {drawn.seed}
                </Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label="抽查比例">{drawn.ratio}</Descriptions.Item>
              <Descriptions.Item label="抽取">
                {drawn.entries.length} 个（共 {drawn.strata.reduce((n, s) => n + s.population, 0)} 个已销号问题）
              </Descriptions.Item>
            </Descriptions>
            {/* Plain rows, not a table: the queue below is the page's table of drawn items. */}
            <Rows
              items={drawn.strata}
              rowKey={(stratum) => stratum.unitId}
              empty="没有符合条件的已销号问题"
              render={(stratum) => (
                <Typography.Text>
                  {nameOf(stratum.unitId)}：已销号 {stratum.population} 个，抽取 {stratum.drawn.length} 个
                  {stratum.drawn.length > 0 && `（${stratum.drawn.map((id) => drawn.entries.find((e) => e.itemId === id)?.title ?? id).join('、')}）`}
                </Typography.Text>
              )}
            />
            <Typography.Text type="secondary">按单位分层抽取：每个单位的已销号问题按随机种子打乱顺序，取前“比例×数量”个（有小数时向上取整）；凭同一种子可复现抽取结果。</Typography.Text>
          </Card>
        )}
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
              { title: '抽取', render: (_v, r) => `${r.lookBack.startedAt.slice(0, 10)} · 比例 ${r.lookBack.ratio}`, responsive: ['md'] },
              { title: '种子', render: (_v, r) => <Typography.Text style={{ fontSize: 12 }}>{r.lookBack.seed.slice(0, 8)}</Typography.Text>, responsive: ['lg'] },
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
