import { Alert, Button, Card, Form, Input, QRCode, Space, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../api/client';
import type { LoginResult } from '../api/types';
import { useSession } from '../auth/session';

/** 首次登录须修改初始密码；须使用双因素认证的角色还要绑定动态验证码。其余页面在此之前不可用。 */
export function RestrictionsPage() {
  const { restrictions } = useSession();
  return (
    <div className="centered-page">
      <Card className="login-card">{restrictions.includes('password_change') ? <ChangePassword /> : <EnrollTotp />}</Card>
    </div>
  );
}

function ChangePassword() {
  const { signedIn } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(values: { currentPassword: string; newPassword: string }) {
    setBusy(true);
    setError(null);
    try {
      signedIn(await api.post<LoginResult>('/auth/password', { currentPassword: values.currentPassword, newPassword: values.newPassword }));
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : '修改失败');
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <Typography.Title level={4}>首次登录，请修改初始密码</Typography.Title>
      <Typography.Paragraph type="secondary">新密码至少 8 位，包含大写字母、小写字母、数字、符号中的三类，且不含用户名。</Typography.Paragraph>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      <Form layout="vertical" onFinish={submit}>
        <Form.Item label="当前密码" name="currentPassword" rules={[{ required: true, message: '请输入当前密码' }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item label="新密码" name="newPassword" rules={[{ required: true, min: 8, message: '新密码至少 8 位' }]}>
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
          修改密码
        </Button>
      </Form>
    </>
  );
}

function EnrollTotp() {
  const { reload, logout } = useSession();
  const [setup, setSetup] = useState<{ secret: string; otpauthUri: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function start() {
    setError(null);
    try {
      setSetup(await api.post<{ secret: string; otpauthUri: string }>('/auth/totp/setup'));
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : '操作失败');
    }
  }
  async function enable(values: { code: string }) {
    setError(null);
    try {
      await api.post('/auth/totp/enable', values);
      await reload();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : '验证码错误');
    }
  }
  return (
    <>
      <Typography.Title level={4}>请绑定动态验证码</Typography.Title>
      <Typography.Paragraph type="secondary">您的角色须使用双因素认证：用手机验证器扫描二维码，再输入显示的六位验证码。</Typography.Paragraph>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      {setup ? (
        <Space orientation="vertical" align="center" style={{ width: '100%' }}>
          <QRCode value={setup.otpauthUri} />
          <Typography.Text copyable>{setup.secret}</Typography.Text>
          <Form layout="inline" onFinish={enable}>
            <Form.Item name="code" rules={[{ required: true, pattern: /^\d{6}$/, message: '六位数字' }]}>
              <Input placeholder="六位验证码" inputMode="numeric" maxLength={6} />
            </Form.Item>
            <Button type="primary" htmlType="submit">
              启用
            </Button>
          </Form>
        </Space>
      ) : (
        <Button type="primary" block onClick={start}>
          生成密钥
        </Button>
      )}
      <Button type="link" block onClick={() => void logout()}>
        退出登录
      </Button>
    </>
  );
}
