import { URGE_MESSAGE_MAX_LENGTH } from '@duban/domain';
import type { RectificationAction } from '../api/types';

export type FieldKind = 'text' | 'date' | 'evidence' | 'approve' | 'escalation' | 'item';

export interface ActionField {
  name: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  maxLength?: number;
}

export interface ActionForm {
  label: string;
  path: string;
  /** Steps without fields are confirmed, not filled in. */
  fields: ActionField[];
  danger?: boolean;
  /** Offered beside the expected next step, not as it: a plain button. */
  secondary?: boolean;
}

const text = (name: string, label: string, required = true): ActionField => ({ name, label, kind: 'text', required });
const date = (name: string, label: string, required = true): ActionField => ({ name, label, kind: 'date', required });
const evidence: ActionField = { name: 'attachmentIds', label: '佐证材料', kind: 'evidence', required: false };

/** Each step the API may allow on an item: its button, the route it posts to and the fields it asks for. */
export const ACTION_FORMS: Record<RectificationAction, ActionForm> = {
  sign: { label: '签收', path: 'sign', fields: [] },
  submitPlan: {
    label: '报送整改方案',
    path: 'plan',
    fields: [text('measures', '整改措施'), date('targetDate', '整改完成时限'), text('responsiblePerson', '整改责任人'), evidence],
  },
  approvePlan: { label: '审核通过方案', path: 'plan/approve', fields: [text('note', '审核意见', false)] },
  returnPlan: { label: '退回方案', path: 'plan/return', fields: [text('reason', '退回理由')], danger: true },
  reportProgress: { label: '报送整改进展', path: 'progress', fields: [text('summary', '整改进展情况'), evidence] },
  reportPart: { label: '报送承担部分', path: 'parts', fields: [text('summary', '承担部分完成情况'), evidence] },
  submitCompletion: { label: '报结（整改完成）', path: 'completion', fields: [text('summary', '整改完成情况'), evidence] },
  verify: { label: '初验通过', path: 'verify', fields: [text('note', '初验意见', false)] },
  returnCompletion: { label: '退回重新整改', path: 'return', fields: [text('reason', '退回理由')], danger: true },
  signOff: { label: '验收销号', path: 'sign-off', fields: [text('note', '验收意见', false)] },
  requestExtension: { label: '申请延期', path: 'extension', fields: [text('reason', '延期理由'), date('newDueDate', '申请延期至')] },
  decideExtension: { label: '审批延期', path: 'extension/decision', fields: [{ name: 'approve', label: '审批结果', kind: 'approve', required: true }, text('note', '审批意见', false)] },
  defer: { label: '暂缓整改备案', path: 'deferral', fields: [text('reason', '暂缓原因'), date('reviewDate', '复核日期')] },
  resume: { label: '恢复整改', path: 'resume', fields: [date('newDueDate', '新的整改时限', false), text('note', '说明', false)] },
  merge: { label: '合并到其他问题', path: 'merge', fields: [{ name: 'intoItemId', label: '合并到的问题编号', kind: 'item', required: true }, text('note', '说明', false)], danger: true },
  reopen: { label: '重新打开', path: 'reopen', fields: [text('reason', '重新打开原因'), date('newDueDate', '新的整改时限')], danger: true },
  handleEscalation: {
    label: '处理升级督办',
    path: 'escalation',
    fields: [{ name: 'action', label: '处理方式', kind: 'escalation', required: true }, text('note', '处理意见'), date('newDueDate', '新的整改时限（延期时填写）', false)],
  },
  urge: { label: '催办', path: 'urge', fields: [{ ...text('message', '催办内容'), maxLength: URGE_MESSAGE_MAX_LENGTH }], secondary: true },
};
