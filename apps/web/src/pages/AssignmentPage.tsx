import { Alert, App as AntApp, Button, Card, Col, Descriptions, Form, Input, InputNumber, Modal, Result, Row, Space, Spin, Tag, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { ASSIGNMENT_STATUS_LABELS, URGE_MESSAGE_MAX_LENGTH, type AssignmentAction, type AssignmentStatus } from '@duban/domain';
import { api } from '../api/client';
import { hasRole, useSession } from '../auth/session';
import type { NoticeRow } from '../api/types';
import { LightTag } from '../components/LightTag';
import { Rows } from '../components/Rows';
import { messageOf } from '../components/errors';
import { useUnits } from '../components/useUnits';
import { SplitDialog } from './SplitDialog';
import type { AssignmentRow } from './TaskListsPage';

interface Part {
  id: string;
  title: string;
  assigneeUserId: string;
  assigneeName: string;
  dueDate: string;
  done: { summary: string; at?: string } | null;
}

interface AssignmentView extends AssignmentRow {
  content: string;
  coUnitIds: string[];
  parts: Part[];
  quantity: { metric: string; unit: string; target: number; current: number | null } | null;
  notices: (NoticeRow & { reason: string })[];
  timeline: { seq: number; at: string; actionLabel: string; actor: { name: string; unitId: string } | null; fromStatus: AssignmentStatus | null; toStatus: AssignmentStatus; note?: string }[];
  urgeCount: number;
  allowedActions: AssignmentAction[];
}

interface StepForm {
  label: string;
  path: string;
  field?: { name: string; label: string; required: boolean; maxLength?: number };
  danger?: boolean;
  /** Offered beside the expected next step, not as it: a plain button. */
  secondary?: boolean;
}

/** The steps with a one-field form; split (分解到人) has its own dialog (SplitDialog). */
const STEPS: Partial<Record<AssignmentAction, StepForm>> = {
  sign: { label: '签收', path: 'sign' },
  submit: { label: '报送办结', path: 'submit', field: { name: 'summary', label: '完成情况', required: true } },
  countersign: { label: '审签', path: 'countersign', field: { name: 'note', label: '审签意见', required: false } },
  returnSubmission: { label: '退回重新办理', path: 'return', field: { name: 'reason', label: '退回理由', required: true }, danger: true },
  signOff: { label: '验收办结', path: 'sign-off', field: { name: 'note', label: '验收意见', required: false } },
  urge: { label: '催办', path: 'urge', field: { name: 'message', label: '催办内容', required: true, maxLength: URGE_MESSAGE_MAX_LENGTH }, secondary: true },
};

/** 重点任务详情：清单、时限、亮灯、子任务、督办单、办理轨迹，以及此刻可办理的操作（由接口给出）。 */
export function AssignmentPage() {
  const { id = '' } = useParams();
  const { nameOf } = useUnits();
  const { message } = AntApp.useApp();
  const { user } = useSession();
  const [splitting, setSplitting] = useState(false);
  const [item, setItem] = useState<AssignmentView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [step, setStep] = useState<{ action: string; form: StepForm } | null>(null);
  const [form] = Form.useForm<Record<string, string | number>>();
  const path = `/assignments/${encodeURIComponent(id)}`;

  const load = useCallback(() => {
    api
      .get<AssignmentView>(path)
      .then(setItem)
      .catch((f) => setError(messageOf(f)));
  }, [path]);
  useEffect(load, [load]);

  async function submit() {
    if (!step) return;
    // A field that fails validation shows its message at the field; nothing is sent.
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    const body = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== ''));
    try {
      setItem(await api.post<AssignmentView>(`${path}/${step.form.path}`, body));
      void message.success(`${step.form.label}：已办理`);
      setStep(null);
      form.resetFields();
    } catch (failure) {
      void message.error(messageOf(failure));
    }
  }

  if (error && !item) return <Result status="404" title="无法查看该任务" subTitle={error} />;
  if (!item) return <Spin />;
  const can = (action: AssignmentAction) => item.allowedActions.includes(action);
  // The API offers completePart when the user may complete some part; each part's button follows the same rule.
  const mayComplete = (p: Part) => can('completePart') && (p.assigneeUserId === user?.id || (hasRole(user, 'unit_leader') && user?.unitId === item.leadUnitId));
  const today = dayjs().format('YYYY-MM-DD');
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Card
        title={
          <Space wrap>
            <LightTag light={item.light} label={item.lightLabel} />
            <span data-testid="item-title">{item.title}</span>
          </Space>
        }
        extra={<Tag data-testid="item-status">{item.statusLabel}</Tag>}
      >
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }}>
          <Descriptions.Item label="清单">{item.listTitle}</Descriptions.Item>
          <Descriptions.Item label="责任单位">{nameOf(item.leadUnitId)}</Descriptions.Item>
          <Descriptions.Item label="办理时限">{item.dueDate}</Descriptions.Item>
          {item.coUnitIds.length > 0 && <Descriptions.Item label="配合单位">{item.coUnitIds.map(nameOf).join('、')}</Descriptions.Item>}
          <Descriptions.Item label="催办次数">
            <span data-testid="urge-count">{item.urgeCount} 次</span>
          </Descriptions.Item>
        </Descriptions>
        {item.content && <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{item.content}</Typography.Paragraph>}
        {item.quantity && (
          <Alert
            type="info"
            style={{ marginBottom: 8 }}
            title={`${item.quantity.metric}：当前 ${item.quantity.current ?? '未报送'}${item.quantity.unit}，目标 ${item.quantity.target}${item.quantity.unit}`}
          />
        )}
        <Space wrap data-testid="actions">
          {item.allowedActions.length === 0 && <Typography.Text type="secondary">当前没有需要您办理的操作</Typography.Text>}
          {item.allowedActions.map((action) => {
            const spec = STEPS[action];
            if (!spec) return null;
            return (
              <Button key={action} type={spec.danger || spec.secondary ? 'default' : 'primary'} danger={spec.danger ?? false} onClick={() => setStep({ action, form: spec })}>
                {spec.label}
              </Button>
            );
          })}
          {can('split') && <Button onClick={() => setSplitting(true)}>{item.parts.length > 0 ? '重新分解到人' : '分解到人'}</Button>}
          {can('reportValue') && <Button onClick={() => setStep({ action: 'reportValue', form: { label: '报送完成进度', path: 'value' } })}>报送完成进度</Button>}
        </Space>
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card title="办理痕迹" size="small">
            <Timeline
              data-testid="timeline"
              items={item.timeline.map((entry) => ({
                key: entry.seq,
                content: (
                  <div>
                    <Typography.Text strong>{entry.actionLabel}</Typography.Text>
                    <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                      {dayjs(entry.at).format('YYYY-MM-DD HH:mm')}
                    </Typography.Text>
                    <div>
                      {entry.actor ? `${entry.actor.name}（${nameOf(entry.actor.unitId)}）` : '系统'}
                      {entry.fromStatus !== entry.toStatus && ` · 状态：${ASSIGNMENT_STATUS_LABELS[entry.toStatus]}`}
                    </div>
                    {entry.note && <div style={{ whiteSpace: 'pre-wrap' }}>{entry.note}</div>}
                  </div>
                ),
              }))}
            />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Space orientation="vertical" style={{ width: '100%' }} size="middle">
            <Card title="子任务（分解到人）" size="small" extra={item.parts.length > 0 && `已完成 ${item.parts.filter((p) => p.done).length}/${item.parts.length}`}>
              <Rows
                items={item.parts}
                rowKey={(p) => p.id}
                empty="未分解"
                render={(p) => (
                  <Space orientation="vertical" size={0} style={{ width: '100%' }} data-testid={`part-${p.id}`}>
                    <Space wrap>
                      <Typography.Text strong>{p.title}</Typography.Text>
                      {p.done ? <Tag color="green">已完成</Tag> : p.dueDate < today ? <Tag color="red">已超期</Tag> : <Tag color="blue">待完成</Tag>}
                    </Space>
                    <Typography.Text type="secondary">
                      {p.assigneeName} · 时限 {p.dueDate}
                    </Typography.Text>
                    {p.done ? (
                      <Typography.Text>已完成：{p.done.summary}</Typography.Text>
                    ) : (
                      mayComplete(p) && (
                        <Button size="small" onClick={() => setStep({ action: 'completePart', form: { label: '完成子任务', path: `parts/${p.id}/complete`, field: { name: 'summary', label: '完成情况', required: true } } })}>
                          完成子任务
                        </Button>
                      )
                    )}
                  </Space>
                )}
              />
            </Card>
            <Card title="督办单" size="small">
              <Rows
                items={item.notices}
                rowKey={(n) => `${n.colour}${n.issuedAt}`}
                empty="暂无督办单"
                render={(n) => (
                  <Space orientation="vertical" size={0}>
                    <Tag color={n.colour === 'yellow' ? 'gold' : n.colour}>{n.number ?? n.label}</Tag>
                    <Typography.Text>{n.reason}</Typography.Text>
                  </Space>
                )}
              />
            </Card>
          </Space>
        </Col>
      </Row>
      <SplitDialog<AssignmentView>
        open={splitting}
        assignmentPath={path}
        unitId={item.leadUnitId}
        dueDate={item.dueDate}
        onClose={() => setSplitting(false)}
        onSplit={(view) => {
          setItem(view);
          setSplitting(false);
        }}
      />
      <Modal open={!!step} title={step?.form.label} okText="提交" cancelText="取消" onOk={() => void submit()} onCancel={() => setStep(null)} destroyOnHidden>
        {step && !step.form.field && step.action !== 'reportValue' && <p>确认{step.form.label}「{item.title}」？</p>}
        <Form form={form} layout="vertical">
          {step?.form.field && (
            <Form.Item name={step.form.field.name} label={step.form.field.label} rules={step.form.field.required ? [{ required: true, whitespace: true, message: `请填写${step.form.field.label}` }] : []}>
              <Input.TextArea autoSize={{ minRows: 3 }} maxLength={step.form.field.maxLength ?? 5000} showCount={step.form.field.maxLength !== undefined} />
            </Form.Item>
          )}
          {step?.action === 'reportValue' && (
            <>
              <Form.Item name="value" label={`当前完成值${item.quantity ? `（${item.quantity.unit}）` : ''}`} rules={[{ required: true, message: '请填写当前完成值' }]}>
                <InputNumber style={{ width: '100%' }} />
              </Form.Item>
              <Form.Item name="note" label="说明">
                <Input.TextArea autoSize={{ minRows: 2 }} />
              </Form.Item>
            </>
          )}
        </Form>
      </Modal>
    </Space>
  );
}
