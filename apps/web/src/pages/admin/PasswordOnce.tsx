import { Alert, Modal, Typography } from 'antd';

/** A password the server generated, shown once: the sysadmin copies it and hands it over; it must be changed at first login. */
export function PasswordOnce({ shown, onClose }: { shown: { name: string; username: string; password: string; title: string } | null; onClose(): void }) {
  return (
    <Modal open={shown !== null} title={shown?.title} onCancel={onClose} onOk={onClose} okText="我已记下" cancelButtonProps={{ style: { display: 'none' } }} destroyOnHidden>
      {shown && (
        <>
          <Alert type="warning" showIcon title="初始密码只显示这一次，关闭后无法再查看。请复制后交给本人，首次登录须修改。" style={{ marginBottom: 12 }} />
          <Typography.Paragraph>
            {shown.name}（登录名 {shown.username}）的密码：
          </Typography.Paragraph>
          <Typography.Paragraph copyable={{ text: shown.password, tooltips: ['复制', '已复制'] }} code data-testid="generated-password" style={{ fontSize: 16 }}>
            {shown.password}
          </Typography.Paragraph>
        </>
      )}
    </Modal>
  );
}
