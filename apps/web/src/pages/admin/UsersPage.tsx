import { App as AntApp, Button, Card, Input, Popconfirm, Select, Space, Table, Tag, TreeSelect, Typography } from 'antd';
import { ROLE_LABELS, ROLES, type Role } from '@duban/domain';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { adminApi, type Account, type AccountFilter } from '../../api/admin';
import { useSession } from '../../auth/session';
import { messageOf } from '../../components/errors';
import { PasswordOnce } from './PasswordOnce';
import { unitTree, useAdminUnits } from './unit-tree';
import { UserForm, type UserFormValues } from './UserForm';

const ROLE_OPTIONS = ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] }));

function statusTags(user: Account) {
  return (
    <Space size={4} wrap>
      {user.disabled ? <Tag color="default">已停用</Tag> : <Tag color="green">启用</Tag>}
      {user.lockedUntil && <Tag color="red">登录失败过多，暂时锁定</Tag>}
      {user.mustChangePassword && !user.disabled && <Tag color="orange">待首次改密</Tag>}
    </Space>
  );
}

/** 用户管理（系统管理员）：按姓名或登录名查找（服务端），新建、修改单位与角色、停用/启用、重置密码。 */
export function UsersPage() {
  const { message } = AntApp.useApp();
  const { user: me } = useSession();
  const { units, nameOf } = useAdminUnits();
  const tree = useMemo(() => unitTree(units), [units]);
  const [filter, setFilter] = useState<AccountFilter>({});
  const [rows, setRows] = useState<Account[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [form, setForm] = useState<{ editing: Account | null } | null>(null);
  const [password, setPassword] = useState<{ name: string; username: string; password: string; title: string } | null>(null);

  const load = useCallback(
    async (cursor: string | null) => {
      setLoading(true);
      try {
        const page = await adminApi.users({ ...filter, cursor });
        setRows((before) => (cursor ? [...before, ...page.items] : page.items));
        setNextCursor(page.nextCursor);
      } catch (failure) {
        void message.error(messageOf(failure));
      } finally {
        setLoading(false);
      }
    },
    [filter, message],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  const replaceRow = (changed: Account) => setRows((before) => before.map((row) => (row.id === changed.id ? changed : row)));

  async function act(work: () => Promise<Account>, done: string) {
    try {
      replaceRow(await work());
      void message.success(done);
    } catch (failure) {
      void message.error(messageOf(failure));
    }
  }

  async function reset(user: Account) {
    try {
      const answer = await adminApi.resetPassword(user.id);
      replaceRow(answer.user);
      setPassword({ name: user.name, username: user.username, password: answer.password, title: '密码已重置' });
    } catch (failure) {
      void message.error(messageOf(failure));
    }
  }

  async function save(values: UserFormValues) {
    const editing = form?.editing;
    if (editing) {
      replaceRow(await adminApi.updateUser(editing.id, { name: values.name.trim(), unitId: values.unitId, roles: values.roles }));
      void message.success(`已保存 ${values.name.trim()} 的信息`);
    } else {
      const created = await adminApi.createUser({ username: values.username, name: values.name.trim(), unitId: values.unitId, roles: values.roles });
      setRows((before) => [created.user, ...before.filter((row) => row.id !== created.user.id)]);
      setPassword({ name: created.user.name, username: created.user.username, password: created.password, title: '用户已创建' });
    }
    setForm(null);
  }

  return (
    <Card title="用户管理" extra={<Button type="primary" onClick={() => setForm({ editing: null })}>新建用户</Button>}>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          placeholder="姓名或登录名"
          aria-label="查找用户"
          style={{ width: 220 }}
          onSearch={(text) => setFilter((f) => ({ ...f, q: text.trim() || undefined }))}
        />
        <TreeSelect
          allowClear
          aria-label="按单位筛选"
          placeholder="全部单位"
          style={{ width: 220 }}
          treeData={tree}
          treeDefaultExpandAll
          showSearch
          treeNodeFilterProp="title"
          onChange={(unitId: string | undefined) => setFilter((f) => ({ ...f, unitId }))}
        />
        <Select<Role>
          allowClear
          aria-label="按角色筛选"
          placeholder="全部角色"
          style={{ width: 180 }}
          options={ROLE_OPTIONS}
          onChange={(role) => setFilter((f) => ({ ...f, role }))}
        />
      </Space>
      <Table<Account>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={rows}
        pagination={false}
        scroll={{ x: true }}
        locale={{ emptyText: '没有符合条件的用户' }}
        columns={[
          {
            title: '用户',
            key: 'user',
            render: (_v, u) => (
              <Space orientation="vertical" size={0}>
                <Typography.Text strong>{u.name}</Typography.Text>
                <Typography.Text type="secondary">
                  {u.username} · {nameOf(u.unitId)}
                </Typography.Text>
              </Space>
            ),
          },
          { title: '角色', key: 'roles', responsive: ['md'], render: (_v, u) => u.roleLabels.map((label) => <Tag key={label}>{label}</Tag>) },
          { title: '状态', key: 'status', render: (_v, u) => statusTags(u) },
          {
            title: '操作',
            key: 'actions',
            render: (_v, u) => {
              const self = u.id === me?.id;
              return (
                <Space size={0} wrap>
                  <Button type="link" size="small" onClick={() => setForm({ editing: u })}>
                    修改
                  </Button>
                  {!self && (
                    <Popconfirm title={`重置 ${u.name} 的密码？`} description="原密码立即失效，其登录会话结束。" okText="重置" cancelText="取消" onConfirm={() => reset(u)}>
                      <Button type="link" size="small">
                        重置密码
                      </Button>
                    </Popconfirm>
                  )}
                  {!self && !u.disabled && (
                    <Popconfirm
                      title={`停用 ${u.name}？`}
                      description="停用后不能登录，已登录的会话立即结束。"
                      okText="停用"
                      okButtonProps={{ danger: true }}
                      cancelText="取消"
                      onConfirm={() => act(() => adminApi.disable(u.id), `已停用 ${u.name}`)}
                    >
                      <Button type="link" size="small" danger>
                        停用
                      </Button>
                    </Popconfirm>
                  )}
                  {u.disabled && (
                    <Button type="link" size="small" onClick={() => void act(() => adminApi.enable(u.id), `已启用 ${u.name}`)}>
                      启用
                    </Button>
                  )}
                </Space>
              );
            },
          },
        ]}
      />
      {nextCursor && (
        <Button style={{ marginTop: 12 }} loading={loading} onClick={() => void load(nextCursor)}>
          加载更多
        </Button>
      )}
      <UserForm open={form !== null} editing={form?.editing ?? null} self={form?.editing?.id === me?.id} tree={tree} onSubmit={save} onClose={() => setForm(null)} />
      <PasswordOnce shown={password} onClose={() => setPassword(null)} />
    </Card>
  );
}
