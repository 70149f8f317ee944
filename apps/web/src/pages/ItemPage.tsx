import { Alert, App as AntApp, Button, Card, Col, Descriptions, Result, Row, Space, Spin, Tag, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { api, download } from '../api/client';
import { STATUS_LABELS } from '@duban/domain';
import type { Attachment, RectificationAction, RectificationView, Status } from '../api/types';
import { LightTag } from '../components/LightTag';
import { Rows } from '../components/Rows';
import { messageOf } from '../components/errors';
import { useUnits } from '../components/useUnits';
import { ActionDialog } from './ActionDialog';
import { ACTION_FORMS } from './item-actions';

const time = (iso: string) => dayjs(iso).format('YYYY-MM-DD HH:mm');
const size = (bytes: number) => (bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

/** 问题详情：基本情况、亮灯、督办单、痕迹（时间线）、材料，以及当前用户此刻可办理的操作（由接口给出）。 */
export function ItemPage() {
  const { id = '' } = useParams();
  const { nameOf } = useUnits();
  const { message } = AntApp.useApp();
  const [item, setItem] = useState<RectificationView | null>(null);
  const [attachments, setAttachments] = useState<Attachment[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [acting, setActing] = useState<RectificationAction | null>(null);

  const load = useCallback(async () => {
    try {
      setItem(await api.get<RectificationView>(`/rectifications/${id}`));
      setAttachments((await api.get<{ items: Attachment[] }>(`/rectifications/${id}/attachments`)).items);
    } catch (failure) {
      setError(messageOf(failure));
    }
  }, [id]);

  useEffect(() => {
    void load();
  }, [load]);

  if (error && !item) return <Result status="404" title="无法查看该问题" subTitle={error} />;
  if (!item) return <Spin />;

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Card
        title={
          <Space wrap>
            <LightTag light={item.light} label={item.lightLabel} />
            <span data-testid="item-title">{item.title}</span>
          </Space>
        }
        extra={<Tag data-testid="item-status">{item.statusLabel}</Tag>}
      >
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }}>
          <Descriptions.Item label="问题来源">{item.sourceLabel}</Descriptions.Item>
          <Descriptions.Item label="问题类别">{item.categoryLabel}</Descriptions.Item>
          <Descriptions.Item label="严重程度">{item.severityLabel}</Descriptions.Item>
          <Descriptions.Item label="牵头单位">{nameOf(item.leadUnitId)}</Descriptions.Item>
          <Descriptions.Item label="配合单位">{item.coUnitIds.map(nameOf).join('、') || '无'}</Descriptions.Item>
          <Descriptions.Item label="整改时限">{item.dueDate}</Descriptions.Item>
          <Descriptions.Item label="交办时间">{time(item.registeredAt)}</Descriptions.Item>
          {item.verifierUnitId && <Descriptions.Item label="初验单位">{nameOf(item.verifierUnitId)}</Descriptions.Item>}
          <Descriptions.Item label="催办次数">
            <span data-testid="urge-count">{item.urgeCount} 次</span>
          </Descriptions.Item>
        </Descriptions>
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginTop: 8 }}>{item.description}</Typography.Paragraph>
        {item.plan && (
          <Alert
            type="info"
            title="整改方案"
            description={`措施：${item.plan.measures}；完成时限：${item.plan.targetDate}；责任人：${item.plan.responsiblePerson}`}
            style={{ marginBottom: 8 }}
          />
        )}
        {item.extension && <Alert type="warning" title={`延期申请待审批：申请延期至 ${item.extension.newDueDate}，理由：${item.extension.reason}`} style={{ marginBottom: 8 }} />}
        {item.deferral && <Alert type="warning" title={`暂缓整改（已备案）：${item.deferral.reason}，复核日期 ${item.deferral.reviewDate}`} style={{ marginBottom: 8 }} />}
        <Space wrap data-testid="actions">
          {item.allowedActions.length === 0 && <Typography.Text type="secondary">当前没有需要您办理的操作</Typography.Text>}
          {item.allowedActions.map((action) => (
            <Button key={action} type={ACTION_FORMS[action].danger || ACTION_FORMS[action].secondary ? 'default' : 'primary'} danger={ACTION_FORMS[action].danger ?? false} onClick={() => setActing(action)}>
              {ACTION_FORMS[action].label}
            </Button>
          ))}
        </Space>
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card title="办理痕迹" size="small">
            <Timeline
              data-testid="timeline"
              items={item.timeline.map((entry) => ({
                key: entry.seq,
                content: (
                  <div>
                    <Typography.Text strong>{entry.actionLabel}</Typography.Text>
                    <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                      {time(entry.at)}
                    </Typography.Text>
                    <div>
                      {entry.actor ? `${entry.actor.name}（${nameOf(entry.actor.unitId)}）` : '系统'}
                      {entry.fromStatus !== entry.toStatus && ` · 状态：${statusName(entry.toStatus)}`}
                    </div>
                    {entry.note && <div style={{ whiteSpace: 'pre-wrap' }}>{entry.note}</div>}
                    {entry.evidence?.map((e) => (
                      <div key={e.id}>
                        <Typography.Link onClick={() => void download(`/rectifications/${item.id}/attachments/${e.id}`, e.filename).catch((f) => message.error(messageOf(f)))}>
                          {e.filename}
                        </Typography.Link>{' '}
                        <Typography.Text type="secondary">{size(e.size)}</Typography.Text>
                      </div>
                    ))}
                  </div>
                ),
              }))}
            />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Space orientation="vertical" style={{ width: '100%' }} size="middle">
            <Card title="督办单" size="small">
              <Rows
                items={item.notices}
                rowKey={(n) => `${n.colour}${n.issuedAt}`}
                empty="暂无督办单"
                render={(n) => (
                  <Space orientation="vertical" size={0}>
                    <Tag color={n.colour === 'yellow' ? 'gold' : n.colour}>{n.number ?? n.label}</Tag>
                    <Typography.Text>{n.reason}</Typography.Text>
                    <Typography.Text type="secondary">{time(n.issuedAt)}</Typography.Text>
                  </Space>
                )}
              />
            </Card>
            <Card title="整改材料" size="small">
              <Rows
                items={attachments}
                rowKey={(a) => a.id}
                empty="暂无材料"
                render={(a) => (
                  <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
                    <Typography.Link onClick={() => void download(`/rectifications/${item.id}/attachments/${a.id}`, a.filename).catch((f) => message.error(messageOf(f)))}>
                      {a.filename}
                    </Typography.Link>
                    <Typography.Text type="secondary">
                      {size(a.size)} · {a.uploadedBy?.name} · {time(a.uploadedAt)}
                    </Typography.Text>
                  </Space>
                )}
              />
            </Card>
          </Space>
        </Col>
      </Row>
      {acting && (
        <ActionDialog
          item={item}
          action={acting}
          onClose={() => setActing(null)}
          onDone={(view) => {
            setActing(null);
            setItem(view);
            void message.success(`${ACTION_FORMS[acting].label}：已办理`);
            void load();
          }}
        />
      )}
    </Space>
  );
}

function statusName(status: Status): string {
  return STATUS_LABELS[status];
}
