import { Alert, Form, Input, Modal, Select, TreeSelect } from 'antd';
import { UNIT_KIND_LABELS, UNIT_KINDS } from '@duban/domain';
import { useEffect, useState } from 'react';
import { messageOf } from '../../components/errors';
import type { AdminUnit, UnitNode } from './unit-tree';

const KIND_OPTIONS = UNIT_KINDS.map((kind) => ({ value: kind, label: UNIT_KIND_LABELS[kind] }));
/** What is usually made below a unit of each kind: a township's sub-units are villages. */
const CHILD_KIND: Partial<Record<string, string>> = { township: 'village' };

export type UnitFormState = { mode: 'create'; parent: AdminUnit | null } | { mode: 'rename'; unit: AdminUnit };

interface Props {
  state: UnitFormState | null;
  tree: UnitNode[];
  onCreate(values: { id: string; name: string; kind: string; parentId: string | null }): Promise<void>;
  onRename(unit: AdminUnit, name: string): Promise<void>;
  onClose(): void;
}

/** 新增单位 (under a parent) or 改名: the unit code is fixed once created, so it is only asked for here. */
export function UnitForm({ state, tree, onCreate, onRename, onClose }: Props) {
  const [form] = Form.useForm<{ id: string; name: string; kind: string; parentId?: string }>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!state) return;
    setError(null);
    form.resetFields();
    if (state.mode === 'rename') form.setFieldsValue({ name: state.unit.name });
    else form.setFieldsValue({ parentId: state.parent?.id, kind: state.parent ? CHILD_KIND[state.parent.kind] : 'county' });
  }, [state, form]);

  async function submit(values: { id: string; name: string; kind: string; parentId?: string }) {
    if (!state) return;
    setBusy(true);
    setError(null);
    try {
      if (state.mode === 'rename') await onRename(state.unit, values.name.trim());
      else await onCreate({ id: values.id, name: values.name.trim(), kind: values.kind, parentId: values.parentId ?? null });
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  }

  const creating = state?.mode === 'create';
  return (
    <Modal
      open={state !== null}
      title={state?.mode === 'rename' ? `修改单位名称：${state.unit.name}` : state?.parent ? `在「${state.parent.name}」下新增单位` : '新增顶级单位'}
      okText={creating ? '创建' : '保存'}
      onOk={() => form.submit()}
      confirmLoading={busy}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" name="unitForm" onFinish={(v) => void submit(v)}>
        {creating && (
          <Form.Item label="上级单位" name="parentId">
            <TreeSelect treeData={tree} treeDefaultExpandAll allowClear showSearch treeNodeFilterProp="title" placeholder="不选为顶级单位" />
          </Form.Item>
        )}
        <Form.Item label="单位名称" name="name" rules={[{ required: true, whitespace: true, message: '请填写单位名称' }, { max: 100, message: '单位名称不超过 100 字' }]}>
          <Input maxLength={100} />
        </Form.Item>
        {creating && (
          <>
            <Form.Item
              label="单位代码"
              name="id"
              extra="小写字母、数字、-、_，创建后不能修改，如 ehu-v3"
              rules={[
                { required: true, message: '请填写单位代码' },
                { pattern: /^[a-z0-9][a-z0-9_-]{0,63}$/, message: '单位代码须为小写字母、数字、-、_（以字母或数字开头，最多 64 位）' },
              ]}
            >
              <Input autoComplete="off" />
            </Form.Item>
            <Form.Item label="单位类别" name="kind" rules={[{ required: true, message: '请选择单位类别' }]}>
              <Select options={KIND_OPTIONS} placeholder="选择类别" />
            </Form.Item>
          </>
        )}
        {error && <Alert type="error" showIcon title={error} />}
      </Form>
    </Modal>
  );
}
