import { Button, Card, Typography } from 'antd';
import { useSession } from '../auth/session';
import { PasswordChangeForm } from '../components/PasswordChangeForm';
import { TotpEnrollment } from '../components/TotpEnrollment';

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
  const { user, signedIn } = useSession();
  return (
    <>
      <Typography.Title level={4}>首次登录，请修改初始密码</Typography.Title>
      <PasswordChangeForm username={user?.username ?? ''} onChanged={signedIn} />
    </>
  );
}

function EnrollTotp() {
  const { reload, logout } = useSession();
  return (
    <>
      <Typography.Title level={4}>请绑定动态验证码</Typography.Title>
      <Typography.Paragraph type="secondary">您的角色须使用双因素认证：用手机验证器扫描二维码，再输入显示的六位验证码。</Typography.Paragraph>
      <TotpEnrollment onEnabled={reload} />
      <Button type="link" block onClick={() => void logout()}>
        退出登录
      </Button>
    </>
  );
}
