import { Alert, Button, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { passwordProblems } from '@duban/domain';
import { api, ApiFailure } from '../api/client';
import type { LoginResult } from '../api/types';
import { messageOf } from './errors';

/** The server's password rule (libs/domain), said once for the page and checked at the field before submit. */
export const PASSWORD_RULE = '新密码至少 8 位，包含大写字母、小写字母、数字、符号中的三类，且不含用户名。';

interface Props {
  username: string;
  /** The answer of a successful change: new tokens (every other session has ended). */
  onChanged(result: LoginResult): void;
  submitLabel?: string;
}

/** Current password, new password (the server's rule at the field) and its confirmation. */
export function PasswordChangeForm({ username, onChanged, submitLabel = '修改密码' }: Props) {
  const [form] = Form.useForm<{ currentPassword: string; newPassword: string; confirm: string }>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(values: { currentPassword: string; newPassword: string }) {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      onChanged(await api.post<LoginResult>('/auth/password', { currentPassword: values.currentPassword, newPassword: values.newPassword }));
      form.resetFields();
    } catch (failure) {
      // The server names the refused field (a wrong current password, a rule the new one breaks): say it there.
      const field = failure instanceof ApiFailure ? (failure.details as { fields?: { field: string }[] } | null)?.fields?.[0]?.field : undefined;
      if (field === 'currentPassword' || field === 'newPassword') form.setFields([{ name: field, errors: [messageOf(failure)] }]);
      else setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <Typography.Paragraph type="secondary">{PASSWORD_RULE}</Typography.Paragraph>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item label="当前密码" name="currentPassword" rules={[{ required: true, message: '请输入当前密码' }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item
          label="新密码"
          name="newPassword"
          validateFirst
          rules={[
            { required: true, message: '请输入新密码' },
            {
              validator: (_rule, value: string) => {
                const problems = passwordProblems(value ?? '', username);
                return problems.length === 0 ? Promise.resolve() : Promise.reject(new Error(problems.join('；')));
              },
            },
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          label="确认新密码"
          name="confirm"
          dependencies={['newPassword']}
          rules={[
            { required: true, message: '请再次输入新密码' },
            ({ getFieldValue }) => ({
              validator: (_rule, value) => (value === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error('两次输入的新密码不一致'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy}>
          {submitLabel}
        </Button>
      </Form>
    </>
  );
}
