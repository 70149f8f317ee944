import { Alert, Button, Card, Space, Table, Typography, Upload, type UploadFile } from 'antd';
import { useState } from 'react';
import { adminApi, type OrgImportResult } from '../../api/admin';
import { exampleOrgFile, problemsOf, readOrgFile, type ParsedOrgFile, type RowProblem } from './org-file';

const show = (value: unknown) => (value === undefined || value === null ? '' : Array.isArray(value) ? value.map(String).join('、') : String(value));

function downloadExample() {
  const url = URL.createObjectURL(new Blob([exampleOrgFile()], { type: 'application/yaml;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = '组织架构示例.yaml';
  link.click();
  URL.revokeObjectURL(url);
}

/** A file entry in two lines: what people read, and the code below it. */
function Entry({ main, sub }: { main: string; sub: string }) {
  return (
    <Space orientation="vertical" size={0}>
      <Typography.Text>{main}</Typography.Text>
      <Typography.Text type="secondary">{sub}</Typography.Text>
    </Space>
  );
}

function ProblemCell({ problems }: { problems: RowProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <Space orientation="vertical" size={0}>
      {problems.map((p) => (
        <Typography.Text key={`${p.field}-${p.message}`} type="danger">
          {p.fieldLabel}：{p.message}
        </Typography.Text>
      ))}
    </Space>
  );
}

/** 导入组织架构文件：选择 YAML/JSON 文件，看到文件里的单位和用户，导入；被拒的行在该行显示原因。 */
export function OrgImport({ onImported }: { onImported(): void }) {
  const [file, setFile] = useState<{ name: string; parsed: ParsedOrgFile } | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const [problems, setProblems] = useState<{ rows: RowProblem[]; general: string[] } | null>(null);
  const [result, setResult] = useState<OrgImportResult | null>(null);
  const [busy, setBusy] = useState(false);

  async function choose(chosen: File) {
    setProblems(null);
    setResult(null);
    const parsed = readOrgFile(await chosen.text());
    if (typeof parsed === 'string') {
      setFile(null);
      setReadError(parsed);
    } else {
      setReadError(null);
      setFile({ name: chosen.name, parsed });
    }
  }

  async function submit() {
    if (!file) return;
    setBusy(true);
    setProblems(null);
    try {
      setResult(await adminApi.importOrg(file.parsed.data));
      onImported();
    } catch (failure) {
      setProblems(problemsOf(failure));
    } finally {
      setBusy(false);
    }
  }

  const at = (list: 'units' | 'users', index: number) => problems?.rows.filter((p) => p.list === list && p.index === index) ?? [];
  const fileList: UploadFile[] = file ? [{ uid: '1', name: file.name, status: 'done' }] : [];
  const refusedCount = problems ? problems.rows.length + problems.general.length : 0;

  return (
    <Card title="导入组织架构文件" size="small">
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          YAML 或 JSON 文件，列出单位和用户；已有的按单位代码、登录名更新，其余新建。有一处错误则整份文件都不导入。
        </Typography.Paragraph>
        <Space wrap>
          <Upload
            accept=".yaml,.yml,.json"
            maxCount={1}
            fileList={fileList}
            beforeUpload={(chosen) => {
              void choose(chosen);
              return false;
            }}
            onRemove={() => setFile(null)}
          >
            <Button>选择文件</Button>
          </Upload>
          <Button onClick={downloadExample}>下载示例文件</Button>
          <Button type="primary" data-testid="org-import-submit" disabled={!file || result !== null} loading={busy} onClick={() => void submit()}>
            导入
          </Button>
        </Space>
        {readError && <Alert type="error" showIcon title={readError} />}
        {problems && <Alert type="error" showIcon title={`文件有 ${refusedCount} 处错误，未导入，请修改后重新选择文件`} description={problems.general.join('；') || undefined} />}
        {result && (
          <Alert
            type="success"
            showIcon
            title={`导入完成：单位 ${result.units} 个，用户 ${result.users} 个`}
            description={result.generatedPasswords.length ? '以下新用户的初始密码只显示这一次，请复制后交给本人，首次登录须修改。' : undefined}
          />
        )}
        {result && result.generatedPasswords.length > 0 && (
          <Table
            size="small"
            rowKey="username"
            pagination={false}
            dataSource={result.generatedPasswords}
            columns={[
              { title: '登录名', dataIndex: 'username' },
              { title: '初始密码', dataIndex: 'password', render: (p: string) => <Typography.Text copyable={{ tooltips: ['复制', '已复制'] }} code>{p}</Typography.Text> },
            ]}
          />
        )}
        {file && !result && (
          <>
            <div data-testid="import-units">
            <Table
              size="small"
              title={() => `单位（${file.parsed.units.length}）`}
              rowKey={(_r, i) => `unit-${i}`}
              pagination={false}
              scroll={{ x: true }}
              dataSource={file.parsed.units}
              columns={[
                { title: '行', width: 50, render: (_v, _r, i) => i + 1 },
                { title: '单位', render: (_v, r) => <Entry main={show(r.name)} sub={show(r.id)} /> },
                { title: '上级', render: (_v, r) => show(r.parent) },
                { title: '检查结果', render: (_v, _r, i) => <ProblemCell problems={at('units', i)} /> },
              ]}
            />
            </div>
            <div data-testid="import-users">
            <Table
              size="small"
              title={() => `用户（${file.parsed.users.length}）`}
              rowKey={(_r, i) => `user-${i}`}
              pagination={false}
              scroll={{ x: true }}
              dataSource={file.parsed.users}
              columns={[
                { title: '行', width: 50, render: (_v, _r, i) => i + 1 },
                { title: '用户', render: (_v, r) => <Entry main={show(r.name)} sub={show(r.username)} /> },
                { title: '所属单位 · 角色', render: (_v, r) => <Entry main={show(r.unit)} sub={show(r.roles)} /> },
                { title: '检查结果', render: (_v, _r, i) => <ProblemCell problems={at('users', i)} /> },
              ]}
            />
            </div>
          </>
        )}
      </Space>
    </Card>
  );
}
