import { App as AntApp, Button, Card, Col, DatePicker, Form, Input, Modal, Row, Select, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { messageOf } from '../components/errors';

interface Person {
  id: string;
  name: string;
  unitLeader: boolean;
}

interface PartRow {
  title: string;
  assigneeUserId: string;
  dueDate: Dayjs;
}

/**
 * 分解到人（倒排工期）：把本单位的任务分给本单位的人，每项子任务的时限不晚于本单位的办理时限。
 * The people come from the unit's own staff list; the API checks the rest (dates, people, state).
 */
export function SplitDialog<T>({ open, assignmentPath, unitId, dueDate, onClose, onSplit }: { open: boolean; assignmentPath: string; unitId: string; dueDate: string; onClose(): void; onSplit(view: T): void }) {
  const { message } = AntApp.useApp();
  const [people, setPeople] = useState<Person[]>([]);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ parts: PartRow[] }>();

  useEffect(() => {
    if (!open) return;
    api
      .get<{ items: Person[] }>(`/org/units/${encodeURIComponent(unitId)}/people`)
      .then((r) => setPeople(r.items))
      .catch((f) => void message.error(messageOf(f)));
  }, [open, unitId, message]);

  async function submit() {
    const values = await form.validateFields();
    setBusy(true);
    try {
      const view = await api.post<T>(`${assignmentPath}/split`, {
        parts: values.parts.map((p) => ({ title: p.title, assigneeUserId: p.assigneeUserId, dueDate: p.dueDate.format('YYYY-MM-DD') })),
      });
      void message.success('已分解到人');
      form.resetFields();
      onSplit(view);
    } catch (failure) {
      void message.error(messageOf(failure));
    } finally {
      setBusy(false);
    }
  }

  const today = dayjs().startOf('day');
  const last = dayjs(dueDate).endOf('day');
  return (
    <Modal open={open} title="分解到人" okText="提交" cancelText="取消" confirmLoading={busy} onOk={() => void submit()} onCancel={onClose} destroyOnHidden width={720}>
      <Typography.Paragraph type="secondary">倒排工期：每项子任务的完成时限不得晚于本单位办理时限 {dueDate}。全部子任务完成后，本单位方可报送办结。</Typography.Paragraph>
      <Form form={form} layout="vertical" initialValues={{ parts: [{}] }} preserve={false}>
        <Form.List name="parts">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, index) => (
                <Card
                  key={field.key}
                  size="small"
                  title={`子任务 ${index + 1}`}
                  style={{ marginBottom: 8 }}
                  extra={
                    fields.length > 1 && (
                      <Button size="small" onClick={() => remove(field.name)}>
                        删除
                      </Button>
                    )
                  }
                >
                  <Form.Item label={`子任务 ${index + 1} 内容`} name={[field.name, 'title']} rules={[{ required: true, message: '请填写子任务内容' }]}>
                    <Input maxLength={200} />
                  </Form.Item>
                  <Row gutter={12}>
                    <Col xs={24} sm={12}>
                      <Form.Item label={`子任务 ${index + 1} 责任人`} name={[field.name, 'assigneeUserId']} rules={[{ required: true, message: '请选择责任人' }]}>
                        <Select showSearch={{ optionFilterProp: 'label' }} options={people.map((p) => ({ value: p.id, label: p.unitLeader ? `${p.name}（单位负责人）` : p.name }))} notFoundContent="本单位暂无人员" />
                      </Form.Item>
                    </Col>
                    <Col xs={24} sm={12}>
                      <Form.Item label={`子任务 ${index + 1} 完成时限`} name={[field.name, 'dueDate']} rules={[{ required: true, message: '请选择完成时限' }]}>
                        <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isBefore(today) || d.isAfter(last)} />
                      </Form.Item>
                    </Col>
                  </Row>
                </Card>
              ))}
              <Button onClick={() => add({})}>增加子任务</Button>
            </>
          )}
        </Form.List>
      </Form>
    </Modal>
  );
}
