import { App as AntApp, Button, DatePicker, Form, Input, Modal, Popconfirm, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { UNIT_KIND_LABELS, type UnitKind } from '@duban/domain';
import { api, download } from '../api/client';
import { messageOf } from '../components/errors';
import type { Campaign } from './CampaignsPage';

const SPREAD_KINDS: UnitKind[] = ['township', 'village', 'department'];

/** 办公室对专项行动的操作：启动、推进阶段、举一反三、总结通报、导出台账。只在该状态下接口允许时显示。 */
export function CampaignActions({ campaign, office, onChanged }: { campaign: Campaign; office: boolean; onChanged(expectPhase?: number): void }) {
  const { message } = AntApp.useApp();
  const [spreading, setSpreading] = useState(false);
  const [form] = Form.useForm<{ text: string; unitKind: UnitKind; dueDate: Dayjs }>();

  async function run(label: string, call: () => Promise<unknown>, expectPhase?: number) {
    try {
      await call();
      void message.success(label);
      onChanged(expectPhase);
    } catch (failure) {
      void message.error(messageOf(failure));
    }
  }

  async function spread() {
    const values = await form.validateFields();
    await run('举一反三排查已下发', () => api.post(`/campaigns/${campaign.id}/spread`, { text: values.text, unitKind: values.unitKind, dueDate: values.dueDate.format('YYYY-MM-DD') }));
    setSpreading(false);
  }

  const running = campaign.status === 'running';
  const hasNext = campaign.phaseIndex < campaign.phases.length - 1;
  return (
    <Space wrap>
      {office && campaign.status === 'draft' && (
        <Popconfirm title="启动后按阶段下发排查任务和报送任务。确认启动？" okText="启动" cancelText="取消" onConfirm={() => void run('专项行动已启动', () => api.post(`/campaigns/${campaign.id}/start`), 0)}>
          <Button type="primary">启动专项行动</Button>
        </Popconfirm>
      )}
      {office && running && (
        <Popconfirm
          title={hasNext ? `结束“${campaign.phases[campaign.phaseIndex]?.name ?? ''}”，进入“${campaign.phases[campaign.phaseIndex + 1]?.name ?? ''}”？` : '结束最后一个阶段（专项行动结束）？'}
          okText="推进"
          cancelText="取消"
          onConfirm={() => void run('已推进到下一阶段', () => api.post(`/campaigns/${campaign.id}/advance`), campaign.phaseIndex + 1)}
        >
          <Button type="primary">{hasNext ? '推进到下一阶段' : '结束专项行动'}</Button>
        </Popconfirm>
      )}
      {office && running && <Button onClick={() => setSpreading(true)}>举一反三</Button>}
      {campaign.status !== 'draft' && office && (
        <Button onClick={() => void download(`/campaigns/${campaign.id}/summary.docx`, `${campaign.name}总结通报.docx`).catch((f) => void message.error(messageOf(f)))}>总结通报（Word）</Button>
      )}
      {campaign.status !== 'draft' && office && (
        <Button onClick={() => void download(`/campaigns/${campaign.id}/ledger`, `${campaign.name}台账.xlsx`).catch((f) => void message.error(messageOf(f)))}>导出台账</Button>
      )}
      <Modal open={spreading} title="举一反三" okText="下发" cancelText="取消" onOk={() => void spread()} onCancel={() => setSpreading(false)} destroyOnHidden>
        <Form form={form} layout="vertical" initialValues={{ unitKind: 'township' }} preserve={false}>
          <Form.Item label="举一反三排查内容" name="text" rules={[{ required: true, message: '请填写排查内容' }]}>
            <Input.TextArea autoSize={{ minRows: 3 }} maxLength={1000} />
          </Form.Item>
          <Form.Item label="下发到" name="unitKind">
            <Select options={SPREAD_KINDS.map((k) => ({ value: k, label: `各${UNIT_KIND_LABELS[k]}` }))} />
          </Form.Item>
          <Form.Item label="回复时限" name="dueDate" rules={[{ required: true, message: '请选择回复时限' }]}>
            <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isBefore(dayjs().startOf('day'))} />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
