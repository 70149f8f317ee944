import { Button, Card, Col, DatePicker, Form, Input, InputNumber, Row, Select, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import type { RectificationView } from '../api/types';
import { messageOf } from '../components/errors';
import { assignable, useUnits } from '../components/useUnits';
import { CATEGORY_OPTIONS, SEVERITY_OPTIONS, SOURCE_OPTIONS } from '../components/vocabulary';

interface Values {
  title: string;
  description: string;
  source: string;
  category: string;
  severity: string;
  leadUnitId: string;
  coUnitIds?: string[];
  verifierUnitId?: string;
  dueDate: Dayjs;
  progressEveryMonths?: number | null;
}

/** 登记交办：办公室登记一个整改问题并交办给牵头单位；登记后即开始计时、亮灯。 */
export function RegisterPage() {
  const navigate = useNavigate();
  const { units } = useUnits();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const unitOptions = assignable(units).map((u) => ({ value: u.id, label: u.name }));

  async function submit(values: Values) {
    setBusy(true);
    setError(null);
    try {
      const { dueDate, coUnitIds, verifierUnitId, progressEveryMonths, ...rest } = values;
      const item = await api.post<RectificationView>('/rectifications', {
        ...rest,
        dueDate: dueDate.format('YYYY-MM-DD'),
        ...(coUnitIds?.length ? { coUnitIds } : {}),
        ...(verifierUnitId ? { verifierUnitId } : {}),
        ...(progressEveryMonths !== undefined && progressEveryMonths !== null ? { progressEveryMonths } : {}),
      });
      void navigate(`/items/${item.id}`);
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title="登记交办整改问题">
      <Form<Values> layout="vertical" onFinish={submit} initialValues={{ severity: 'general' }}>
        <Form.Item label="问题标题" name="title" rules={[{ required: true, message: '请填写问题标题' }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item label="问题描述" name="description" rules={[{ required: true, message: '请填写问题描述' }]}>
          <Input.TextArea autoSize={{ minRows: 3 }} maxLength={5000} />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item label="问题来源" name="source" rules={[{ required: true, message: '请选择问题来源' }]}>
              <Select options={SOURCE_OPTIONS} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item label="问题类别" name="category" rules={[{ required: true, message: '请选择问题类别' }]}>
              <Select options={CATEGORY_OPTIONS} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item label="严重程度" name="severity">
              <Select options={SEVERITY_OPTIONS} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item label="牵头单位" name="leadUnitId" rules={[{ required: true, message: '请选择牵头单位' }]}>
              <Select showSearch={{ optionFilterProp: 'label' }} options={unitOptions} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item label="配合单位" name="coUnitIds">
              <Select mode="multiple" showSearch={{ optionFilterProp: 'label' }} options={unitOptions} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item label="初验单位（两级验收时选择）" name="verifierUnitId">
              <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={unitOptions} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item label="整改时限" name="dueDate" rules={[{ required: true, message: '请选择整改时限' }]}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item label="进展报送周期（月，0 为不要求）" name="progressEveryMonths">
              <InputNumber min={0} max={12} style={{ width: '100%' }} placeholder="按督办策略" />
            </Form.Item>
          </Col>
        </Row>
        {error && (
          <Typography.Paragraph type="danger" role="alert">
            {error}
          </Typography.Paragraph>
        )}
        <Button type="primary" htmlType="submit" loading={busy}>
          登记并交办
        </Button>
      </Form>
    </Card>
  );
}
