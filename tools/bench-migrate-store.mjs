#!/usr/bin/env node
// `node tools/bench-migrate-store.mjs [ITEMS]` (default 20,000): times `npm run migrate-store` on an old store
// (FerretDB on SQLite) seeded with ITEMS items' worth of documents — ITEMS read-model items (the bench's seed
// records), 3 notifications and 2 audit entries (one hash chain) per item, and an attachment of 100 KB (GridFS,
// through the attachment repository) per 100 items — in a temporary DATA_DIR, then removes it.
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureNodeModules, freePort, provisionAll, repoRoot, startFerretDb } from './lib/servers.mjs';

const items = Number(process.argv[2] ?? 20_000);
const BATCH = 1_000;

ensureNodeModules();
provisionAll({ testServer: false });
const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
for (const args of [['-b', 'tsconfig.build.json'], ['-p', 'bench/tsconfig.json']]) {
  if (spawnSync(process.execPath, [tsc, ...args], { cwd: repoRoot, stdio: 'inherit' }).status !== 0) process.exit(1);
}
const { AttachmentRepository, GENESIS_HASH, auditHash, openDatabase, syncIndexes } = await import('@duban/persistence');
const { seedRecord } = await import('../bench/dist/seed.js');
const { benchOrg, leadUnits, officeActor } = await import('../bench/dist/org.js');

const dataDir = mkdtempSync(join(tmpdir(), 'duban-bench-migrate-'));
try {
  const port = await freePort();
  const store = await startFerretDb({ port, dataDir: join(dataDir, 'ferretdb'), logFile: join(dataDir, 'logs', 'ferretdb.log') });
  const database = await openDatabase({ url: `mongodb://127.0.0.1:${port}/duban` });
  await syncIndexes(database); // as the API and worker do on an install
  const seedStarted = Date.now();
  const org = benchOrg();
  const others = leadUnits(org);
  const now = Date.now();
  let prevHash = GENESIS_HASH;
  let seq = 0;
  for (let first = 0; first < items; first += BATCH) {
    const size = Math.min(BATCH, items - first);
    const records = Array.from({ length: size }, (_, k) => seedRecord(first + k, org, others, 0, now));
    await database.collection('rectifications').insertMany(records, { ordered: false });
    const notifications = records.flatMap((record) =>
      [1, 2, 3].map((n) => ({
        _id: `rect:${record._id}:registered:user-${n}`,
        key: `rect:${record._id}:registered`,
        userId: `bench-${record.leadUnitId}-${n}`,
        unitId: record.leadUnitId,
        level: 'info',
        title: '新的整改事项',
        body: `${record.title}，请及时签收。`,
        subject: { kind: 'rectification', id: record._id },
        createdAt: new Date(record.registeredAt),
        readAt: n === 1 ? new Date(now) : null,
      })),
    );
    await database.collection('notifications').insertMany(notifications, { ordered: false });
    const entries = records.flatMap((record) =>
      ['rectification.register', 'rectification.sign'].map((action) => {
        seq++;
        const unsigned = {
          _id: seq,
          at: new Date(now - (items * 2 - seq) * 1000),
          requestId: randomUUID(),
          ip: '127.0.0.1',
          actor: { ...officeActor, roles: [...officeActor.roles] },
          username: null,
          action,
          target: `rectification:${record._id}`,
          result: 'success',
          status: 200,
          details: null,
          prevHash,
        };
        const entry = { ...unsigned, hash: auditHash(unsigned) };
        prevHash = entry.hash;
        return entry;
      }),
    );
    await database.collection('audit_log').insertMany(entries, { ordered: true });
    const attachments = new AttachmentRepository(database);
    for (const record of records.filter((_, k) => (first + k) % 100 === 0)) {
      const bytes = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(100 * 1024)]);
      await attachments.store(bytes, { itemId: record._id, filename: '整改报告.pdf', uploadedBy: { userId: 'bench-office', name: '办公室主任', unitId: 'office' } }, { maxBytes: 20 * 1024 * 1024, detectType: () => 'application/pdf' });
    }
    process.stdout.write(`seeded ${first + size} items\r`);
  }
  const documents = await database.db.listCollections().toArray().then((list) => Promise.all(list.map((c) => database.collection(c.name).countDocuments()))).then((counts) => counts.reduce((a, b) => a + b, 0));
  process.stdout.write(`\nseeded ${documents} documents in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s\n`);
  await database.close();
  await store.stop();

  const started = Date.now();
  const run = spawnSync('/usr/bin/time', ['-f', 'peak RSS of the tool: %M KiB', process.execPath, join(repoRoot, 'tools', 'migrate-store.mjs')], {
    cwd: repoRoot,
    env: { ...process.env, DATA_DIR: dataDir },
    stdio: 'inherit',
  });
  process.stdout.write(`migrate-store: exit ${run.status}, ${((Date.now() - started) / 1000).toFixed(1)} s wall for ${items} items (${documents} documents)\n`);
  process.exitCode = run.status ?? 1;
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
