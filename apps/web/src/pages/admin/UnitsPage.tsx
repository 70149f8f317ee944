import { App as AntApp, Button, Card, Space, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { adminApi } from '../../api/admin';
import { OrgImport } from './OrgImport';
import { unitTree, useAdminUnits, type AdminUnit, type UnitNode } from './unit-tree';
import { UnitForm, type UnitFormState } from './UnitForm';

/** 单位管理（系统管理员）：单位树（县 → 部门、乡镇 → 村），新增下级单位、改名，导入组织架构文件。 */
export function UnitsPage() {
  const { message } = AntApp.useApp();
  const { units, loading, reload } = useAdminUnits();
  const tree = useMemo(() => unitTree(units), [units]);
  const [form, setForm] = useState<UnitFormState | null>(null);
  // Every unit with sub-units starts open, new ones too; the ones the sysadmin closed stay closed.
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const expanded = units.filter((u) => units.some((c) => c.parentId === u.id) && !collapsed.has(u.id)).map((u) => u.id);

  async function create(values: { id: string; name: string; kind: string; parentId: string | null }) {
    await adminApi.createUnit(values);
    setForm(null);
    void message.success(`已新增单位 ${values.name}`);
    await reload();
  }

  async function rename(unit: AdminUnit, name: string) {
    await adminApi.renameUnit(unit.id, name);
    setForm(null);
    void message.success(`已将「${unit.name}」改名为「${name}」`);
    await reload();
  }

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Card title="单位管理" extra={<Button onClick={() => setForm({ mode: 'create', parent: null })}>新增顶级单位</Button>}>
        <Table<UnitNode>
          size="small"
          rowKey="key"
          loading={loading}
          pagination={false}
          scroll={{ x: true }}
          dataSource={tree}
          expandable={{
            expandedRowKeys: expanded,
            onExpand: (open, node) =>
              setCollapsed((before) => {
                const after = new Set(before);
                if (open) after.delete(node.key);
                else after.add(node.key);
                return after;
              }),
          }}
          columns={[
            {
              title: '单位',
              key: 'name',
              render: (_v, node) => (
                <Space size={4} wrap>
                  <Typography.Text>{node.unit.name}</Typography.Text>
                  <Tag>{node.unit.kindLabel}</Tag>
                </Space>
              ),
            },
            { title: '单位代码', key: 'id', responsive: ['md'], render: (_v, node) => <Typography.Text type="secondary">{node.unit.id}</Typography.Text> },
            {
              title: '操作',
              key: 'actions',
              render: (_v, node) => (
                <Space size={0} wrap>
                  <Button type="link" size="small" onClick={() => setForm({ mode: 'create', parent: node.unit })}>
                    新增下级
                  </Button>
                  <Button type="link" size="small" onClick={() => setForm({ mode: 'rename', unit: node.unit })}>
                    改名
                  </Button>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <OrgImport onImported={() => void reload()} />
      <UnitForm state={form} tree={tree} onCreate={create} onRename={rename} onClose={() => setForm(null)} />
    </Space>
  );
}
