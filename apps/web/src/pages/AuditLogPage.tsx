import { Alert, AutoComplete, Button, Card, DatePicker, Descriptions, Drawer, Form, Grid, Input, List, Select, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { ROLE_LABELS, type Role } from '@duban/domain';
import { api, download, query } from '../api/client';
import { messageOf } from '../components/errors';
import {
  actionLabel,
  AUTH_ACTION_LABELS,
  dayEnd,
  dayStart,
  detailLines,
  problemsOf,
  problemText,
  RESULT_LABELS,
  verificationSummary,
  whoLabel,
  type AuditEntry,
  type AuditResult,
  type AuditVerification,
} from './audit-view';

const PAGE_SIZE = 20;

interface Filters {
  username?: string;
  action?: string;
  result?: AuditResult;
  from?: Dayjs | null;
  to?: Dayjs | null;
}

/** The API's query for the filters: a login name, an exact action, a result and whole days in China time. */
function periodOf(filters: Filters): { from?: string; to?: string } {
  return {
    ...(filters.from ? { from: dayStart(filters.from.format('YYYY-MM-DD')) } : {}),
    ...(filters.to ? { to: dayEnd(filters.to.format('YYYY-MM-DD')) } : {}),
  };
}

const time = (at: string) => dayjs(at).format('YYYY-MM-DD HH:mm:ss');

/** 审计日志 (the auditor's home): search the trail on the server, page through it, open an entry, export, check the chain. */
export function AuditLogPage() {
  const narrow = !Grid.useBreakpoint().md;
  const [form] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>({});
  // Keyset paging: the cursor of each page shown so far, so 上一页 goes back without offsets.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<{ items: AuditEntry[]; nextCursor: string | null }>({ items: [], nextCursor: null });
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<AuditEntry | null>(null);
  const [exporting, setExporting] = useState(false);

  const cursor = cursors.at(-1) ?? null;
  useEffect(() => {
    let live = true;
    setLoading(true);
    const params = { ...periodOf(filters), username: filters.username?.trim(), action: filters.action?.trim(), result: filters.result, limit: PAGE_SIZE, cursor };
    api
      .get<{ items: AuditEntry[]; nextCursor: string | null }>(`/audit${query(params)}`)
      .then((answer) => {
        if (!live) return;
        setPage(answer);
        setError(null);
      })
      .catch((failure) => live && setError(messageOf(failure)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [filters, cursor]);

  const search = useCallback((values: Filters) => {
    setFilters(values);
    setCursors([null]);
  }, []);

  async function exportPeriod() {
    setExporting(true);
    try {
      await download(`/audit/export${query(periodOf(filters))}`, '审计记录.csv');
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setExporting(false);
    }
  }

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card title="审计日志">
        <Form<Filters>
          form={form}
          layout={narrow ? 'vertical' : 'inline'}
          onFinish={search}
          style={{ rowGap: 8, marginBottom: 12 }}
          validateTrigger="onChange"
        >
          <Form.Item label="用户（登录名）" name="username">
            <Input allowClear placeholder="登录时输入的名称" style={{ width: narrow ? '100%' : 150 }} />
          </Form.Item>
          <Form.Item label="操作" name="action">
            <AutoComplete
              allowClear
              placeholder="选择或输入操作"
              style={{ width: narrow ? '100%' : 200 }}
              options={Object.entries(AUTH_ACTION_LABELS).map(([value, label]) => ({ value, label }))}
            />
          </Form.Item>
          <Form.Item label="结果" name="result">
            <Select<AuditResult>
              allowClear
              placeholder="全部"
              style={{ width: narrow ? '100%' : 100 }}
              options={(Object.keys(RESULT_LABELS) as AuditResult[]).map((value) => ({ value, label: RESULT_LABELS[value].label }))}
            />
          </Form.Item>
          <Form.Item label="起始日期" name="from">
            <DatePicker style={{ width: narrow ? '100%' : 140 }} disabledDate={(day) => day.isAfter(dayjs(), 'day')} />
          </Form.Item>
          <Form.Item
            label="截止日期"
            name="to"
            dependencies={['from']}
            rules={[
              ({ getFieldValue }) => ({
                validator: (_rule, value: Dayjs | null) => {
                  const from = getFieldValue('from') as Dayjs | null;
                  return value && from && value.isBefore(from, 'day') ? Promise.reject(new Error('截止日期不能早于起始日期')) : Promise.resolve();
                },
              }),
            ]}
          >
            <DatePicker style={{ width: narrow ? '100%' : 140 }} disabledDate={(day) => day.isAfter(dayjs(), 'day')} />
          </Form.Item>
          <Space wrap>
            <Button type="primary" htmlType="submit">
              查询
            </Button>
            <Button
              onClick={() => {
                form.resetFields();
                search({});
              }}
            >
              重置
            </Button>
            <Button onClick={() => void exportPeriod()} loading={exporting}>
              导出所选日期的记录
            </Button>
          </Space>
        </Form>
        <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
          导出为表格文件（Excel 可打开），包含所选日期内的全部记录，不按用户、操作和结果筛选；导出本身也会被记录。
        </Typography.Paragraph>
        {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 12 }} />}
        <Table<AuditEntry>
          rowKey="seq"
          size="small"
          loading={loading}
          dataSource={page.items}
          pagination={false}
          scroll={{ x: true }}
          locale={{ emptyText: '没有符合条件的审计记录' }}
          onRow={(entry) => ({ onClick: () => setOpen(entry), style: { cursor: 'pointer' } })}
          columns={[
            ...(narrow
              ? [
                  {
                    title: '记录',
                    key: 'entry',
                    render: (_v: unknown, entry: AuditEntry) => (
                      <>
                        <span data-testid="audit-who">{whoLabel(entry)}</span>
                        <Typography.Paragraph type="secondary" style={{ margin: 0, fontSize: 12, wordBreak: 'break-all' }}>
                          {actionLabel(entry.action)}
                          <br />
                          {time(entry.at)}
                        </Typography.Paragraph>
                      </>
                    ),
                  },
                ]
              : [
                  { title: '序号', dataIndex: 'seq', width: 80 },
                  { title: '时间', dataIndex: 'at', render: (at: string) => time(at), width: 170 },
                  { title: '用户', key: 'who', render: (_v: unknown, entry: AuditEntry) => <span data-testid="audit-who">{whoLabel(entry)}</span> },
                  { title: '操作', dataIndex: 'action', render: (action: string) => <Typography.Text style={{ wordBreak: 'break-all' }}>{actionLabel(action)}</Typography.Text> },
                ]),
            { title: '结果', dataIndex: 'result', width: 64, render: (result: AuditResult) => <Tag color={RESULT_LABELS[result]?.color}>{RESULT_LABELS[result]?.label ?? result}</Tag> },
            {
              title: '',
              key: 'open',
              width: 56,
              render: (_v, entry) => (
                <Button type="link" size="small" onClick={() => setOpen(entry)} style={{ padding: 0 }}>
                  详情
                </Button>
              ),
            },
          ]}
        />
        <Space style={{ marginTop: 12, justifyContent: 'flex-end', width: '100%' }}>
          <Button disabled={cursors.length <= 1} onClick={() => setCursors((list) => list.slice(0, -1))}>
            上一页
          </Button>
          <Typography.Text type="secondary">第 {cursors.length} 页</Typography.Text>
          <Button disabled={!page.nextCursor} onClick={() => page.nextCursor && setCursors((list) => [...list, page.nextCursor])}>
            下一页
          </Button>
        </Space>
      </Card>
      <ChainCheck />
      <Drawer open={open !== null} onClose={() => setOpen(null)} title={open ? `审计记录 第 ${open.seq} 条` : ''} size={narrow ? '100%' : 560}>
        {open && <EntryDetail entry={open} />}
      </Drawer>
    </Space>
  );
}

function EntryDetail({ entry }: { entry: AuditEntry }) {
  const roles = entry.actor?.roles.map((role) => ROLE_LABELS[role as Role] ?? role).join('、');
  return (
    <Descriptions column={1} size="small" bordered data-testid="audit-entry">
      <Descriptions.Item label="序号">{entry.seq}</Descriptions.Item>
      <Descriptions.Item label="时间">{time(entry.at)}</Descriptions.Item>
      <Descriptions.Item label="用户">{entry.actor ? entry.actor.name : '未登录'}</Descriptions.Item>
      {entry.username && <Descriptions.Item label="输入的登录名">{entry.username}</Descriptions.Item>}
      {entry.actor && <Descriptions.Item label="所在单位编码">{entry.actor.unitId}</Descriptions.Item>}
      {roles && <Descriptions.Item label="角色">{roles}</Descriptions.Item>}
      <Descriptions.Item label="操作">{actionLabel(entry.action)}</Descriptions.Item>
      {entry.target && <Descriptions.Item label="对象编号">{entry.target}</Descriptions.Item>}
      <Descriptions.Item label="结果">
        {RESULT_LABELS[entry.result]?.label ?? entry.result}
        {entry.status !== null && `（状态码 ${entry.status}）`}
      </Descriptions.Item>
      {entry.details && (
        <Descriptions.Item label="说明">
          {detailLines(entry.details).map((line) => (
            <div key={line} style={{ wordBreak: 'break-all' }}>
              {line}
            </div>
          ))}
        </Descriptions.Item>
      )}
      <Descriptions.Item label="来源地址">{entry.ip ?? '—'}</Descriptions.Item>
      <Descriptions.Item label="请求编号">{entry.requestId ?? '—'}</Descriptions.Item>
      <Descriptions.Item label="本条哈希">
        <Typography.Text copyable style={{ wordBreak: 'break-all', fontSize: 12 }}>
          {entry.hash}
        </Typography.Text>
      </Descriptions.Item>
      <Descriptions.Item label="前一条哈希">
        <Typography.Text style={{ wordBreak: 'break-all', fontSize: 12 }}>{entry.prevHash}</Typography.Text>
      </Descriptions.Item>
    </Descriptions>
  );
}

/** 链校验: walks the whole hash chain on the server and says, in Chinese, which entries are broken if any. */
function ChainCheck() {
  const [result, setResult] = useState<AuditVerification | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function check() {
    setBusy(true);
    setError(null);
    try {
      setResult(await api.get<AuditVerification>('/audit/verify'));
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  }
  const problems = result ? problemsOf(result) : [];
  return (
    <Card title="链校验">
      <Typography.Paragraph type="secondary">
        逐条核对每条审计记录的哈希及其与前一条的链接，发现被修改、断链或被删除的记录。请记下最新一条的序号和哈希，下次校验时对照，以发现末尾记录被删除。
      </Typography.Paragraph>
      <Button onClick={() => void check()} loading={busy}>
        校验审计链
      </Button>
      {error && <Alert type="error" title={error} showIcon style={{ marginTop: 12 }} />}
      {result && (
        <div data-testid="chain-result" style={{ marginTop: 12 }}>
          <Alert type={problems.length === 0 && result.ok ? 'success' : 'error'} title={verificationSummary(result)} showIcon />
          {problems.length > 0 && <List size="small" dataSource={problems} renderItem={(problem) => <List.Item>{problemText(problem)}</List.Item>} />}
          {result.head && (
            <Typography.Paragraph type="secondary" style={{ marginTop: 8, wordBreak: 'break-all', fontSize: 12 }}>
              最新一条：第 {result.head.seq} 条，哈希 <Typography.Text copyable>{result.head.hash}</Typography.Text>
            </Typography.Paragraph>
          )}
        </div>
      )}
    </Card>
  );
}
