import { App as AntApp, Button, Card, Col, DatePicker, Form, Input, InputNumber, Modal, Popconfirm, Row, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { UNFINISHED_DISPOSITION_LABELS, UNIT_KIND_LABELS, type AssignmentStatus, type Light, type UnfinishedDisposition, type UnitKind } from '@duban/domain';
import { api, query } from '../api/client';
import { hasRole, useSession } from '../auth/session';
import { LightTag } from '../components/LightTag';
import { messageOf } from '../components/errors';
import { assignable, useUnits } from '../components/useUnits';

export interface AssignmentRow {
  id: string;
  listId: string;
  listTitle: string;
  title: string;
  leadUnitId: string;
  status: AssignmentStatus;
  statusLabel: string;
  dueDate: string;
  light: Light | null;
  lightLabel: string | null;
}

interface TaskListView {
  id: string;
  month: string;
  title: string;
  status: 'draft' | 'scheduled' | 'published' | 'closed';
  statusLabel: string;
  items: { title: string; dueLabel: string; targetLabel: string; onUnfinishedLabel: string }[];
  published: { at: string; total: number } | null;
}

interface ResultRow {
  unitId: string;
  unitName: string;
  rank: number;
  total: number;
  onTime: number;
  late: number;
  carriedOver: number;
  failed: number;
  onTimeRate: number | null;
}

const DUE_KINDS = [
  { value: 'date', label: '指定日期' },
  { value: 'dayOfMonth', label: '每月第几日' },
  { value: 'monthEnd', label: '月底前' },
  { value: 'lastWorkingDay', label: '最后一个工作日' },
];
const TARGET_KINDS: UnitKind[] = ['township', 'village', 'department'];

/** 月度重点任务清单：办公室起草、下发清单并看各单位完成情况；各单位在此办理交办给本单位（或本人）的任务。 */
export function TaskListsPage() {
  const { user } = useSession();
  const office = hasRole(user, 'office', 'leader');
  return (
    <Tabs
      defaultActiveKey={office ? 'lists' : 'assignments'}
      items={[
        ...(office ? [{ key: 'lists', label: '清单', children: <ListsTab /> }] : []),
        { key: 'assignments', label: '重点任务待办', children: <AssignmentsTab /> },
      ]}
    />
  );
}

function AssignmentsTab() {
  const { nameOf } = useUnits();
  const [box, setBox] = useState<'unit' | 'mine' | 'done'>('unit');
  const [rows, setRows] = useState<AssignmentRow[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api
      .get<{ items: AssignmentRow[] }>(`/assignments${query({ mine: box === 'mine' ? 'true' : undefined, status: box === 'done' ? 'done' : undefined, limit: 100 })}`)
      .then((r) => {
        setRows(r.items);
        setError(null);
      })
      .catch((f) => setError(messageOf(f)));
  }, [box]);
  return (
    <Card size="small">
      <Tabs
        activeKey={box}
        onChange={(k) => setBox(k as typeof box)}
        items={[
          { key: 'unit', label: '本单位任务' },
          { key: 'mine', label: '分解给我的' },
          { key: 'done', label: '已办结' },
        ]}
      />
      {error && <Typography.Text type="danger">{error}</Typography.Text>}
      <Table<AssignmentRow>
        rowKey="id"
        dataSource={rows}
        pagination={false}
        scroll={{ x: true }}
        locale={{ emptyText: '暂无重点任务' }}
        columns={[
          { title: '亮灯', width: 80, render: (_v, r) => <LightTag light={r.light} label={r.lightLabel} /> },
          { title: '任务', dataIndex: 'title', render: (t: string, r) => <Link to={`/assignments/${encodeURIComponent(r.id)}`}>{t}</Link> },
          { title: '清单', dataIndex: 'listTitle', responsive: ['md'] },
          { title: '责任单位', dataIndex: 'leadUnitId', responsive: ['md'], render: (id: string) => nameOf(id) },
          { title: '状态', dataIndex: 'statusLabel' },
          { title: '办理时限', dataIndex: 'dueDate', responsive: ['sm'] },
        ]}
      />
    </Card>
  );
}

interface DraftItem {
  title: string;
  content?: string;
  targetMode: 'kind' | 'units';
  targetUnitKind?: UnitKind;
  targetUnitIds?: string[];
  dueKind: 'date' | 'dayOfMonth' | 'monthEnd' | 'lastWorkingDay';
  dueDate?: Dayjs;
  dueDay?: number;
  onUnfinished: UnfinishedDisposition;
}

function ListsTab() {
  const { user } = useSession();
  const { units } = useUnits();
  const { message } = AntApp.useApp();
  const [lists, setLists] = useState<TaskListView[]>([]);
  const [results, setResults] = useState<{ list: TaskListView; rows: ResultRow[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ month: Dayjs; title?: string; items: DraftItem[] }>();
  const office = hasRole(user, 'office');

  const load = useCallback(() => {
    api
      .get<{ items: TaskListView[] }>('/task-lists')
      .then((r) => setLists(r.items))
      .catch((f) => void message.error(messageOf(f)));
  }, [message]);
  useEffect(load, [load]);

  async function draft(values: { month: Dayjs; title?: string; items: DraftItem[] }) {
    setBusy(true);
    try {
      await api.post('/task-lists', {
        month: values.month.format('YYYY-MM'),
        ...(values.title ? { title: values.title } : {}),
        items: values.items.map((item) => ({
          title: item.title,
          ...(item.content ? { content: item.content } : {}),
          ...(item.targetMode === 'kind' ? { targetUnitKind: item.targetUnitKind } : { targetUnitIds: item.targetUnitIds ?? [] }),
          dueKind: item.dueKind,
          ...(item.dueKind === 'date' && item.dueDate ? { dueDate: item.dueDate.format('YYYY-MM-DD') } : {}),
          ...(item.dueKind === 'dayOfMonth' ? { dueDay: item.dueDay } : {}),
          onUnfinished: item.onUnfinished,
        })),
      });
      form.resetFields();
      load();
      void message.success('清单草稿已保存');
    } catch (failure) {
      void message.error(messageOf(failure));
    } finally {
      setBusy(false);
    }
  }

  async function publish(list: TaskListView) {
    try {
      await api.post(`/task-lists/${list.id}/publish`, { mode: 'now' });
      void message.success('清单已下发');
      setTimeout(load, 1000);
    } catch (failure) {
      void message.error(messageOf(failure));
    }
  }

  async function showResults(list: TaskListView) {
    try {
      const r = await api.get<{ rows: ResultRow[] }>(`/task-lists/${list.id}/results`);
      setResults({ list, rows: r.rows });
    } catch (failure) {
      void message.error(messageOf(failure));
    }
  }

  const targetOptions = assignable(units).map((u) => ({ value: u.id, label: u.name }));
  return (
    <Row gutter={[16, 16]}>
      <Col span={24}>
        <Card size="small" title="月度重点工作清单">
          <Table<TaskListView>
            rowKey="id"
            dataSource={lists}
            pagination={false}
            scroll={{ x: true }}
            locale={{ emptyText: '暂无清单' }}
            expandable={{
              expandedRowRender: (list) => (
                <Table
                  size="small"
                  rowKey={(_i) => _i.title}
                  pagination={false}
                  dataSource={list.items}
                  columns={[
                    { title: '任务', dataIndex: 'title' },
                    { title: '责任单位', dataIndex: 'targetLabel' },
                    { title: '办理时限', dataIndex: 'dueLabel' },
                    { title: '月末未完成', dataIndex: 'onUnfinishedLabel' },
                  ]}
                />
              ),
            }}
            columns={[
              { title: '月份', dataIndex: 'month', width: 100 },
              { title: '清单', dataIndex: 'title' },
              { title: '任务数', render: (_v, l) => l.items.length, width: 80 },
              { title: '状态', dataIndex: 'statusLabel', render: (label: string, l) => <Tag color={l.status === 'draft' ? 'default' : l.status === 'closed' ? 'purple' : 'green'}>{label}</Tag> },
              {
                title: '',
                render: (_v, l) => (
                  <Space wrap>
                    {office && (l.status === 'draft' || l.status === 'scheduled') && (
                      <Popconfirm title="下发后各单位即收到任务并开始计时。确认下发？" okText="下发" cancelText="取消" onConfirm={() => void publish(l)}>
                        <Button type="primary" size="small">
                          下发
                        </Button>
                      </Popconfirm>
                    )}
                    {l.published && (
                      <Button size="small" onClick={() => void showResults(l)}>
                        完成情况
                      </Button>
                    )}
                  </Space>
                ),
              },
            ]}
          />
        </Card>
      </Col>
      {office && (
        <Col span={24}>
          <Card size="small" title="起草清单">
            <Form form={form} layout="vertical" onFinish={draft} initialValues={{ items: [{ targetMode: 'kind', targetUnitKind: 'township', dueKind: 'monthEnd', onUnfinished: 'carry_over' }] }}>
              <Row gutter={16}>
                <Col xs={24} md={6}>
                  <Form.Item label="所属月份" name="month" rules={[{ required: true, message: '请选择月份' }]}>
                    <DatePicker picker="month" style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={10}>
                  <Form.Item label="清单名称（可不填）" name="title">
                    <Input placeholder="默认按所属月份命名，例如“2026年12月重点工作清单”" />
                  </Form.Item>
                </Col>
              </Row>
              <Form.List name="items">
                {(fields, { add, remove }) => (
                  <Space orientation="vertical" style={{ width: '100%' }}>
                    {fields.map((field, index) => (
                      <Card key={field.key} size="small" title={`任务 ${index + 1}`} extra={fields.length > 1 && <Button size="small" onClick={() => remove(field.name)}>删除</Button>}>
                        <Row gutter={16}>
                          <Col xs={24} md={12}>
                            <Form.Item label="任务名称" name={[field.name, 'title']} rules={[{ required: true, message: '请填写任务名称' }]}>
                              <Input maxLength={200} />
                            </Form.Item>
                          </Col>
                          <Col xs={24} md={12}>
                            <Form.Item label="任务内容与要求" name={[field.name, 'content']}>
                              <Input.TextArea autoSize={{ minRows: 1 }} />
                            </Form.Item>
                          </Col>
                          <Col xs={24} md={6}>
                            <Form.Item label="下发方式" name={[field.name, 'targetMode']}>
                              <Select
                                options={[
                                  { value: 'kind', label: '按单位类型' },
                                  { value: 'units', label: '选定单位' },
                                ]}
                              />
                            </Form.Item>
                          </Col>
                          <Col xs={24} md={6}>
                            <Form.Item noStyle shouldUpdate>
                              {() =>
                                form.getFieldValue(['items', field.name, 'targetMode']) === 'units' ? (
                                  <Form.Item label="责任单位" name={[field.name, 'targetUnitIds']} rules={[{ required: true, message: '请选择责任单位' }]}>
                                    <Select mode="multiple" showSearch={{ optionFilterProp: 'label' }} options={targetOptions} />
                                  </Form.Item>
                                ) : (
                                  <Form.Item label="单位类型" name={[field.name, 'targetUnitKind']} rules={[{ required: true, message: '请选择单位类型' }]}>
                                    <Select options={TARGET_KINDS.map((k) => ({ value: k, label: `各${UNIT_KIND_LABELS[k]}` }))} />
                                  </Form.Item>
                                )
                              }
                            </Form.Item>
                          </Col>
                          <Col xs={24} md={4}>
                            <Form.Item label="办理时限" name={[field.name, 'dueKind']}>
                              <Select options={DUE_KINDS} />
                            </Form.Item>
                          </Col>
                          <Col xs={24} md={4}>
                            <Form.Item noStyle shouldUpdate>
                              {() => {
                                const kind = form.getFieldValue(['items', field.name, 'dueKind']) as DraftItem['dueKind'];
                                if (kind === 'date')
                                  return (
                                    <Form.Item label="日期" name={[field.name, 'dueDate']} rules={[{ required: true, message: '请选择日期' }]}>
                                      <DatePicker style={{ width: '100%' }} />
                                    </Form.Item>
                                  );
                                if (kind === 'dayOfMonth')
                                  return (
                                    <Form.Item label="每月第几日" name={[field.name, 'dueDay']} rules={[{ required: true, message: '请填写' }]}>
                                      <InputNumber min={1} max={31} style={{ width: '100%' }} />
                                    </Form.Item>
                                  );
                                return null;
                              }}
                            </Form.Item>
                          </Col>
                          <Col xs={24} md={4}>
                            <Form.Item label="月末未完成" name={[field.name, 'onUnfinished']}>
                              <Select options={Object.entries(UNFINISHED_DISPOSITION_LABELS).map(([value, label]) => ({ value, label }))} />
                            </Form.Item>
                          </Col>
                        </Row>
                      </Card>
                    ))}
                    <Button onClick={() => add({ targetMode: 'kind', targetUnitKind: 'township', dueKind: 'monthEnd', onUnfinished: 'carry_over' })}>增加任务</Button>
                  </Space>
                )}
              </Form.List>
              <Button type="primary" htmlType="submit" loading={busy} style={{ marginTop: 16 }}>
                保存草稿
              </Button>
            </Form>
          </Card>
        </Col>
      )}
      <Modal open={!!results} title={`${results?.list.title ?? ''} 完成情况`} footer={null} onCancel={() => setResults(null)} width={720}>
        <Table<ResultRow>
          size="small"
          rowKey="unitId"
          pagination={false}
          scroll={{ x: true }}
          dataSource={results?.rows ?? []}
          columns={[
            { title: '排名', dataIndex: 'rank', width: 60 },
            { title: '单位', dataIndex: 'unitName' },
            { title: '任务数', dataIndex: 'total' },
            { title: '按期', dataIndex: 'onTime' },
            { title: '逾期', dataIndex: 'late' },
            { title: '结转', dataIndex: 'carriedOver' },
            { title: '未完成', dataIndex: 'failed' },
            { title: '按期率', dataIndex: 'onTimeRate', render: (r: number | null) => (r === null ? '-' : `${(r * 100).toFixed(0)}%`) },
          ]}
        />
      </Modal>
    </Row>
  );
}
