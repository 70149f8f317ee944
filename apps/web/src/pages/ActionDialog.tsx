import { DatePicker, Form, Input, Modal, Radio, Select } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { api } from '../api/client';
import type { RectificationAction, RectificationView } from '../api/types';
import { EvidenceUpload } from '../components/EvidenceUpload';
import { messageOf } from '../components/errors';
import { ACTION_FORMS } from './item-actions';

/** One step on an item: the fields it asks for, posted to its route; the answer is the item as it is now. */
/**
 * A required field's rule. `whitespace` (blank text refused) only on text: with it the validator takes the value for a
 * string and refuses every date and file list.
 */
function requiredRule(field: { kind: string; label: string }) {
  return field.kind === 'text' ? { required: true, whitespace: true, message: `请填写${field.label}` } : { required: true, message: `请填写${field.label}` };
}

export function ActionDialog({
  item,
  action,
  onClose,
  onDone,
}: {
  item: RectificationView;
  action: RectificationAction;
  onClose(): void;
  onDone(view: RectificationView): void;
}) {
  const spec = ACTION_FORMS[action];
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit() {
    // A field that fails validation shows its message at the field; nothing is sent.
    const values = (await form.validateFields().catch(() => null)) as Record<string, unknown> | null;
    if (!values) return;
    const body: Record<string, unknown> = {};
    for (const field of spec.fields) {
      const value = values[field.name];
      if (value === undefined || value === null || value === '') continue;
      if (field.kind === 'date') body[field.name] = (value as Dayjs).format('YYYY-MM-DD');
      else if (field.kind === 'evidence') {
        if ((value as string[]).length > 0) body[field.name] = value;
      } else body[field.name] = value;
    }
    setBusy(true);
    setError(null);
    try {
      onDone(await api.post<RectificationView>(`/rectifications/${item.id}/${spec.path}`, body));
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal open title={spec.label} okText="提交" cancelText="取消" onOk={() => void submit()} onCancel={onClose} confirmLoading={busy} okButtonProps={{ danger: spec.danger ?? false }} destroyOnHidden>
      {spec.fields.length === 0 && <p>确认{spec.label}「{item.title}」？</p>}
      <Form form={form} layout="vertical" initialValues={{ approve: true, action: 'urge' }}>
        {spec.fields.map((field) => (
          <Form.Item key={field.name} name={field.name} label={field.label} rules={field.required ? [requiredRule(field)] : []}>
            {field.kind === 'text' ? (
              <Input.TextArea
                autoSize={{ minRows: field.name === 'responsiblePerson' ? 1 : 3 }}
                maxLength={field.maxLength ?? (field.name === 'responsiblePerson' ? 100 : 5000)}
                showCount={field.maxLength !== undefined}
              />
            ) : field.kind === 'date' ? (
              <DatePicker style={{ width: '100%' }} />
            ) : field.kind === 'evidence' ? (
              <EvidenceUpload itemId={item.id} />
            ) : field.kind === 'approve' ? (
              <Radio.Group
                options={[
                  { value: true, label: '同意延期' },
                  { value: false, label: '不同意' },
                ]}
              />
            ) : field.kind === 'escalation' ? (
              <Select
                options={[
                  { value: 'urge', label: '催办' },
                  { value: 'interview', label: '约谈' },
                  { value: 'extend', label: '延期' },
                ]}
              />
            ) : (
              <Input placeholder="问题编号" />
            )}
          </Form.Item>
        ))}
      </Form>
      {error && <p style={{ color: '#c62828' }} role="alert">{error}</p>}
    </Modal>
  );
}
