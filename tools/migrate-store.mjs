#!/usr/bin/env node
// `npm run migrate-store [-- --resume] [-- --from DIR] [-- --to mongodb://…]`: moves an install's data from the old
// embedded store (FerretDB on SQLite, DATA_DIR/ferretdb) to FerretDB on PostgreSQL under the same DATA_DIR (or to the
// MongoDB-API store of `--to`). The system must be stopped. Every collection of every database is copied as stored
// (`_id` and types kept; a re-run with --resume adds only what is missing), then checked: counts per collection,
// every GridFS file's sha-256 on both sides, the audit trail's hash chain on the target. Only when all agree is the
// old directory renamed to `ferretdb.migrated-<YYYYMMDD>`. Temporal's SQLite file stays where it is.
// Exit 0: migrated (or nothing to migrate); 1: a check failed (the old store is untouched); 2: refused or could not run.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { durablePostgresSettings, ensureFerretDb, ensureNodeModules, freePort, postgresClusterDir, repoRoot, startFerretDb, startFerretDbOnPostgres } from './lib/servers.mjs';

const USAGE = `用法：npm run migrate-store [-- --resume] [-- --from <旧存储目录>] [-- --to mongodb://…]
  --from    旧存储（FerretDB/SQLite）的目录，默认 DATA_DIR/ferretdb
  --to      目标存储（MongoDB 协议）的地址；不给时为同一 DATA_DIR 下的 PostgreSQL 存储
  --resume  目标存储已有数据时继续上次中断的迁移（已存在的记录跳过）`;

class Refusal extends Error {}

/** The servers started and clients opened, closed at the end, on failure and on Ctrl-C. */
const servers = [];
const clients = [];

let closing;

/** Closes the clients, then stops the servers; every caller (the end, a failure, Ctrl-C) waits for the same run. */
function closeAll() {
  closing ??= (async () => {
    for (const client of clients) await client.close().catch(() => undefined);
    for (const server of [...servers].reverse()) await server.stop().catch(() => undefined);
  })();
  return closing;
}

function say(line = '') {
  process.stdout.write(`${line}\n`);
}

function parseArguments(args) {
  const options = { resume: false, from: undefined, to: undefined };
  for (let i = 0; i < args.length; i++) {
    const name = args[i];
    if (name === '--resume') options.resume = true;
    else if (name === '--from' || name === '--to') {
      const value = args[++i];
      if (!value) throw new Refusal(`${name} 需要一个值\n${USAGE}`);
      options[name.slice(2)] = value;
    } else if (name === '--help' || name === '-h') {
      say(USAGE);
      process.exit(0);
    } else throw new Refusal(`未知参数 ${name}\n${USAGE}`);
  }
  if (options.to && !/^mongodb(\+srv)?:\/\//.test(options.to)) throw new Refusal(`--to 需要 mongodb:// 开头的地址\n${USAGE}`);
  return options;
}

/** Processes whose command line names one of `paths` (a FerretDB, PostgreSQL or Temporal server of this install). */
function processesUsing(paths) {
  if (!existsSync('/proc')) return [];
  const found = [];
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)) {
    let args;
    try {
      args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      continue; // gone meanwhile, or not ours to read
    }
    if (args.some((arg) => paths.some((path) => arg === path || arg.startsWith(`${path}/`)))) found.push({ pid, command: args.join(' ').slice(0, 120) });
  }
  return found;
}

function build() {
  const result = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'tsconfig.build.json'], { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('构建失败（tsc -b）');
}

function today() {
  const now = new Date();
  return `${now.getFullYear()}${String(now.getMonth() + 1).padStart(2, '0')}${String(now.getDate()).padStart(2, '0')}`;
}

function migratedName(sourceDir) {
  const base = `${sourceDir}.migrated-${today()}`;
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (!existsSync(candidate)) return candidate;
  }
}

/** A left-aligned table; CJK characters count as two columns. */
function table(rows) {
  const width = (text) => [...String(text)].reduce((sum, ch) => sum + (/[\u2e80-\uffff]/.test(ch) ? 2 : 1), 0);
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => width(row[column]))));
  return rows.map((row) => row.map((cell, column) => String(cell) + ' '.repeat(widths[column] - width(cell))).join('  ').trimEnd());
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const dataDir = resolve(repoRoot, process.env.DATA_DIR ?? '.data');
  const sourceDir = resolve(options.from ?? join(dataDir, 'ferretdb'));
  const logDir = join(dataDir, 'logs');
  const clusterDir = postgresClusterDir(dataDir);

  const sqliteFiles = existsSync(sourceDir) ? readdirSync(sourceDir).filter((f) => f.endsWith('.sqlite')) : [];
  if (sqliteFiles.length === 0) {
    say(`没有需要迁移的数据：${sourceDir} ${existsSync(sourceDir) ? '中没有旧存储的数据库文件' : '不存在'}。`);
    return 0;
  }
  const running = processesUsing([sourceDir, join(dataDir, 'temporal.db'), ...(options.to ? [] : [clusterDir])]);
  if (running.length > 0) {
    throw new Refusal(
      [`系统正在运行，不能迁移：请先停止 npm start（Ctrl-C），再运行 npm run migrate-store。`, ...running.map((p) => `  进程 ${p.pid}：${p.command}`)].join('\n'),
    );
  }

  ensureNodeModules();
  ensureFerretDb();
  build();
  const { MongoClient } = await import('mongodb');
  const copy = await import('./lib/store-copy.mjs');
  const { AuditLogRepository, RectificationCounts, backfillListKeys, openDatabase, reshapeReadModel } = await import('@duban/persistence');

  try {
    const sourcePort = await freePort();
    servers.push(await startFerretDb({ port: sourcePort, dataDir: sourceDir, logFile: join(logDir, 'migrate-store.sqlite.log') }));
    const source = await MongoClient.connect(`mongodb://127.0.0.1:${sourcePort}/`, { retryWrites: false });
    clients.push(source);
    const contents = await copy.storeContents(source);
    const total = contents.reduce((sum, d) => sum + d.collections.reduce((s, c) => s + c.count, 0), 0);
    if (total === 0) {
      say(`没有需要迁移的数据：旧存储 ${sourceDir} 中没有记录。`);
      return 0;
    }

    let targetUrl = options.to;
    if (!targetUrl) {
      const targetPort = await freePort();
      say(`目标：${clusterDir}（FerretDB / PostgreSQL）`);
      servers.push(await startFerretDbOnPostgres({ port: targetPort, dataDir, logFile: join(logDir, 'migrate-store.ferretdb.log'), settings: durablePostgresSettings() }));
      targetUrl = `mongodb://127.0.0.1:${targetPort}/`;
    } else say(`目标：${targetUrl.replace(/\/\/[^@/]*@/, '//***@')}`);
    const target = await MongoClient.connect(targetUrl, { retryWrites: false });
    clients.push(target);

    const present = await copy.storeContents(target);
    if (present.length > 0 && !options.resume) {
      throw new Refusal(
        [
          '目标存储不是空的，未做任何改动：',
          ...present.map((d) => `  数据库 ${d.database}：${d.collections.length} 个集合，${d.collections.reduce((s, c) => s + c.count, 0)} 条记录`),
          '如果这是上次中断的迁移，请加 --resume 继续（已存在的记录会跳过）：npm run migrate-store -- --resume',
        ].join('\n'),
      );
    }

    say(`旧存储：${sourceDir}，共 ${total} 条记录`);
    const started = Date.now();
    for (const { database, collections } of contents) {
      for (const { name, count } of collections) {
        const collectionStarted = Date.now();
        const { inserted, present: skipped } = await copy.copyCollection(source.db(database), target.db(database), name);
        const indexes = await copy.copyIndexes(source.db(database), target.db(database), name);
        const seconds = ((Date.now() - collectionStarted) / 1000).toFixed(1);
        say(`  复制 ${database}.${name}：${count} 条（新写入 ${inserted}${skipped ? `，已存在 ${skipped}` : ''}），${indexes} 个索引，${seconds} 秒`);
      }
    }
    say(`复制用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒`);

    const verifyStarted = Date.now();
    // The copy is in the old release's shape: it gets this release's query keys and counts once its counts are checked
    // (the step records itself in settings) and before its audit chain is (verify reads the chain by its new keys),
    // while the system is stopped, instead of at the first start, where the worker would count every item before polling.
    const reshape = async (database) => {
      const shapeStarted = Date.now();
      const connection = await openDatabase({ url: withDatabase(targetUrl, database) });
      try {
        await reshapeReadModel(connection);
        await backfillListKeys(connection);
        await RectificationCounts.of(connection).ensureBuilt();
      } finally {
        await connection.close();
      }
      return (Date.now() - shapeStarted) / 1000;
    };
    const failures = await verify({ source, target, targetUrl, contents, copy, AuditLogRepository, openDatabase, reshape });
    say(`校验用时 ${((Date.now() - verifyStarted) / 1000).toFixed(1)} 秒，迁移与校验共用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒`);
    if (failures > 0) {
      say(`校验未通过（${failures} 项不一致）：旧存储 ${sourceDir} 保持原样。查明原因后可加 --resume 再次运行。`);
      return 1;
    }
    await closeAll();
    const movedTo = migratedName(sourceDir);
    renameSync(sourceDir, movedTo);
    say(`迁移完成，校验全部一致。旧存储已改名为 ${movedTo}，npm start 不会再使用它；确认新存储中的数据无误后可以删除该目录。`);
    return 0;
  } finally {
    await closeAll();
  }
}

/** `url` naming `database` as its default database (credentials keep authenticating against the one they named). */
function withDatabase(url, database) {
  const [, base, path, query = ''] = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(\/[^?]*)?(\?.*)?$/.exec(url) ?? [];
  if (!base) throw new Error(`无法解析地址 ${url}`);
  const params = new URLSearchParams(query.slice(1));
  if (base.includes('@') && !params.has('authSource')) params.set('authSource', path && path.length > 1 ? decodeURIComponent(path.slice(1)) : 'admin');
  const rest = params.toString();
  return `${base}/${encodeURIComponent(database)}${rest ? `?${rest}` : ''}`;
}

/** Counts per collection, GridFS contents and the audit chain; prints the table and returns the number of mismatches. */
async function verify({ source, target, targetUrl, contents, copy, AuditLogRepository, openDatabase, reshape }) {
  const rows = [['数据库', '集合 / 校验项', '旧存储', '新存储', '结果']];
  let failures = 0;
  const result = (ok) => {
    if (!ok) failures++;
    return ok ? '一致' : '不一致';
  };
  for (const { database, collections } of contents) {
    const sourceDb = source.db(database);
    const targetDb = target.db(database);
    for (const { name } of collections) {
      // Not the shape step's own records (a re-run after a failed check finds them there already).
      const copied = { settings: { _id: { $ne: 'readModelShape' } }, list_days: { parent: { $ne: 'shape' } } }[name] ?? {};
      const [before, after] = await Promise.all([sourceDb.collection(name).countDocuments(copied), targetDb.collection(name).countDocuments(copied)]);
      rows.push([database, name, before, after, result(before === after)]);
    }
    for (const bucket of copy.gridFsBuckets(collections.map((c) => c.name))) {
      const { files, mismatches } = await copy.compareGridFsFiles(sourceDb, targetDb, bucket);
      rows.push([database, `${bucket} 文件内容 sha256`, `${files} 个文件`, `${files - mismatches.length} 个相同`, result(mismatches.length === 0)]);
      for (const { id, reason } of mismatches.slice(0, 20)) rows.push(['', `  文件 ${id}`, '', { file: '缺文件', chunks: '缺分块', sha256: '内容不同' }[reason], '']);
    }
    if (collections.some((c) => ['rectifications', 'assignments', 'notifications', 'audit_log'].includes(c.name))) {
      rows.push([database, '新版本的查询键与计数', '', `已整理，${(await reshape(database)).toFixed(1)} 秒`, '']);
    }
    if (collections.some((c) => c.name === 'audit_log')) {
      const [sourceHead] = await sourceDb.collection('audit_log').find({}).sort({ _id: -1 }).limit(1).toArray();
      const connection = await openDatabase({ url: withDatabase(targetUrl, database) });
      try {
        const verification = await new AuditLogRepository(connection).verify();
        const same = verification.ok && verification.head?.seq === sourceHead?._id && verification.head?.hash === sourceHead?.hash;
        rows.push([
          database,
          '审计记录哈希链',
          sourceHead ? `末条 第 ${sourceHead._id} 条` : '无记录',
          verification.ok ? `已校验 ${verification.checked} 条` : `${verification.problems.length} 处异常，如第 ${verification.firstProblem?.seq} 条`,
          result(same),
        ]);
      } finally {
        await connection.close();
      }
    }
  }
  say();
  for (const line of table(rows)) say(line);
  say();
  return failures;
}

/** Set on Ctrl-C: the signal handler ends the process once its servers are stopped, not main's failing awaits. */
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    interrupted = true;
    process.stderr.write('\n已中断：旧存储保持原样。再次运行 npm run migrate-store -- --resume 可接着迁移（已复制的记录会跳过）。\n');
    closeAll().finally(() => process.exit(130));
  });
}

main().then(
  (code) => {
    if (!interrupted) process.exit(code);
  },
  (error) => {
    if (interrupted) return;
    if (error instanceof Refusal) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`迁移失败：${error instanceof Error ? error.message : String(error)}\n旧存储保持原样；排除问题后可加 --resume 再次运行。\n`);
    process.exit(2);
  },
);
