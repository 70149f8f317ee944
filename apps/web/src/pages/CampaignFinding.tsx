import { App as AntApp, Button, Card, Form, Input, Select, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, query } from '../api/client';
import { LightTag } from '../components/LightTag';
import { messageOf } from '../components/errors';
import { CATEGORY_OPTIONS, SEVERITY_OPTIONS } from '../components/vocabulary';
import type { Campaign } from './CampaignsPage';
import type { AssignmentRow } from './TaskListsPage';

interface Values {
  checkId: string;
  title: string;
  description: string;
  category: string;
  severity?: string;
  subAction?: number;
}

/** 单位视角：本单位在专项行动中的排查任务，以及按排查项填报发现的问题（成为本单位的整改问题）。 */
export function CampaignFinding({ campaign }: { campaign: Campaign }) {
  const { message } = AntApp.useApp();
  const [tasks, setTasks] = useState<AssignmentRow[]>([]);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<Values>();

  useEffect(() => {
    api
      .get<{ items: AssignmentRow[] }>(`/assignments${query({ listId: campaign.id, limit: 100 })}`)
      .then((r) => setTasks(r.items))
      .catch((f) => void message.error(messageOf(f)));
  }, [campaign.id, message]);

  async function record(values: Values) {
    setBusy(true);
    try {
      const item = await api.post<{ id: string; title: string }>(`/campaigns/${campaign.id}/findings`, values);
      form.resetFields();
      void message.success(`已填报，形成整改问题“${item.title}”`);
    } catch (failure) {
      void message.error(messageOf(failure));
    } finally {
      setBusy(false);
    }
  }

  const checks = [
    { value: 'check', label: `排查阶段：${campaign.checkItems.map((c) => c.text).join('；') || '全面排查'}` },
    ...campaign.spreads.map((s) => ({ value: s.id, label: `举一反三：${s.text}` })),
  ];
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Card title="本单位的专项行动任务" size="small">
        <Table<AssignmentRow>
          rowKey="id"
          size="small"
          dataSource={tasks}
          pagination={false}
          scroll={{ x: true }}
          locale={{ emptyText: '暂无任务' }}
          columns={[
            { title: '亮灯', width: 80, render: (_v, r) => <LightTag light={r.light} label={r.lightLabel} /> },
            { title: '任务', dataIndex: 'title', render: (t: string, r) => <Link to={`/assignments/${encodeURIComponent(r.id)}`}>{t}</Link> },
            { title: '状态', dataIndex: 'statusLabel' },
            { title: '办理时限', dataIndex: 'dueDate', responsive: ['sm'] },
          ]}
        />
      </Card>
      {campaign.status === 'running' && (
        <Card title="填报排查发现的问题" size="small">
          <Typography.Paragraph type="secondary">填报的问题成为本单位的整改问题（来源：自查），整改时限为整改阶段截止日。</Typography.Paragraph>
          <Form form={form} layout="vertical" onFinish={(v) => void record(v)} initialValues={{ checkId: 'check' }}>
            <Form.Item label="所回复的排查" name="checkId" rules={[{ required: true, message: '请选择排查' }]}>
              <Select options={checks} />
            </Form.Item>
            {campaign.subActions.length > 0 && (
              <Form.Item label="所属子行动" name="subAction">
                <Select allowClear options={campaign.subActions.map((s, i) => ({ value: i, label: s.name }))} />
              </Form.Item>
            )}
            <Form.Item label="问题标题" name="title" rules={[{ required: true, message: '请填写问题标题' }]}>
              <Input maxLength={200} />
            </Form.Item>
            <Form.Item label="问题描述" name="description" rules={[{ required: true, message: '请填写问题描述' }]}>
              <Input.TextArea autoSize={{ minRows: 3 }} maxLength={5000} />
            </Form.Item>
            <Form.Item label="问题类别" name="category" rules={[{ required: true, message: '请选择问题类别' }]}>
              <Select options={CATEGORY_OPTIONS} />
            </Form.Item>
            <Form.Item label="严重程度" name="severity">
              <Select allowClear options={SEVERITY_OPTIONS} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy}>
              填报问题
            </Button>
          </Form>
        </Card>
      )}
    </Space>
  );
}
