import { Alert, Form, Input, Modal, TreeSelect } from 'antd';
import { roleCombinationProblem, type Role } from '@duban/domain';
import { useEffect, useState } from 'react';
import type { Account } from '../../api/admin';
import { messageOf } from '../../components/errors';
import { RolePicker } from './RolePicker';
import { type UnitNode } from './unit-tree';

export interface UserFormValues {
  name: string;
  username: string;
  unitId: string;
  roles: Role[];
}

interface Props {
  open: boolean;
  /** The user being changed; absent when a new one is created. */
  editing: Account | null;
  /** The signed-in sysadmin edits their own record: their role stays. */
  self: boolean;
  tree: UnitNode[];
  onSubmit(values: UserFormValues): Promise<void>;
  onClose(): void;
}

const rolesRule = {
  validator: (_rule: unknown, roles: Role[] | undefined) => {
    if (!roles || roles.length === 0) return Promise.reject(new Error('请至少选择一个角色'));
    const problem = roleCombinationProblem(roles);
    return problem ? Promise.reject(new Error(problem)) : Promise.resolve();
  },
};

/** 新建用户 / 修改用户（姓名、所属单位、角色）: the API's rules checked at the field before the request goes. */
export function UserForm({ open, editing, self, tree, onSubmit, onClose }: Props) {
  const [form] = Form.useForm<UserFormValues>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!open) return;
    setError(null);
    form.resetFields();
    if (editing) form.setFieldsValue({ name: editing.name, username: editing.username, unitId: editing.unitId, roles: editing.roles });
  }, [open, editing, form]);

  async function submit(values: UserFormValues) {
    setBusy(true);
    setError(null);
    try {
      await onSubmit(values);
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={open}
      title={editing ? `修改用户：${editing.name}` : '新建用户'}
      okText={editing ? '保存' : '创建'}
      onOk={() => form.submit()}
      confirmLoading={busy}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" name="userForm" onFinish={(v) => void submit(v)}>
        <Form.Item label="姓名" name="name" rules={[{ required: true, whitespace: true, message: '请填写姓名' }, { max: 100, message: '姓名不超过 100 字' }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item
          label="登录名"
          name="username"
          extra={editing ? '登录名创建后不能修改' : '字母、数字、.、-、_，最多 64 位'}
          rules={[
            { required: true, message: '请填写登录名' },
            { pattern: /^[A-Za-z0-9._-]{1,64}$/, message: '登录名须为 1–64 位字母、数字、.、-、_' },
          ]}
        >
          <Input disabled={editing !== null} autoComplete="off" />
        </Form.Item>
        <Form.Item label="所属单位" name="unitId" rules={[{ required: true, message: '请选择所属单位' }]}>
          <TreeSelect treeData={tree} treeDefaultExpandAll showSearch treeNodeFilterProp="title" placeholder="选择单位" />
        </Form.Item>
        <Form.Item
          label="角色"
          name="roles"
          extra={self ? '不能移除自己的系统管理员角色' : '系统管理员、审计管理员不能兼任其他角色（三员分立）'}
          rules={[rolesRule]}
        >
          <RolePicker locked={self} />
        </Form.Item>
        {editing && <Alert type="info" showIcon title="所属单位或角色变更后，该用户须重新登录。" />}
        {error && <Alert type="error" showIcon title={error} style={{ marginTop: 12 }} />}
      </Form>
    </Modal>
  );
}
