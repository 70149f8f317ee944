import { spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgFile } from '@duban/api';
import { shanghaiDate } from '@duban/domain';
import { openDatabase } from '@duban/persistence';
// @ts-expect-error plain ESM helper without types
import { freePort, repoRoot, startFerretDb, startFerretDbOnPostgres } from '../../tools/lib/servers.mjs';
import { PASSWORD, testCounty } from './support/org-fixture.js';
import { startStack, type Stack } from './support/stack.js';
import { until } from './support/until.js';

// Issue #26, existing installs: `npm run migrate-store` moves what an install wrote on the old embedded store
// (FerretDB on SQLite, DATA_DIR/ferretdb) to FerretDB on PostgreSQL under the same DATA_DIR, and the API and worker
// carry on there. The install is made through the real API and worker; the tool runs as a user runs it.

interface Running {
  stop(): Promise<void>;
}

const org: OrgFile = {
  units: testCounty.units,
  users: [...(testCounty.users ?? []), { username: 'auditor', name: '审计员钱审计', unit: 'office', roles: ['auditor'], password: PASSWORD }],
};

/** A PNG by its signature, with 600 KB after it: three GridFS chunks of 255 KiB. */
const photo = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), randomBytes(600_000)]);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let dataDir: string;
let sqliteStore: Running | undefined;
let postgresStore: Running | undefined;
let stack: Stack | undefined;
const taskQueue = `duban-migrate-${randomUUID().slice(0, 8)}`;

/** What the install showed before the move; its counts once stopped. */
const before = {
  itemId: '',
  attachmentId: '',
  item: undefined as unknown,
  notifications: undefined as unknown,
  counts: {} as Record<string, number>,
};

/** Runs the tool as a user does; with `interruptAfter`, presses Ctrl-C (SIGINT) once its output shows that text. */
async function runTool(args: string[] = [], interruptAfter?: RegExp): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [join(repoRoot, 'tools', 'migrate-store.mjs'), ...args], {
    cwd: repoRoot,
    env: { ...process.env, DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const read = (chunk: Buffer) => {
    output += chunk.toString();
    if (interruptAfter?.test(output)) {
      interruptAfter = undefined;
      child.kill('SIGINT');
    }
  };
  child.stdout.on('data', read);
  child.stderr.on('data', read);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output };
}

async function startSqliteStore(): Promise<string> {
  const port = await freePort();
  sqliteStore = await startFerretDb({ port, dataDir: join(dataDir, 'ferretdb'), logFile: join(dataDir, 'logs', 'ferretdb.log') });
  return `mongodb://127.0.0.1:${port}/duban`;
}

async function startPostgresStore(): Promise<string> {
  const port = await freePort();
  postgresStore = await startFerretDbOnPostgres({ port, dataDir, logFile: join(dataDir, 'logs', 'ferretdb-postgres.log'), keepCluster: true });
  return `mongodb://127.0.0.1:${port}/duban`;
}

async function stopAll(): Promise<void> {
  await stack?.close();
  stack = undefined;
  await sqliteStore?.stop();
  sqliteStore = undefined;
  await postgresStore?.stop();
  postgresStore = undefined;
}

/**
 * The records of each collection (of `names`, else all). The migration's shape step adds collections and records
 * itself (in settings and as list_days markers): those records are left out, so the old store's counts compare with
 * the new one's.
 */
async function countsOf(database: Connection, names?: readonly string[]): Promise<Record<string, number>> {
  const all = names ?? (await database.db!.listCollections().toArray()).map((c) => c.name).sort();
  const copied = (name: string) => ({ settings: { _id: { $ne: 'readModelShape' } }, list_days: { parent: { $ne: 'shape' } } })[name] ?? {};
  return Object.fromEntries(await Promise.all(all.map(async (name) => [name, await database.collection(name).countDocuments(copied(name) as never)] as const)));
}

async function download(token: string): Promise<Buffer> {
  const response = await fetch(`${stack!.baseUrl}/api/rectifications/${before.itemId}/attachments/${before.attachmentId}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

async function tokenOf(username: string): Promise<string> {
  const response = await stack!.api.post('/api/auth/login', { username, password: PASSWORD });
  expect(response.status).toBe(200);
  return response.body.accessToken as string;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'duban-migrate-'));
  stack = await startStack(org, { install: { mongoUrl: await startSqliteStore(), taskQueue } });
  const office = stack.api.as(await tokenOf('office'));
  const waterToken = await tokenOf('water');
  const water = stack.api.as(waterToken);

  const created = await office.post('/api/rectifications', {
    title: '部分脱贫户饮水安全保障不到位',
    description: '省考核发现：甲镇两户脱贫户季节性缺水，未落实应急供水措施。',
    source: 'provincial_assessment',
    category: 'drinking_water',
    severity: 'major',
    leadUnitId: 'water',
    coUnitIds: [],
    dueDate: shanghaiDate(new Date(Date.now() + 60 * 86_400_000)),
  });
  expect(created.status).toBe(201);
  before.itemId = created.body.id as string;
  expect((await water.post(`/api/rectifications/${before.itemId}/sign`)).body.status).toBe('signed');
  const form = new FormData();
  form.append('file', new Blob([photo], { type: 'image/png' }), '现场照片.png');
  const uploaded = await water.postForm<{ id: string; sha256: string }>(`/api/rectifications/${before.itemId}/attachments`, form);
  expect(uploaded.status).toBe(201);
  before.attachmentId = uploaded.body.id;
  const plan = await water.post(`/api/rectifications/${before.itemId}/plan`, {
    measures: '为两户接通集中供水管网，建立应急送水台账',
    targetDate: shanghaiDate(new Date(Date.now() + 45 * 86_400_000)),
    responsiblePerson: '水利局副局长 张三',
    attachmentIds: [before.attachmentId],
  });
  expect(plan.status).toBe(200);
  expect((await office.post(`/api/rectifications/${before.itemId}/plan/approve`, { note: '同意' })).body.status).toBe('rectifying');

  before.notifications = await until(
    'the lead unit told of its item',
    async () => (await water.get('/api/notifications?limit=100')).body,
    (body) => body.items.some((n: { subject: { id: string } }) => n.subject.id === before.itemId),
  );
  before.item = (await water.get(`/api/rectifications/${before.itemId}`)).body;
});

afterAll(async () => {
  await stopAll();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run migrate-store', () => {
  it('refuses to run while the install is running, and changes nothing', async () => {
    const { code, output } = await runTool();
    expect(output).toContain('系统正在运行');
    expect(code).toBe(2);
    expect(readdirSync(dataDir)).toContain('ferretdb');
    expect(readdirSync(dataDir)).not.toContain('postgresql');
  });

  it('stops at Ctrl-C leaving the old store in place; then refuses the partly filled target unless --resume, which completes it without duplicates', async () => {
    await stopAll();
    const source = await openDatabase({ url: await startSqliteStore() });
    before.counts = await countsOf(source);
    await source.close();
    await stopAll();
    expect(before.counts['attachment_content.chunks']).toBe(3);
    expect(before.counts.audit_log).toBeGreaterThan(5);

    // Collections are copied in name order: the audit trail is in, users and the rest are not yet.
    const interrupted = await runTool([], /复制 duban\.audit_log/);
    expect(interrupted.output).toContain('已中断');
    expect(interrupted.output).not.toContain('复制 duban.users');
    expect(interrupted.code).toBe(130);
    expect(readdirSync(dataDir)).toContain('ferretdb');

    const refused = await runTool();
    expect(refused.output).toContain('目标存储不是空的');
    expect(refused.output).toContain('--resume');
    expect(refused.code).toBe(2);
    expect(readdirSync(dataDir)).toContain('ferretdb');

    const resumed = await runTool(['--resume']);
    expect(resumed.output).toContain(`复制 duban.audit_log：${before.counts.audit_log} 条（新写入 0，已存在 ${before.counts.audit_log}）`);
    expect(resumed.output).not.toContain('不一致');
    expect(resumed.output).toMatch(/审计记录哈希链.*一致/);
    expect(resumed.output).toMatch(/attachment_content 文件内容 sha256\s+1 个文件\s+1 个相同\s+一致/);
    expect(resumed.code).toBe(0);
    expect(readdirSync(dataDir)).toEqual(expect.arrayContaining([expect.stringMatching(/^ferretdb\.migrated-\d{8}$/), 'postgresql']));
    expect(readdirSync(dataDir)).not.toContain('ferretdb');

    const migrated = await openDatabase({ url: await startPostgresStore() });
    expect(await countsOf(migrated, Object.keys(before.counts))).toEqual(before.counts);
    await migrated.close();
    await stopAll();
  });

  it('leaves an install that the API and worker carry on with from PostgreSQL: the item, its attachment bytes, the notifications, an intact audit chain', async () => {
    stack = await startStack(org, { install: { mongoUrl: await startPostgresStore(), taskQueue } });
    const waterToken = await tokenOf('water');
    const water = stack.api.as(waterToken);
    expect((await water.get(`/api/rectifications/${before.itemId}`)).body).toEqual(before.item);
    expect(sha256(await download(waterToken))).toBe(sha256(photo));
    expect((await water.get('/api/notifications?limit=100')).body).toEqual(before.notifications);

    // The item's workflow goes on, writing to the new store.
    const progress = await water.post(`/api/rectifications/${before.itemId}/progress`, { summary: '已接通一户供水管网' });
    expect(progress.status).toBe(200);

    const verified = await stack.api.as(await tokenOf('auditor')).get('/api/audit/verify');
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ ok: true, problems: [] });
    expect(verified.body.checked).toBeGreaterThan(before.counts.audit_log!);
  });

  it('says there is nothing to migrate once the old store has moved', async () => {
    await stopAll();
    const { code, output } = await runTool();
    expect(output).toContain('没有需要迁移的数据');
    expect(code).toBe(0);
  });
});
