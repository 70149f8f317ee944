import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { api, ApiFailure } from '../api/client';
import type { LoginResult } from '../api/types';
import { useSession } from '../auth/session';

interface Credentials {
  username: string;
  password: string;
  totp?: string;
}

/** 登录：用户名、密码；已绑定动态验证码的账号再输入六位验证码。 */
export function LoginPage() {
  const { signedIn } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [needTotp, setNeedTotp] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(values: Credentials) {
    setBusy(true);
    setError(null);
    try {
      signedIn(await api.post<LoginResult>('/auth/login', values));
    } catch (failure) {
      if (failure instanceof ApiFailure && failure.code === 'totp_required') setNeedTotp(true);
      setError(failure instanceof Error ? failure.message : '登录失败');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="centered-page">
      <Card className="login-card">
        <Typography.Title level={3} style={{ textAlign: 'center' }}>
          督办 · 整改督办工作台
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
          巩固拓展脱贫攻坚成果 整改问题督办
        </Typography.Paragraph>
        {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item label="用户名" name="username" rules={[{ required: true, message: '请输入用户名' }]}>
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item label="密码" name="password" rules={[{ required: true, message: '请输入密码' }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          {needTotp && (
            <Form.Item label="动态验证码" name="totp" rules={[{ required: true, pattern: /^\d{6}$/, message: '请输入手机上的六位动态验证码' }]}>
              <Input inputMode="numeric" maxLength={6} autoComplete="one-time-code" />
            </Form.Item>
          )}
          <Button type="primary" htmlType="submit" block loading={busy}>
            登录
          </Button>
        </Form>
      </Card>
    </div>
  );
}
