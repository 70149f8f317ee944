import { Alert, App as AntApp, Button, Card, Col, DatePicker, Descriptions, Form, Input, Popconfirm, Row, Select, Space, Tag, Typography, Upload } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, download, query } from '../api/client';
import { CATEGORY_LABELS } from '@duban/domain';
import type { Category } from '../api/types';
import { messageOf } from '../components/errors';
import { Rows } from '../components/Rows';
import { assignable, useUnits } from '../components/useUnits';
import { CATEGORY_OPTIONS } from '../components/vocabulary';
import type { InspectionView } from './InspectionsPage';

interface FindingValues {
  place: string;
  category: Category;
  description: string;
  responsibleUnitId: string;
  suggestedDueDate: Dayjs;
}

/** 暗访详情：记录发现的问题并上传现场照片（记录拍摄时间），通报后每个问题生成一个整改问题。 */
export function InspectionDetailPage() {
  const { id = '' } = useParams();
  const { units, nameOf } = useUnits();
  const { message } = AntApp.useApp();
  const [inspection, setInspection] = useState<InspectionView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<FindingValues>();

  const load = useCallback(() => {
    api
      .get<InspectionView>(`/inspections/${id}`)
      .then(setInspection)
      .catch((f) => setError(messageOf(f)));
  }, [id]);
  useEffect(load, [load]);

  async function addFinding(values: FindingValues) {
    try {
      await api.post(`/inspections/${id}/findings`, { ...values, suggestedDueDate: values.suggestedDueDate.format('YYYY-MM-DD') });
      form.resetFields();
      load();
      void message.success('已记录发现的问题');
    } catch (failure) {
      void message.error(messageOf(failure));
    }
  }

  async function publish() {
    try {
      setInspection(await api.post<InspectionView>(`/inspections/${id}/publish`));
      void message.success('已通报，发现的问题已交办');
    } catch (failure) {
      void message.error(messageOf(failure));
    }
  }

  if (error) return <Alert type="error" title={error} />;
  if (!inspection) return null;
  const open = inspection.status !== 'published';
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Card
        title={inspection.title}
        extra={<Tag color={open ? 'orange' : 'green'}>{inspection.statusLabel}</Tag>}
        actions={[
          <Button key="circular" onClick={() => void download(`/inspections/${id}/circular`, `${inspection.title}.docx`).catch((f) => message.error(messageOf(f)))}>
            下载通报（Word）
          </Button>,
          ...(open
            ? [
                <Popconfirm key="publish" title="通报后发现的问题将交办给责任单位，暗访计划不再保密。确认通报？" okText="通报" cancelText="取消" onConfirm={() => void publish()}>
                  <Button type="primary" disabled={inspection.findings.length === 0}>
                    通报并交办
                  </Button>
                </Popconfirm>,
              ]
            : []),
        ]}
      >
        <Descriptions size="small" column={{ xs: 1, md: 2 }}>
          <Descriptions.Item label="暗访对象">{inspection.targetUnitIds.map(nameOf).join('、')}</Descriptions.Item>
          <Descriptions.Item label="暗访时间">
            {inspection.windowFrom} 至 {inspection.windowTo}
          </Descriptions.Item>
          <Descriptions.Item label="暗访组">{inspection.team.join('、')}</Descriptions.Item>
          {inspection.targetDraw && <Descriptions.Item label="随机种子">{inspection.targetDraw.seed}</Descriptions.Item>}
        </Descriptions>
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card title={`发现的问题（${inspection.findings.length}）`} size="small">
            <Rows
              items={inspection.findings}
              rowKey={(f) => f.id}
              empty="尚未记录"
              render={(f) => (
                <>
                  <Space orientation="vertical" style={{ width: '100%' }}>
                    <Typography.Text strong>
                      {f.place} · {CATEGORY_LABELS[f.category as Category]}
                    </Typography.Text>
                    <Typography.Text>{f.description}</Typography.Text>
                    <Typography.Text type="secondary">
                      责任单位：{nameOf(f.responsibleUnitId)}；建议整改时限：{f.suggestedDueDate}
                    </Typography.Text>
                    {f.evidence.map((e) => (
                      <Typography.Text key={e.attachmentId} type="secondary">
                        照片：{e.name}（拍摄于 {dayjs(e.capturedAt).format('YYYY-MM-DD HH:mm')}）
                      </Typography.Text>
                    ))}
                    {open && (
                      <Upload
                        accept="image/jpeg,image/png,.pdf"
                        showUploadList={false}
                        customRequest={async ({ file, onSuccess, onError }) => {
                          const data = new FormData();
                          data.append('file', file as Blob);
                          const captured = (file as File).lastModified ? new Date((file as File).lastModified) : new Date();
                          try {
                            onSuccess?.(await api.upload(`/inspections/${id}/findings/${f.id}/evidence${query({ capturedAt: captured.toISOString() })}`, data));
                            load();
                          } catch (failure) {
                            void message.error(messageOf(failure));
                            onError?.(new Error(messageOf(failure)));
                          }
                        }}
                      >
                        <Button size="small">上传现场照片</Button>
                      </Upload>
                    )}
                    {!open && <Link to={`/items/${f.itemId}`}>查看交办的整改问题</Link>}
                  </Space>
                </>
              )}
            />
          </Card>
        </Col>
        {open && (
          <Col xs={24} lg={12}>
            <Card title="记录发现的问题" size="small">
              <Form form={form} layout="vertical" onFinish={addFinding}>
                <Form.Item label="地点" name="place" rules={[{ required: true, message: '请填写地点' }]}>
                  <Input maxLength={200} />
                </Form.Item>
                <Form.Item label="问题类别" name="category" rules={[{ required: true, message: '请选择类别' }]}>
                  <Select options={CATEGORY_OPTIONS} />
                </Form.Item>
                <Form.Item label="发现的问题" name="description" rules={[{ required: true, message: '请描述发现的问题' }]}>
                  <Input.TextArea autoSize={{ minRows: 3 }} maxLength={5000} />
                </Form.Item>
                <Form.Item label="责任单位" name="responsibleUnitId" rules={[{ required: true, message: '请选择责任单位' }]}>
                  <Select showSearch={{ optionFilterProp: 'label' }} options={assignable(units).map((u) => ({ value: u.id, label: u.name }))} />
                </Form.Item>
                <Form.Item label="建议整改时限" name="suggestedDueDate" rules={[{ required: true, message: '请选择建议整改时限' }]}>
                  <DatePicker style={{ width: '100%' }} />
                </Form.Item>
                <Button type="primary" htmlType="submit">
                  记录
                </Button>
              </Form>
            </Card>
          </Col>
        )}
      </Row>
    </Space>
  );
}
