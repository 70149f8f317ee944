import { App as AntApp, Card, Descriptions, Space, Tag, Typography } from 'antd';
import { ROLE_LABELS } from '@duban/domain';
import { useSession } from '../auth/session';
import { PasswordChangeForm } from '../components/PasswordChangeForm';
import { TotpEnrollment } from '../components/TotpEnrollment';

/** 账户与安全: one's own password and second factor, for every role. */
export function AccountPage() {
  const { user, signedIn, reload } = useSession();
  const { message } = AntApp.useApp();
  if (!user) return null;
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%', maxWidth: 560 }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        账户与安全
      </Typography.Title>
      <Card title="账户">
        <Descriptions column={1} size="small">
          <Descriptions.Item label="姓名">{user.name}</Descriptions.Item>
          <Descriptions.Item label="登录名">{user.username}</Descriptions.Item>
          <Descriptions.Item label="角色">{user.roles.map((role) => ROLE_LABELS[role]).join('、')}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title="修改密码">
        <PasswordChangeForm
          username={user.username}
          onChanged={(result) => {
            signedIn(result);
            void message.success('密码已修改，其他设备上的登录已全部退出');
          }}
        />
      </Card>
      <Card title="动态验证码（双因素认证）" data-testid="totp-card">
        {user.totpEnabled ? (
          <Space>
            <Tag color="green">已启用</Tag>
            <Typography.Text type="secondary">登录时须输入手机验证器上的六位验证码。</Typography.Text>
          </Space>
        ) : (
          <>
            <Typography.Paragraph type="secondary">启用后，登录时除密码外还须输入手机验证器上的六位验证码。用验证器扫描二维码，再输入显示的验证码。</Typography.Paragraph>
            <TotpEnrollment
              optional
              onEnabled={async () => {
                await reload();
                void message.success('动态验证码已启用');
              }}
            />
          </>
        )}
      </Card>
    </Space>
  );
}
