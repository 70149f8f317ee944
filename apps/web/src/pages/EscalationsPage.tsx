import { Card, Segmented, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, query } from '../api/client';
import type { Light } from '../api/types';
import { LightTag } from '../components/LightTag';
import { messageOf } from '../components/errors';
import { useUnits } from '../components/useUnits';

interface Row {
  id: string;
  title: string;
  leadUnitId: string;
  statusLabel: string;
  dueDate: string;
  light: Light | null;
  lightLabel: string | null;
  overdueDays: number;
  escalation: { level: number; since: string | null };
}

/** 升级督办队列：超期升级、尚待办公室（一级）或领导（二级）处理的问题；在问题详情里催办、约谈或延期。 */
export function EscalationsPage() {
  const { nameOf } = useUnits();
  const [level, setLevel] = useState<1 | 2>(1);
  const [rows, setRows] = useState<Row[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    setLoading(true);
    api
      .get<{ items: Row[] }>(`/escalations${query({ level, limit: 100 })}`)
      .then((r) => {
        setRows(r.items);
        setError(null);
      })
      .catch((f) => setError(messageOf(f)))
      .finally(() => setLoading(false));
  }, [level]);
  return (
    <Card title="升级督办队列">
      <Segmented<1 | 2>
        aria-label="督办级别"
        value={level}
        onChange={setLevel}
        options={[
          { value: 1, label: '一级（办公室）' },
          { value: 2, label: '二级（领导、问责线索）' },
        ]}
        style={{ marginBottom: 12 }}
      />
      {error && <Typography.Paragraph type="danger">{error}</Typography.Paragraph>}
      <Table<Row>
        rowKey="id"
        loading={loading}
        dataSource={rows}
        pagination={false}
        scroll={{ x: true }}
        locale={{ emptyText: '没有待处理的升级督办' }}
        columns={[
          { title: '亮灯', render: (_v, r) => <LightTag light={r.light} label={r.lightLabel} />, width: 80 },
          { title: '问题', dataIndex: 'title', render: (t: string, r) => <Link to={`/items/${r.id}`}>{t}</Link> },
          { title: '责任单位', dataIndex: 'leadUnitId', render: (id: string) => nameOf(id) },
          { title: '状态', dataIndex: 'statusLabel' },
          { title: '整改时限', dataIndex: 'dueDate' },
          { title: '超期天数', dataIndex: 'overdueDays' },
        ]}
      />
    </Card>
  );
}
