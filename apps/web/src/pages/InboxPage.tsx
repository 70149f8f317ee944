import { Button, Card, Col, Input, Row, Select, Space, Statistic, Table, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, query } from '../api/client';
import type { InboxRow, Light, Status } from '../api/types';
import { hasRole, useSession } from '../auth/session';
import { LIGHT_COLOURS, LIGHT_NAMES, LightTag } from '../components/LightTag';
import { messageOf } from '../components/errors';
import { useUnits } from '../components/useUnits';
import { STATUS_LABELS } from '@duban/domain';

type Box = 'todo' | 'done' | 'mine';
const LIGHT_ORDER: Light[] = ['red', 'yellow', 'blue', 'green'];
const OPEN_STATUSES = (Object.keys(STATUS_LABELS) as Status[]).filter((s) => s !== 'closed' && s !== 'merged');

interface Page {
  items: InboxRow[];
  nextCursor: string | null;
}

/** 工作台：待办（未办结）、已办（已销号）、我发起的（本人登记交办），按整改时限排序，带亮灯和督办单。 */
export function InboxPage() {
  const { user } = useSession();
  const { units, nameOf } = useUnits();
  const [box, setBox] = useState<Box>('todo');
  const [light, setLight] = useState<Light | undefined>();
  const [status, setStatus] = useState<Status | undefined>();
  const [unitId, setUnitId] = useState<string | undefined>();
  const [search, setSearch] = useState('');
  const [rows, setRows] = useState<InboxRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [lights, setLights] = useState<Record<Light | 'none', number> | null>(null);
  const wide = hasRole(user, 'office', 'leader');

  const params = useCallback(
    (after?: string | null) =>
      query({
        status: box === 'done' ? 'closed' : status,
        light: box === 'done' ? undefined : light,
        unitId,
        mine: box === 'mine' ? 'true' : undefined,
        limit: 50,
        cursor: after,
      }),
    [box, status, light, unitId],
  );

  const load = useCallback(
    async (after?: string | null) => {
      setLoading(true);
      setError(null);
      try {
        const page = await api.get<Page>(`/inbox${params(after)}`);
        setRows((previous) => (after ? [...previous, ...page.items] : page.items));
        setCursor(page.nextCursor);
      } catch (failure) {
        setError(messageOf(failure));
      } finally {
        setLoading(false);
      }
    },
    [params],
  );

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    api
      .get<{ lights: Record<Light | 'none', number> }>(`/reports/dashboard${query({ unitId })}`)
      .then((d) => setLights(d.lights))
      .catch(() => setLights(null));
  }, [unitId]);

  const shown = search.trim() ? rows.filter((r) => r.title.includes(search.trim()) || nameOf(r.leadUnitId).includes(search.trim())) : rows;

  const columns: TableColumnsType<InboxRow> = [
    { title: '亮灯', dataIndex: 'light', width: 80, render: (_v, r) => <LightTag light={r.light} label={r.lightLabel} /> },
    { title: '问题', dataIndex: 'title', render: (_v, r) => <Link to={`/items/${r.id}`}>{r.title}</Link> },
    { title: '责任单位', dataIndex: 'leadUnitId', responsive: ['md'], render: (id: string) => nameOf(id) },
    { title: '状态', dataIndex: 'statusLabel', width: 140 },
    { title: '整改时限', dataIndex: 'dueDate', width: 110, responsive: ['sm'] },
    {
      title: '督办单',
      dataIndex: 'notices',
      responsive: ['lg'],
      render: (_v, r) => (
        <Space size={4} wrap>
          {r.notices.map((n) => (
            <Tag key={`${n.colour}${n.issuedAt}`} color={n.colour === 'yellow' ? 'gold' : n.colour}>
              {n.number ?? n.label}
            </Tag>
          ))}
          {r.escalationLevel > 0 && <Tag color="magenta">升级督办{r.escalationLevel === 1 ? '一级' : '二级'}</Tag>}
          {r.extensionRequested && <Tag color="purple">延期待审批</Tag>}
        </Space>
      ),
    },
  ];

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Row gutter={[8, 8]}>
        {LIGHT_ORDER.map((l) => (
          <Col xs={12} sm={6} key={l}>
            <Card size="small" hoverable onClick={() => setLight(light === l ? undefined : l)} data-testid={`light-count-${l}`} style={light === l ? { borderColor: LIGHT_COLOURS[l] } : undefined}>
              <Statistic title={<span><span className="light-dot" style={{ background: LIGHT_COLOURS[l] }} />{LIGHT_NAMES[l]}</span>} value={lights?.[l] ?? '-'} styles={{ content: { color: LIGHT_COLOURS[l] } }} />
            </Card>
          </Col>
        ))}
      </Row>
      <Card size="small">
        <Tabs
          activeKey={box}
          onChange={(key) => setBox(key as Box)}
          items={[
            { key: 'todo', label: '待办' },
            { key: 'done', label: '已办' },
            { key: 'mine', label: '我发起的' },
          ]}
        />
        <Row gutter={[8, 8]} style={{ marginBottom: 12 }}>
          <Col xs={24} sm={12} md={6}>
            <Input.Search placeholder="搜索问题标题或责任单位" allowClear onChange={(e) => setSearch(e.target.value)} />
          </Col>
          <Col xs={12} sm={6} md={4}>
            <Select
              allowClear
              placeholder="亮灯"
              style={{ width: '100%' }}
              value={light}
              disabled={box === 'done'}
              onChange={(v: Light | undefined) => setLight(v)}
              options={LIGHT_ORDER.map((l) => ({ value: l, label: LIGHT_NAMES[l] }))}
            />
          </Col>
          <Col xs={12} sm={6} md={5}>
            <Select
              allowClear
              placeholder="状态"
              style={{ width: '100%' }}
              value={status}
              disabled={box === 'done'}
              onChange={(v: Status | undefined) => setStatus(v)}
              options={OPEN_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))}
            />
          </Col>
          {wide && (
            <Col xs={24} sm={12} md={6}>
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                placeholder="责任单位"
                style={{ width: '100%' }}
                value={unitId}
                onChange={(v: string | undefined) => setUnitId(v)}
                options={units.map((u) => ({ value: u.id, label: u.name }))}
              />
            </Col>
          )}
        </Row>
        {error && <Typography.Text type="danger">{error}</Typography.Text>}
        <Table<InboxRow> rowKey="id" size="middle" columns={columns} dataSource={shown} loading={loading} pagination={false} locale={{ emptyText: '暂无问题' }} scroll={{ x: true }} />
        {cursor && (
          <Button block style={{ marginTop: 8 }} onClick={() => void load(cursor)}>
            加载更多
          </Button>
        )}
      </Card>
    </Space>
  );
}
