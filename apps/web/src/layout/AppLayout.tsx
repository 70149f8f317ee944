import { Button, Drawer, Dropdown, Grid, Layout, Menu, Space, Typography, type MenuProps } from 'antd';
import { useState, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { hasRole, useSession } from '../auth/session';
import type { User } from '../api/types';
import { NotificationBell } from './NotificationBell';

type MenuItem = Required<MenuProps>['items'][number];

/** The menu a user sees follows their roles; the API decides what they may actually do. */
function menuFor(user: User): MenuItem[] {
  const business = hasRole(user, 'office', 'leader', 'unit', 'unit_leader');
  const office = hasRole(user, 'office');
  const officeOrLeader = hasRole(user, 'office', 'leader');
  const inspector = hasRole(user, 'inspector', 'office');
  const items: MenuItem[] = [];
  if (business) items.push({ key: '/inbox', label: '工作台' });
  if (office) items.push({ key: '/items/new', label: '登记交办' }, { key: '/imports', label: '批量导入' });
  if (business) items.push({ key: '/task-lists', label: '月度重点任务清单' }, { key: '/campaigns', label: '专项行动' });
  if (officeOrLeader) items.push({ key: '/escalations', label: '升级督办' });
  if (business) items.push({ key: '/dashboard', label: '统计看板' }, { key: '/exports', label: '台账导出' });
  if (inspector) items.push({ key: '/inspections', label: '暗访督导' }, { key: '/lookbacks', label: '回头看' });
  if (hasRole(user, 'sysadmin')) items.push({ key: '/users', label: '用户管理' }, { key: '/units', label: '单位管理' });
  const settings = settingsLabel(user);
  if (settings) items.push({ key: '/settings', label: settings });
  if (hasRole(user, 'auditor')) items.push({ key: '/audit', label: '审计日志' });
  return items;
}

/** The settings page holds the working-day calendar (office, sysadmin) and push channels (office; a unit leader for their unit). */
function settingsLabel(user: User): string | undefined {
  if (hasRole(user, 'office')) return '工作日与推送';
  if (hasRole(user, 'sysadmin')) return '工作日调整';
  if (hasRole(user, 'unit_leader')) return '消息推送';
  return undefined;
}

export function AppLayout({ children }: { children: ReactNode }) {
  const { user, logout } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const [drawerOpen, setDrawerOpen] = useState(false);
  if (!user) return null;
  const narrow = !screens.md;
  const section = location.pathname.split('/')[1] ?? '';
  const selected = `/${section === 'assignments' ? 'task-lists' : section === 'items' ? 'inbox' : section}`;
  const menu = (
    <Menu
      mode="inline"
      selectedKeys={[location.pathname === '/items/new' ? '/items/new' : selected]}
      items={menuFor(user)}
      onClick={({ key }) => {
        setDrawerOpen(false);
        void navigate(key);
      }}
    />
  );
  return (
    <Layout style={{ minHeight: '100vh' }}>
      {!narrow && (
        <Layout.Sider theme="light" width={200}>
          <Typography.Title level={5} style={{ padding: '16px 24px', margin: 0, color: '#b71c1c' }}>
            督办工作台
          </Typography.Title>
          {menu}
        </Layout.Sider>
      )}
      <Layout>
        <Layout.Header style={{ background: '#fff', padding: '0 16px', display: 'flex', alignItems: 'center', justifyContent: 'space-between' }}>
          <Space>
            {narrow && (
              <Button aria-label="菜单" onClick={() => setDrawerOpen(true)}>
                菜单
              </Button>
            )}
            <Typography.Text strong>{narrow ? '督办' : '整改督办工作台'}</Typography.Text>
          </Space>
          <Space size={narrow ? 0 : 'small'}>
            <NotificationBell />
            <Dropdown trigger={['click']} menu={{ items: [{ key: '/account', label: '账户与安全' }], onClick: ({ key }) => void navigate(key) }}>
              <Button type="text" data-testid="current-user" aria-label={`${user.name}，账户与安全`} style={{ paddingInline: narrow ? 4 : undefined }}>
                {user.name}
              </Button>
            </Dropdown>
            <Button type="link" onClick={() => void logout()}>
              退出
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content className="page-content">{children}</Layout.Content>
      </Layout>
      <Drawer open={drawerOpen} onClose={() => setDrawerOpen(false)} placement="left" size={220} title="督办工作台">
        {menu}
      </Drawer>
    </Layout>
  );
}
