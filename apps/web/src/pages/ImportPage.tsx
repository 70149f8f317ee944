import { Alert, Button, Card, Select, Space, Table, Tag, Typography, Upload, type UploadFile } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import type { Category, Source } from '../api/types';
import { CATEGORY_LABELS, SOURCE_LABELS } from '@duban/domain';
import { messageOf } from '../components/errors';
import { useUnits } from '../components/useUnits';
import { SOURCE_OPTIONS } from '../components/vocabulary';

interface PreviewRow {
  row: number;
  id: string;
  title: string;
  source: Source;
  category: Category;
  leadUnitId: string;
  dueDate: string;
  exists: boolean;
  pastDue: boolean;
}
interface Preview {
  rows: number;
  valid: number;
  errors: { row: number; column: string; message: string }[];
  items: PreviewRow[];
}
interface Result {
  rows: number;
  created: number;
  existing: number;
  items: { row: number; id: string; created: boolean }[];
}

/** 批量导入：上传省、市下发的问题清单（XLSX），先预览逐行检查，无误后整表导入（有一行错误则一行也不导入）。 */
export function ImportPage() {
  const { nameOf } = useUnits();
  const [file, setFile] = useState<File | null>(null);
  const [source, setSource] = useState<Source | undefined>();
  const [preview, setPreview] = useState<Preview | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const form = () => {
    const data = new FormData();
    data.append('file', file!);
    if (source) data.append('source', source);
    return data;
  };

  async function run<T>(path: string, done: (value: T) => void) {
    setBusy(true);
    setError(null);
    try {
      done(await api.upload<T>(path, form()));
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  }

  const fileList: UploadFile[] = file ? [{ uid: '1', name: file.name, status: 'done' }] : [];
  return (
    <Card title="批量导入整改问题清单">
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary">
          必填列：问题描述、问题类别、责任单位、整改时限；问题来源可在表中填写，或在下面统一指定。单个文件不超过 5 MB、5000 行。
        </Typography.Paragraph>
        <Space wrap>
          <Upload
            accept=".xlsx"
            maxCount={1}
            fileList={fileList}
            beforeUpload={(chosen) => {
              setFile(chosen);
              setPreview(null);
              setResult(null);
              return false;
            }}
            onRemove={() => setFile(null)}
          >
            <Button>选择 Excel 文件</Button>
          </Upload>
          <Select allowClear placeholder="问题来源（表中没有时）" style={{ width: 220 }} options={SOURCE_OPTIONS} value={source} onChange={(v: Source | undefined) => setSource(v)} />
          <Button disabled={!file} loading={busy} onClick={() => void run<Preview>('/imports/rectifications/preview', (p) => setPreview(p))}>
            预览检查
          </Button>
          <Button type="primary" disabled={!preview || preview.errors.length > 0} loading={busy} onClick={() => void run<Result>('/imports/rectifications', (r) => setResult(r))}>
            确认导入
          </Button>
        </Space>
        {error && <Alert type="error" title={error} showIcon />}
        {result && <Alert type="success" showIcon title={`导入完成：共 ${result.rows} 行，新建 ${result.created} 个问题，已存在 ${result.existing} 个`} />}
        {preview && (
          <>
            <Alert
              type={preview.errors.length ? 'error' : 'info'}
              showIcon
              title={`共 ${preview.rows} 行，检查通过 ${preview.valid} 行${preview.errors.length ? `，${preview.errors.length} 处错误，请修改后重新上传` : ''}`}
            />
            {preview.errors.length > 0 && (
              <Table
                size="small"
                rowKey={(e) => `${e.row}-${e.column}`}
                pagination={false}
                dataSource={preview.errors}
                columns={[
                  { title: '行', dataIndex: 'row', width: 60 },
                  { title: '列', dataIndex: 'column', width: 120 },
                  { title: '问题', dataIndex: 'message' },
                ]}
              />
            )}
            <Table<PreviewRow>
              size="small"
              rowKey="row"
              scroll={{ x: true }}
              dataSource={preview.items}
              columns={[
                { title: '行', dataIndex: 'row', width: 60 },
                { title: '问题标题', dataIndex: 'title', render: (t: string, r) => (r.exists ? <Link to={`/items/${r.id}`}>{t}</Link> : t) },
                { title: '来源', dataIndex: 'source', render: (s: Source) => SOURCE_LABELS[s] },
                { title: '类别', dataIndex: 'category', render: (c: Category) => CATEGORY_LABELS[c] },
                { title: '责任单位', dataIndex: 'leadUnitId', render: (id: string) => nameOf(id) },
                { title: '整改时限', dataIndex: 'dueDate' },
                { title: '', render: (_v, r) => (r.exists ? <Tag>已导入</Tag> : r.pastDue ? <Tag color="red">已超期，导入即亮红灯</Tag> : null) },
              ]}
            />
          </>
        )}
      </Space>
    </Card>
  );
}
