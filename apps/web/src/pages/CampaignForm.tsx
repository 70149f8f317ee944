import { App as AntApp, Button, Card, Col, DatePicker, Form, Input, Row, Select, Space } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { PHASE_KIND_LABELS, UNIT_KIND_LABELS, type PhaseKind, type UnitKind } from '@duban/domain';
import { api } from '../api/client';
import { messageOf } from '../components/errors';
import { assignable, useUnits } from '../components/useUnits';

interface Values {
  name: string;
  startDate: Dayjs;
  phases: { name: string; kind: PhaseKind; endDate: Dayjs }[];
  subActions?: { name: string; leadUnitIds: string[]; coUnitIds?: string[] }[];
  checkItems?: { text: string; targetUnitKind: UnitKind }[];
}

const KIND_OPTIONS = Object.entries(PHASE_KIND_LABELS).map(([value, label]) => ({ value, label }));
const TARGET_KINDS: UnitKind[] = ['township', 'village', 'department'];
const day = (d: Dayjs) => d.format('YYYY-MM-DD');

/** 定义专项行动（要素）：名称、起止、分阶段时限、子行动及牵头单位、排查清单。保存为草稿，启动后下发任务。 */
export function CampaignForm({ onCreated }: { onCreated(id: string): void }) {
  const { units } = useUnits();
  const { message } = AntApp.useApp();
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<Values>();
  const unitOptions = assignable(units).map((u) => ({ value: u.id, label: u.name }));

  async function create(values: Values) {
    setBusy(true);
    try {
      const created = await api.post<{ id: string }>('/campaigns', {
        name: values.name,
        startDate: day(values.startDate),
        phases: values.phases.map((p) => ({ name: p.name, kind: p.kind, endDate: day(p.endDate) })),
        subActions: (values.subActions ?? []).map((s) => ({ name: s.name, leadUnitIds: s.leadUnitIds, coUnitIds: s.coUnitIds ?? [] })),
        checkItems: (values.checkItems ?? []).map((c) => ({ text: c.text, targetUnitKind: c.targetUnitKind })),
        reports: [],
      });
      form.resetFields();
      void message.success('专项行动已保存为草稿');
      onCreated(created.id);
    } catch (failure) {
      void message.error(messageOf(failure));
    } finally {
      setBusy(false);
    }
  }

  const removeButton = (count: number, remove: () => void) =>
    count > 1 && (
      <Button size="small" onClick={remove}>
        删除
      </Button>
    );
  return (
    <Card title="新建专项行动" size="small">
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => void create(v)}
        initialValues={{
          phases: [
            { name: '全面排查', kind: 'check' },
            { name: '全面整改', kind: 'rectify' },
            { name: '巩固提升', kind: 'consolidate' },
          ],
          subActions: [],
          checkItems: [{ targetUnitKind: 'township' }],
        }}
      >
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item label="专项行动名称" name="name" rules={[{ required: true, message: '请填写名称' }]}>
              <Input maxLength={200} />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            <Form.Item label="开始日期" name="startDate" rules={[{ required: true, message: '请选择开始日期' }]}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Form.List name="phases">
          {(fields, { add, remove }) => (
            <Card size="small" type="inner" title="阶段（按先后顺序）" style={{ marginBottom: 12 }} extra={<Button size="small" onClick={() => add({ kind: 'consolidate' })}>增加阶段</Button>}>
              {fields.map((field, i) => (
                <Row gutter={12} key={field.key} align="bottom">
                  <Col xs={24} sm={8}>
                    <Form.Item label={`阶段 ${i + 1} 名称`} name={[field.name, 'name']} rules={[{ required: true, message: '请填写阶段名称' }]}>
                      <Input maxLength={100} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} sm={6}>
                    <Form.Item label={`阶段 ${i + 1} 类型`} name={[field.name, 'kind']}>
                      <Select options={KIND_OPTIONS} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} sm={6}>
                    <Form.Item label={`阶段 ${i + 1} 截止日期`} name={[field.name, 'endDate']} rules={[{ required: true, message: '请选择截止日期' }]}>
                      <DatePicker style={{ width: '100%' }} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} sm={4}>
                    <Form.Item>{removeButton(fields.length, () => remove(field.name))}</Form.Item>
                  </Col>
                </Row>
              ))}
            </Card>
          )}
        </Form.List>
        <Form.List name="subActions">
          {(fields, { add, remove }) => (
            <Card size="small" type="inner" title="子行动（可不填）" style={{ marginBottom: 12 }} extra={<Button size="small" onClick={() => add({ leadUnitIds: [] })}>增加子行动</Button>}>
              {fields.map((field, i) => (
                <Row gutter={12} key={field.key} align="bottom">
                  <Col xs={24} sm={8}>
                    <Form.Item label={`子行动 ${i + 1} 名称`} name={[field.name, 'name']} rules={[{ required: true, message: '请填写子行动名称' }]}>
                      <Input maxLength={100} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} sm={7}>
                    <Form.Item label={`子行动 ${i + 1} 牵头单位`} name={[field.name, 'leadUnitIds']} rules={[{ required: true, message: '请选择牵头单位' }]}>
                      <Select mode="multiple" showSearch={{ optionFilterProp: 'label' }} options={unitOptions} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} sm={7}>
                    <Form.Item label={`子行动 ${i + 1} 配合单位`} name={[field.name, 'coUnitIds']}>
                      <Select mode="multiple" showSearch={{ optionFilterProp: 'label' }} options={unitOptions} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} sm={2}>
                    <Form.Item>
                      <Button size="small" onClick={() => remove(field.name)}>
                        删除
                      </Button>
                    </Form.Item>
                  </Col>
                </Row>
              ))}
            </Card>
          )}
        </Form.List>
        <Form.List name="checkItems">
          {(fields, { add, remove }) => (
            <Card size="small" type="inner" title="排查清单（排查阶段下发到各单位）" style={{ marginBottom: 12 }} extra={<Button size="small" onClick={() => add({ targetUnitKind: 'township' })}>增加排查项</Button>}>
              {fields.map((field, i) => (
                <Row gutter={12} key={field.key} align="bottom">
                  <Col xs={24} sm={14}>
                    <Form.Item label={`排查项 ${i + 1} 内容`} name={[field.name, 'text']} rules={[{ required: true, message: '请填写排查内容' }]}>
                      <Input maxLength={1000} />
                    </Form.Item>
                  </Col>
                  <Col xs={18} sm={7}>
                    <Form.Item label={`排查项 ${i + 1} 下发到`} name={[field.name, 'targetUnitKind']}>
                      <Select options={TARGET_KINDS.map((k) => ({ value: k, label: `各${UNIT_KIND_LABELS[k]}` }))} />
                    </Form.Item>
                  </Col>
                  <Col xs={6} sm={3}>
                    <Form.Item>
                      <Button size="small" onClick={() => remove(field.name)}>
                        删除
                      </Button>
                    </Form.Item>
                  </Col>
                </Row>
              ))}
            </Card>
          )}
        </Form.List>
        <Space>
          <Button type="primary" htmlType="submit" loading={busy}>
            保存专项行动
          </Button>
        </Space>
      </Form>
    </Card>
  );
}
