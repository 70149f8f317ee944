import { Alert, Button, Form, Input, QRCode, Space, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../api/client';
import { messageOf } from './errors';

/** Binds an authenticator app: a new secret shown as a QR code, then a current six-digit code enables it. */
export function TotpEnrollment({ onEnabled, optional = false }: { onEnabled(): Promise<void> | void; /** Not the expected next step: no primary button to start. */ optional?: boolean }) {
  const [setup, setSetup] = useState<{ secret: string; otpauthUri: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function start() {
    setError(null);
    setBusy(true);
    try {
      setSetup(await api.post<{ secret: string; otpauthUri: string }>('/auth/totp/setup'));
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  }
  async function enable(values: { code: string }) {
    if (busy) return;
    setError(null);
    setBusy(true);
    try {
      await api.post('/auth/totp/enable', values);
      await onEnabled();
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      {setup ? (
        <Space orientation="vertical" align="center" style={{ width: '100%' }}>
          <QRCode value={setup.otpauthUri} />
          <Typography.Text copyable data-testid="totp-secret">
            {setup.secret}
          </Typography.Text>
          <Form layout="inline" onFinish={enable}>
            <Form.Item name="code" rules={[{ required: true, pattern: /^\d{6}$/, message: '请输入六位数字验证码' }]}>
              <Input aria-label="六位验证码" placeholder="六位验证码" inputMode="numeric" autoComplete="one-time-code" maxLength={6} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy}>
              启用
            </Button>
          </Form>
        </Space>
      ) : (
        <Button type={optional ? 'default' : 'primary'} block onClick={() => void start()} loading={busy}>
          生成密钥
        </Button>
      )}
    </>
  );
}
