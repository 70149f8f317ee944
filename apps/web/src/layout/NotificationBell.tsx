import { Badge, Button, Drawer, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import { Rows } from '../components/Rows';

interface Notification {
  id: string;
  level: string;
  title: string;
  body: string;
  subject: { kind: 'rectification' | 'assignment' | 'lookback' | 'taskList' | 'campaign' | string; id: string };
  createdAt: string;
  readAt: string | null;
}

const POLL_MS = 60_000;
const LEVEL_COLOURS: Record<string, string> = { red: 'red', yellow: 'gold', blue: 'blue' };

function pathOf(subject: Notification['subject']): string | null {
  if (subject.kind === 'rectification') return `/items/${subject.id}`;
  if (subject.kind === 'assignment') return `/assignments/${encodeURIComponent(subject.id)}`;
  if (subject.kind === 'lookback') return '/lookbacks';
  // A list's or a campaign's tasks, told to a unit in one word: its task inbox.
  if (subject.kind === 'taskList' || subject.kind === 'campaign') return '/task-lists';
  return null;
}

/** 站内通知：未读数（每分钟刷新），点开看最新通知，点一条即标记已读并打开对应的问题或任务。 */
export function NotificationBell() {
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<Notification[]>([]);
  const [unread, setUnread] = useState(0);

  const load = useCallback(() => {
    api
      .get<{ items: Notification[]; unreadCount: number }>('/notifications?limit=30')
      .then((r) => {
        setItems(r.items);
        setUnread(r.unreadCount);
      })
      .catch(() => undefined);
  }, []);

  useEffect(() => {
    load();
    const timer = setInterval(load, POLL_MS);
    return () => clearInterval(timer);
  }, [load]);

  async function openOne(n: Notification) {
    if (!n.readAt) await api.post(`/notifications/${n.id}/read`).catch(() => undefined);
    load();
    const path = pathOf(n.subject);
    if (path) {
      setOpen(false);
      void navigate(path);
    }
  }

  return (
    <>
      <Badge count={unread} size="small" offset={[-4, 4]}>
        <Button type="text" onClick={() => setOpen(true)} data-testid="notifications">
          通知
        </Button>
      </Badge>
      <Drawer open={open} onClose={() => setOpen(false)} title="站内通知" size={360}>
        <Rows
          items={items}
          rowKey={(n) => n.id}
          empty="暂无通知"
          render={(n) => (
            <Space orientation="vertical" size={2} style={{ width: '100%', cursor: 'pointer' }} onClick={() => void openOne(n)}>
              <Space>
                {LEVEL_COLOURS[n.level] && <Tag color={LEVEL_COLOURS[n.level]}>督办</Tag>}
                <Typography.Text strong={!n.readAt}>{n.title}</Typography.Text>
              </Space>
              <Typography.Text type="secondary">{n.body}</Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {dayjs(n.createdAt).format('YYYY-MM-DD HH:mm')}
                {n.readAt ? '' : ' · 未读'}
              </Typography.Text>
            </Space>
          )}
        />
      </Drawer>
    </>
  );
}
