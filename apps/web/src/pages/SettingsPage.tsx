import { App as AntApp, Button, Card, DatePicker, Form, Input, InputNumber, Popconfirm, Select, Space, Switch, Table, Tabs, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { api, request } from '../api/client';
import { hasRole, useSession } from '../auth/session';
import { messageOf } from '../components/errors';
import { useUnits } from '../components/useUnits';

/**
 * 工作日与推送：节假日数据包没有的年份的放假/调休（办公室、系统管理员），消息推送渠道（办公室管各单位，单位负责人管本单位；
 * 不给系统管理员：推送内容是业务数据，三员分立），以及（办公室）考评办法。
 */
export function SettingsPage() {
  const { user } = useSession();
  return (
    <Tabs
      items={[
        ...(hasRole(user, 'office', 'sysadmin') ? [{ key: 'calendar', label: '工作日调整', children: <CalendarTab /> }] : []),
        ...(hasRole(user, 'office', 'unit_leader') ? [{ key: 'webhooks', label: '消息推送渠道', children: <WebhooksTab /> }] : []),
        ...(hasRole(user, 'office') ? [{ key: 'evaluation', label: '考评办法', children: <EvaluationPolicyTab /> }] : []),
      ]}
    />
  );
}

interface Policy {
  base: number;
  onTimeWeight: number;
  perOverdueDay: number;
  overdueDaysCap: number;
  perReturn: number;
  perLookBackFailure: number;
  perEscalation: number;
  perNotice: { blue: number; yellow: number; red: number };
  warnings: { colour: 'blue' | 'yellow' | 'red'; count: number; deduction: number; measure: string }[];
}

const POLICY_FIELDS: { name: keyof Policy | ['perNotice', 'blue' | 'yellow' | 'red']; label: string; max: number }[] = [
  { name: 'base', label: '基础分', max: 1000 },
  { name: 'onTimeWeight', label: '按期办结率权重', max: 1000 },
  { name: 'perOverdueDay', label: '每超期一天扣分', max: 100 },
  { name: 'overdueDaysCap', label: '超期扣分上限', max: 1000 },
  { name: 'perReturn', label: '每次退回扣分', max: 100 },
  { name: 'perLookBackFailure', label: '每次回头看未通过扣分', max: 100 },
  { name: 'perEscalation', label: '每次超期升级扣分', max: 100 },
  { name: ['perNotice', 'blue'], label: '每张蓝色督办单扣分', max: 100 },
  { name: ['perNotice', 'yellow'], label: '每张黄色督办单扣分', max: 100 },
  { name: ['perNotice', 'red'], label: '每张红色督办单扣分', max: 100 },
];
const COLOURS = [
  { value: 'blue', label: '蓝色' },
  { value: 'yellow', label: '黄色' },
  { value: 'red', label: '红色' },
];

function EvaluationPolicyTab() {
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Policy>();
  const [loaded, setLoaded] = useState(false);

  useEffect(() => {
    api
      .get<Policy>('/reports/evaluation/policy')
      .then((policy) => {
        form.setFieldsValue(policy);
        setLoaded(true);
      })
      .catch((f) => void message.error(messageOf(f)));
  }, [form, message]);

  async function save(values: Policy) {
    try {
      form.setFieldsValue(await api.put<Policy>('/reports/evaluation/policy', values));
      void message.success('考评办法已保存');
    } catch (failure) {
      void message.error(messageOf(failure));
    }
  }

  return (
    <Card size="small" title="考评权重与预警规则" loading={!loaded}>
      <Form form={form} name="evaluationPolicy" layout="vertical" onFinish={(v) => void save(v)}>
        <Space wrap align="start">
          {POLICY_FIELDS.map((f) => (
            <Form.Item key={String(f.name)} label={f.label} name={f.name} rules={[{ required: true, message: `请填写${f.label}` }]}>
              <InputNumber min={0} max={f.max} />
            </Form.Item>
          ))}
        </Space>
        <Form.List name="warnings">
          {(fields, { add, remove }) => (
            <Card size="small" type="inner" title="预警规则（同一季度内某色督办单达到张数）" extra={<Button size="small" onClick={() => add({ colour: 'yellow', count: 2, deduction: 1, measure: '发函提醒' })}>增加规则</Button>}>
              {fields.map((field, i) => (
                <Space key={field.key} wrap align="end">
                  <Form.Item label={`规则 ${i + 1} 颜色`} name={[field.name, 'colour']}>
                    <Select style={{ width: 90 }} options={COLOURS} />
                  </Form.Item>
                  <Form.Item label="张数" name={[field.name, 'count']} rules={[{ required: true, message: '请填写张数' }]}>
                    <InputNumber min={1} max={100} precision={0} />
                  </Form.Item>
                  <Form.Item label="扣分" name={[field.name, 'deduction']} rules={[{ required: true, message: '请填写扣分' }]}>
                    <InputNumber min={0} max={100} />
                  </Form.Item>
                  <Form.Item label="处置措施" name={[field.name, 'measure']} rules={[{ required: true, message: '请填写处置措施' }]}>
                    <Input maxLength={50} />
                  </Form.Item>
                  <Form.Item>
                    <Button size="small" onClick={() => remove(field.name)}>
                      删除
                    </Button>
                  </Form.Item>
                </Space>
              ))}
            </Card>
          )}
        </Form.List>
        <Button type="primary" htmlType="submit" style={{ marginTop: 12 }}>
          保存考评办法
        </Button>
      </Form>
    </Card>
  );
}

interface Override {
  date: string;
  working: boolean;
  name: string;
  updatedBy: string;
}

function CalendarTab() {
  const { message } = AntApp.useApp();
  const [year, setYear] = useState(dayjs().year() + 1);
  const [data, setData] = useState<{ packageHasYear: boolean; items: Override[] } | null>(null);
  const [form] = Form.useForm<{ date: Dayjs; working: boolean; name: string }>();

  const load = useCallback(() => {
    api
      .get<{ packageHasYear: boolean; items: Override[] }>(`/calendar/overrides?year=${year}`)
      .then(setData)
      .catch((f) => void message.error(messageOf(f)));
  }, [year, message]);
  useEffect(load, [load]);

  async function save(values: { date: Dayjs; working: boolean; name: string }) {
    try {
      await api.put(`/calendar/overrides/${values.date.format('YYYY-MM-DD')}`, { working: values.working, name: values.name });
      form.resetFields();
      void message.success('已保存');
      load();
    } catch (failure) {
      void message.error(messageOf(failure));
    }
  }

  async function remove(date: string) {
    try {
      await request('DELETE', `/calendar/overrides/${date}`);
      void message.success('已删除，恢复节假日数据包或周末规则');
      load();
    } catch (failure) {
      void message.error(messageOf(failure));
    }
  }

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Card size="small">
        <Space wrap>
          <Typography.Text>年份</Typography.Text>
          <InputNumber aria-label="年份" min={2000} max={2100} value={year} onChange={(v) => v && setYear(v)} />
          {data && (data.packageHasYear ? <Tag color="green">节假日数据包已含该年</Tag> : <Tag color="orange">节假日数据包未含该年，请按国务院办公厅通知录入</Tag>)}
        </Space>
      </Card>
      <Card size="small" title="新增调整">
        <Form form={form} name="calendarDay" layout="inline" onFinish={(v) => void save(v)} initialValues={{ working: false }}>
          <Form.Item label="日期" name="date" rules={[{ required: true, message: '请选择日期' }]}>
            <DatePicker />
          </Form.Item>
          <Form.Item label="上班" name="working" valuePropName="checked">
            <Switch checkedChildren="上班" unCheckedChildren="放假" />
          </Form.Item>
          <Form.Item label="名称" name="name" rules={[{ required: true, message: '请填写名称' }]}>
            <Input placeholder="如：元旦、春节调休" maxLength={50} />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            保存
          </Button>
        </Form>
      </Card>
      <Table<Override>
        rowKey="date"
        size="small"
        pagination={false}
        scroll={{ x: true }}
        dataSource={data?.items ?? []}
        locale={{ emptyText: '该年没有调整' }}
        columns={[
          { title: '日期', dataIndex: 'date' },
          { title: '调整', dataIndex: 'working', render: (w: boolean) => (w ? <Tag color="blue">上班</Tag> : <Tag color="red">放假</Tag>) },
          { title: '名称', dataIndex: 'name' },
          { title: '设置人', dataIndex: 'updatedBy', responsive: ['md'] },
          {
            title: '',
            render: (_v, o) => (
              <Popconfirm title={`删除 ${o.date} 的调整？`} okText="删除" cancelText="取消" onConfirm={() => void remove(o.date)}>
                <Button size="small" danger>
                  删除
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
    </Space>
  );
}

interface Channel {
  id: string;
  kindLabel: string;
  name: string;
  url: string;
  enabled: boolean;
  hasSecret: boolean;
}

const KINDS = [
  { value: 'dingtalk', label: '钉钉群机器人' },
  { value: 'wecom', label: '企业微信群机器人' },
  { value: 'json', label: '通用回调' },
];

function WebhooksTab() {
  const { user } = useSession();
  const { units, nameOf } = useUnits();
  const { message } = AntApp.useApp();
  // The office picks any unit; a unit leader configures their own unit only.
  const anyUnit = hasRole(user, 'office');
  const [unitId, setUnitId] = useState<string | undefined>(anyUnit ? undefined : user?.unitId);
  const [channels, setChannels] = useState<Channel[]>([]);
  const [form] = Form.useForm<{ kind: string; name: string; url: string; secret?: string }>();
  const kind = Form.useWatch('kind', form);

  const load = useCallback(() => {
    if (!unitId) return;
    api
      .get<{ items: Channel[] }>(`/org/units/${encodeURIComponent(unitId)}/webhooks`)
      .then((r) => setChannels(r.items))
      .catch((f) => void message.error(messageOf(f)));
  }, [unitId, message]);
  useEffect(load, [load]);

  async function add(values: { kind: string; name: string; url: string; secret?: string }) {
    if (!unitId) return;
    try {
      await api.post(`/org/units/${encodeURIComponent(unitId)}/webhooks`, { kind: values.kind, name: values.name, url: values.url, ...(values.secret ? { secret: values.secret } : {}) });
      form.resetFields();
      void message.success('已添加推送渠道');
      load();
    } catch (failure) {
      void message.error(messageOf(failure));
    }
  }

  async function remove(id: string) {
    if (!unitId) return;
    try {
      await request('DELETE', `/org/units/${encodeURIComponent(unitId)}/webhooks/${id}`);
      load();
    } catch (failure) {
      void message.error(messageOf(failure));
    }
  }

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Card size="small">
        {anyUnit ? (
          <Select aria-label="单位" placeholder="选择单位" style={{ minWidth: 240 }} showSearch={{ optionFilterProp: 'label' }} value={unitId} onChange={setUnitId} options={units.map((u) => ({ value: u.id, label: u.name }))} />
        ) : (
          <Typography.Text>本单位：{nameOf(unitId)}</Typography.Text>
        )}
      </Card>
      {unitId && (
        <>
          <Card size="small" title="添加推送渠道">
            <Form form={form} name="channel" layout="vertical" onFinish={(v) => void add(v)} initialValues={{ kind: 'dingtalk' }}>
              <Form.Item label="类型" name="kind">
                <Select options={KINDS} />
              </Form.Item>
              <Form.Item label="渠道名称" name="name" rules={[{ required: true, message: '请填写渠道名称' }]}>
                <Input maxLength={100} />
              </Form.Item>
              <Form.Item label="回调地址" name="url" rules={[{ required: true, message: '请填写回调地址' }]}>
                <Input />
              </Form.Item>
              {kind === 'dingtalk' && (
                <Form.Item label="加签密钥（可不填）" name="secret">
                  <Input.Password autoComplete="off" />
                </Form.Item>
              )}
              <Button type="primary" htmlType="submit">
                添加
              </Button>
            </Form>
          </Card>
          <Table<Channel>
            rowKey="id"
            size="small"
            pagination={false}
            scroll={{ x: true }}
            dataSource={channels}
            locale={{ emptyText: '该单位没有推送渠道' }}
            columns={[
              { title: '名称', dataIndex: 'name' },
              { title: '类型', dataIndex: 'kindLabel' },
              { title: '地址', dataIndex: 'url', responsive: ['md'], ellipsis: true },
              { title: '加签', dataIndex: 'hasSecret', responsive: ['md'], render: (v: boolean) => (v ? '已设置' : '—') },
              { title: '状态', dataIndex: 'enabled', render: (v: boolean) => (v ? <Tag color="green">启用</Tag> : <Tag>停用</Tag>) },
              {
                title: '',
                render: (_v, c) => (
                  <Popconfirm title={`删除推送渠道“${c.name}”？`} okText="删除" cancelText="取消" onConfirm={() => void remove(c.id)}>
                    <Button size="small" danger>
                      删除
                    </Button>
                  </Popconfirm>
                ),
              },
            ]}
          />
        </>
      )}
    </Space>
  );
}
