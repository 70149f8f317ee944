import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgFile } from '@duban/api';
import { shanghaiDate } from '@duban/domain';
import { AuditLogRepository, auditHash, type AuditRecord } from '@duban/persistence';
import { PASSWORD, testCounty } from './support/org-fixture.js';
import { startStack, type Stack } from './support/stack.js';

/** The test county plus the two roles of 三员分立 that hold no business data. */
const org: OrgFile = {
  units: testCounty.units,
  users: [
    ...(testCounty.users ?? []),
    { username: 'auditor', name: '审计员钱审计', unit: 'office', roles: ['auditor'], password: PASSWORD },
    { username: 'sysadmin', name: '系统管理员吴工', unit: 'office', roles: ['sysadmin'], password: PASSWORD },
  ],
};

interface Answer<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

let stack: Stack;
const tokens: Record<string, string> = {};
const userIds: Record<string, string> = {};

/** One HTTP call with an optional bearer token and X-Request-Id (the stack's ApiClient sends neither header). */
async function send<T = any>(
  method: string,
  path: string,
  options: { as?: string; body?: unknown; requestId?: string } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  if (options.as) headers.authorization = `Bearer ${tokens[options.as]}`;
  if (options.requestId !== undefined) headers['x-request-id'] = options.requestId;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(stack.baseUrl + path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, body: body as T, text, headers: response.headers };
}

const newItem = () => ({
  title: '部分脱贫户饮水安全保障不到位',
  description: '省考核发现：甲镇两户脱贫户季节性缺水，未落实应急供水措施。',
  source: 'provincial_assessment',
  category: 'drinking_water',
  severity: 'major',
  leadUnitId: 'water',
  coUnitIds: ['town-a'],
  dueDate: shanghaiDate(new Date(Date.now() + 60 * 86_400_000)),
});

const auditLog = () => stack.database.collection<AuditRecord>('audit_log');

/** Every entry as the auditor lists it, newest first, following the cursor. */
async function listAll(query = ''): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const page: Answer = await send('GET', `/api/audit?limit=200${query}${cursor ? `&cursor=${cursor}` : ''}`, { as: 'auditor' });
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

const byRequest = async (requestId: string) => (await listAll()).filter((entry) => entry.requestId === requestId);

beforeAll(async () => {
  stack = await startStack(org);
  for (const username of ['office', 'water', 'health', 'auditor', 'sysadmin']) {
    const login = await send('POST', '/api/auth/login', { body: { username, password: PASSWORD } });
    expect(login.status).toBe(200);
    tokens[username] = login.body.accessToken;
    userIds[username] = login.body.user?.id;
  }
});

afterAll(async () => {
  await stack?.close();
});

describe('what the trail records', () => {
  let itemId: string;

  it('echoes a sane X-Request-Id and replaces anything else with a uuid', async () => {
    const kept = await send('GET', '/api/health', { requestId: 'client-req.42_A' });
    expect(kept.headers.get('x-request-id')).toBe('client-req.42_A');
    const replaced = await send('GET', '/api/health', { requestId: 'not sane; <id>' });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const tooLong = await send('GET', '/api/health', { requestId: 'x'.repeat(65) });
    expect(tooLong.headers.get('x-request-id')).not.toBe('x'.repeat(65));
    const generated = await send('GET', '/api/health');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('records an office user registering an item, a refused step and a unit signing, with who, unit, role, route, target, result, status, ip and request id', async () => {
    const registered = await send('POST', '/api/rectifications', { as: 'office', body: newItem(), requestId: 'e2e-register' });
    expect(registered.status).toBe(201);
    expect(registered.headers.get('x-request-id')).toBe('e2e-register');
    itemId = registered.body.id;

    const officeSigns = await send('POST', `/api/rectifications/${itemId}/sign`, { as: 'office', requestId: 'e2e-office-signs' });
    expect(officeSigns.status).toBe(403);
    const unitRegisters = await send('POST', '/api/rectifications', { as: 'water', body: newItem(), requestId: 'e2e-unit-registers' });
    expect(unitRegisters.status).toBe(403);
    const signed = await send('POST', `/api/rectifications/${itemId}/sign`, { as: 'water', requestId: 'e2e-water-signs' });
    expect(signed.status).toBe(200);

    const entries = await listAll();
    const find = (requestId: string) => entries.filter((entry) => entry.requestId === requestId);

    expect(find('e2e-register')).toEqual([
      expect.objectContaining({
        actor: { userId: userIds.office, name: '办公室王主任', unitId: 'office', roles: ['office'] },
        action: 'POST /api/rectifications',
        target: null,
        result: 'success',
        status: 201,
        ip: expect.stringMatching(/127\.0\.0\.1$/),
        requestId: 'e2e-register',
      }),
    ]);
    // Refused by the workflow's rules (the handler ran), with the error code.
    expect(find('e2e-office-signs')).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ userId: userIds.office, unitId: 'office', roles: ['office'] }),
        action: 'POST /api/rectifications/:id/sign',
        target: itemId,
        result: 'refused',
        status: 403,
        details: { code: 'not_permitted' },
        ip: expect.stringMatching(/127\.0\.0\.1$/),
      }),
    ]);
    // Refused by the role guard (no handler ran).
    expect(find('e2e-unit-registers')).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ userId: userIds.water, name: '水利局张科长', unitId: 'water', roles: ['unit'] }),
        action: 'POST /api/rectifications',
        result: 'refused',
        status: 403,
        details: { code: 'forbidden' },
      }),
    ]);
    expect(find('e2e-water-signs')).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ userId: userIds.water, unitId: 'water', roles: ['unit'] }),
        action: 'POST /api/rectifications/:id/sign',
        target: itemId,
        result: 'success',
        status: 200,
      }),
    ]);
    // Newest first, and the chain links each entry to the one before.
    const seqs = entries.map((entry) => entry.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    for (let i = 0; i + 1 < entries.length; i++) expect(entries[i].prevHash).toBe(entries[i + 1].hash);
  });

  it('records refusals of reads (401, 403) but not successful reads', async () => {
    const anonymous = await send('GET', '/api/inbox', { requestId: 'e2e-anonymous-inbox' });
    expect(anonymous.status).toBe(401);
    const read = await send('GET', `/api/rectifications/${itemId}`, { as: 'office', requestId: 'e2e-plain-read' });
    expect(read.status).toBe(200);

    expect(await byRequest('e2e-anonymous-inbox')).toEqual([
      expect.objectContaining({ actor: null, action: 'GET /api/inbox', result: 'refused', status: 401, details: { code: 'unauthenticated' } }),
    ]);
    expect(await byRequest('e2e-plain-read')).toEqual([]);
  });

  it('records a read refused with 404 on another unit\'s object (a BOLA probe): who, route, object id, refused; the auditor finds it', async () => {
    const probe = await send('GET', `/api/rectifications/${itemId}`, { as: 'health', requestId: 'e2e-bola-probe' });
    expect(probe.status).toBe(404);
    const attachments = await send('GET', `/api/rectifications/${itemId}/attachments`, { as: 'health', requestId: 'e2e-bola-probe-attachments' });
    expect(attachments.status).toBe(404);

    const refusedReads = await listAll(`&result=refused&action=${encodeURIComponent('GET /api/rectifications/:id')}&actorId=${userIds.health}`);
    expect(refusedReads).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ userId: userIds.health, name: '卫健委刘科长', unitId: 'health', roles: ['unit'] }),
        action: 'GET /api/rectifications/:id',
        target: itemId,
        result: 'refused',
        status: 404,
        details: { code: 'not_found' },
        requestId: 'e2e-bola-probe',
      }),
    ]);
    expect(await byRequest('e2e-bola-probe-attachments')).toEqual([
      expect.objectContaining({ action: 'GET /api/rectifications/:id/attachments', target: itemId, result: 'refused', status: 404 }),
    ]);
  });

  it('never records a request body, and records a refused body of an unknown route too', async () => {
    const secret = 'Secret-户主身份证-110101199001011234';
    const refused = await send('POST', '/api/rectifications', { as: 'office', body: { ...newItem(), title: secret, extra: secret }, requestId: 'e2e-bad-body' });
    expect(refused.status).toBe(400);
    const unknown = await send('DELETE', '/api/no-such-thing', { as: 'office', requestId: 'e2e-unknown-route' });
    expect(unknown.status).toBe(404);

    expect(await byRequest('e2e-bad-body')).toEqual([
      expect.objectContaining({ action: 'POST /api/rectifications', result: 'refused', status: 400, details: { code: 'invalid_input' } }),
    ]);
    expect(await byRequest('e2e-unknown-route')).toEqual([expect.objectContaining({ action: 'DELETE /api/no-such-thing', result: 'refused', status: 404 })]);
    const stored = JSON.stringify(await auditLog().find().toArray());
    expect(stored).not.toContain('Secret');
    expect(stored).not.toContain(PASSWORD);
  });

  it('records each login once: by the auth service with the name typed, or generically when the body is refused before it runs', async () => {
    const wrong = await send('POST', '/api/auth/login', { body: { username: 'office', password: 'wrong-password' }, requestId: 'e2e-login-wrong' });
    expect(wrong.status).toBe(401);
    const malformed = await send('POST', '/api/auth/login', { body: { username: 'office' }, requestId: 'e2e-login-malformed' });
    expect(malformed.status).toBe(400);

    const wrongEntries = await byRequest('e2e-login-wrong');
    expect(wrongEntries).toHaveLength(1);
    expect(wrongEntries[0]).toMatchObject({ status: 401, ip: expect.stringMatching(/127\.0\.0\.1$/) });
    expect(wrongEntries[0].result).not.toBe('success');
    expect(wrongEntries[0].action).not.toBe('POST /api/auth/login');
    expect(await byRequest('e2e-login-malformed')).toEqual([
      expect.objectContaining({ action: 'POST /api/auth/login', result: 'refused', status: 400, details: { code: 'invalid_input' } }),
    ]);
    expect(JSON.stringify(await auditLog().find().toArray())).not.toContain('wrong-password');
    // The successful logins of beforeAll are the auth service's entries only.
    expect(await listAll(`&action=${encodeURIComponent('POST /api/auth/login')}&result=success`)).toEqual([]);
  });

  it('filters by user, action and result, and pages newest first by seq', async () => {
    const mine = await listAll(`&actorId=${userIds.water}`);
    expect(mine.length).toBeGreaterThanOrEqual(2);
    for (const entry of mine) expect(entry.actor.userId).toBe(userIds.water);
    const signs = await listAll(`&action=${encodeURIComponent('POST /api/rectifications/:id/sign')}`);
    expect(signs.map((e) => e.requestId)).toEqual(expect.arrayContaining(['e2e-office-signs', 'e2e-water-signs']));
    for (const entry of await listAll('&result=refused')) expect(entry.result).toBe('refused');

    const first = await send('GET', '/api/audit?limit=2', { as: 'auditor' });
    const second = await send('GET', `/api/audit?limit=2&cursor=${first.body.nextCursor}`, { as: 'auditor' });
    expect(first.body.items).toHaveLength(2);
    expect(second.body.items[0].seq).toBe(first.body.items[1].seq - 1);

    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect((await send('GET', `/api/audit?from=${encodeURIComponent(future)}`, { as: 'auditor' })).body.items).toEqual([]);
    expect((await send('GET', '/api/audit?result=deleted', { as: 'auditor' })).status).toBe(400);
    expect((await send('GET', '/api/audit?cursor=abc', { as: 'auditor' })).status).toBe(400);
  });

  it('filters by login name: what that user did and every login attempt typed with the name, known or not', async () => {
    expect((await send('POST', '/api/auth/login', { body: { username: 'water', password: 'wrong-Passw0rd' }, requestId: 'e2e-water-wrong' })).status).toBe(401);
    expect((await send('POST', '/api/auth/login', { body: { username: 'no-such-user', password: 'wrong-Passw0rd' }, requestId: 'e2e-unknown' })).status).toBe(401);

    const water = await listAll('&username=water');
    expect(water.map((e) => e.requestId)).toEqual(expect.arrayContaining(['e2e-water-signs', 'e2e-water-wrong']));
    for (const entry of water) expect(entry.actor?.userId === userIds.water || entry.username === 'water').toBe(true);
    const unknown = await listAll('&username=no-such-user');
    expect(unknown.map((e) => [e.requestId, e.action, e.result])).toEqual([['e2e-unknown', 'auth.login', 'failure']]);
    expect(await listAll(`&username=water&result=failure`)).toEqual([expect.objectContaining({ requestId: 'e2e-water-wrong' })]);
  });

  it('verifies the chain', async () => {
    const count = await auditLog().countDocuments();
    const verified = await send('GET', '/api/audit/verify', { as: 'auditor' });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ ok: true, checked: count, firstProblem: null, head: { seq: count } });
  });
});

describe('who may read the trail', () => {
  it('is the auditor only: office, sysadmin and units get 403 on every audit route, and those refusals are recorded', async () => {
    for (const as of ['office', 'sysadmin', 'water']) {
      for (const path of ['/api/audit', '/api/audit/verify', '/api/audit/export']) {
        const answer = await send('GET', path, { as, requestId: `e2e-${as}-${path.split('/').pop()}` });
        expect(answer.status, `${as} ${path}`).toBe(403);
      }
    }
    expect((await send('GET', '/api/audit')).status).toBe(401);
    expect(await byRequest('e2e-sysadmin-verify')).toEqual([
      expect.objectContaining({ action: 'GET /api/audit/verify', result: 'refused', status: 403, actor: expect.objectContaining({ roles: ['sysadmin'] }) }),
    ]);
  });

  it('offers no route that changes or deletes audit entries', async () => {
    const { body } = await send('GET', '/api/openapi.json');
    const auditPaths = Object.entries(body.paths as Record<string, Record<string, { tags?: string[] }>>).filter(([path]) => path.startsWith('/api/audit'));
    expect(auditPaths.map(([path]) => path).sort()).toEqual(['/api/audit', '/api/audit/export', '/api/audit/verify']);
    for (const [, operations] of auditPaths) {
      expect(Object.keys(operations).filter((method) => ['put', 'patch', 'delete', 'post'].includes(method))).toEqual([]);
      for (const operation of Object.values(operations)) expect(operation.tags).toEqual(['audit']);
    }
    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) {
      expect((await send(method, '/api/audit', { as: 'auditor' })).status).toBe(404);
      expect((await send(method, '/api/audit/1', { as: 'auditor' })).status).toBe(404);
    }
  });
});

describe('export', () => {
  it('streams CSV with a UTF-8 BOM, the Chinese header row and one line per entry; the export itself is recorded', async () => {
    const response = await fetch(`${stack.baseUrl}/api/audit/export`, { headers: { authorization: `Bearer ${tokens.auditor}`, 'x-request-id': 'e2e-export' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(response.headers.get('content-disposition')).toContain('attachment');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1).split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines[0]).toBe('序号,时间,请求编号,来源IP,用户,单位,角色,操作,对象,结果,状态码,哈希');

    const stored = await auditLog().find().sort({ _id: 1 }).toArray();
    expect(lines.length - 1).toBe(stored.length);
    expect(lines.slice(1).map((line) => Number(line.split(',')[0]))).toEqual(stored.map((entry) => entry._id));
    const exportEntry = stored.find((entry) => entry.requestId === 'e2e-export');
    expect(exportEntry).toMatchObject({ action: 'GET /api/audit/export', result: 'success', status: 200 });
    const signLine = lines.find((line) => line.includes(',e2e-water-signs,'));
    expect(signLine).toMatch(/,水利局张科长（[^）]+）,water,责任单位经办人,POST \/api\/rectifications\/:id\/sign,[0-9a-f-]{36},成功,200,[0-9a-f]{64}$/);

    const future = new Date(Date.now() + 86_400_000).toISOString();
    const empty = await fetch(`${stack.baseUrl}/api/audit/export?from=${encodeURIComponent(future)}`, { headers: { authorization: `Bearer ${tokens.auditor}` } });
    expect((await empty.text()).split('\r\n').filter(Boolean)).toHaveLength(1);
  });
});

describe('a gap-free chain under concurrency', () => {
  it('keeps 30 parallel state-changing requests in one linear, verifiable chain', async () => {
    const before = await auditLog().countDocuments();
    const requests = Array.from({ length: 30 }, (_, i) => {
      const requestId = `e2e-parallel-${i}`;
      if (i % 3 === 0) return send('POST', '/api/rectifications', { as: 'office', body: newItem(), requestId });
      if (i % 3 === 1) return send('POST', '/api/rectifications', { as: 'office', body: { title: '' }, requestId });
      return send('POST', '/api/rectifications', { as: 'water', body: newItem(), requestId });
    });
    const answers = await Promise.all(requests);
    expect(answers.map((a) => a.status).sort()).toEqual([...Array(10).fill(201), ...Array(10).fill(400), ...Array(10).fill(403)].sort());

    const stored = await auditLog().find().sort({ _id: 1 }).toArray();
    expect(stored.length).toBe(before + 30);
    expect(stored.map((entry) => entry._id)).toEqual(stored.map((_, i) => i + 1));
    const parallel = stored.filter((entry) => entry.requestId?.startsWith('e2e-parallel-'));
    expect(new Set(parallel.map((entry) => entry.requestId)).size).toBe(30);
    expect((await send('GET', '/api/audit/verify', { as: 'auditor' })).body).toMatchObject({ ok: true, checked: before + 30, firstProblem: null });
  });

  it('keeps the chain linear when several processes append at once (dup-key retry, no transactions)', async () => {
    // Each repository has its own queue, as each API process does: they compete for every seq.
    const processes = Array.from({ length: 4 }, () => new AuditLogRepository(stack.database));
    await Promise.all(
      processes.flatMap((repository, p) =>
        Array.from({ length: 10 }, (_, i) => repository.append({ action: 'test.concurrent', result: 'success', details: { process: p, i } })),
      ),
    );
    const stored = await auditLog().find().sort({ _id: 1 }).toArray();
    expect(stored.map((entry) => entry._id)).toEqual(stored.map((_, i) => i + 1));
    expect(stored.filter((entry) => entry.action === 'test.concurrent')).toHaveLength(40);
    expect(await new AuditLogRepository(stack.database).verify()).toMatchObject({ ok: true, checked: stored.length, firstProblem: null });
  });

  it('hashes exactly what is stored: text the database cannot hold as sent (a lone surrogate) keeps the chain intact', async () => {
    const repository = new AuditLogRepository(stack.database);
    const stored = await repository.append({ action: 'test.surrogate', result: 'refused', username: '\ud800', target: 'x\udfffy', details: { note: '\udc00' } });
    expect(stored.username).toBe('\ufffd');
    const readBack = (await auditLog().findOne({ _id: stored._id }))!;
    expect(readBack).toMatchObject({ username: '\ufffd', target: 'x\ufffdy', details: { note: '\ufffd' }, hash: stored.hash });
    expect(await repository.verify()).toMatchObject({ ok: true, firstProblem: null });
  });
});

describe('tampering', () => {
  const verify = async () => (await send('GET', '/api/audit/verify', { as: 'auditor' })).body;

  it('reports a changed entry at its seq', async () => {
    const target = (await auditLog().findOne({ requestId: 'e2e-office-signs' }))!;
    await auditLog().updateOne({ _id: target._id }, { $set: { result: 'success' } });
    expect(await verify()).toMatchObject({ ok: false, problems: [{ seq: target._id, kind: 'changed' }], firstProblem: { seq: target._id, kind: 'changed' } });
    await auditLog().updateOne({ _id: target._id }, { $set: { result: target.result } });
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('reports every changed entry, not only the first, so a later tampering is not hidden behind an earlier one', async () => {
    const first = (await auditLog().findOne({ requestId: 'e2e-office-signs' }))!;
    const second = (await auditLog().findOne({ requestId: 'e2e-register' }))!;
    const [earlier, later] = first._id < second._id ? [first, second] : [second, first];
    await auditLog().updateOne({ _id: earlier._id }, { $set: { status: 599 } });
    await auditLog().updateOne({ _id: later._id }, { $set: { status: 599 } });
    const report = await verify();
    expect(report).toMatchObject({ ok: false, firstProblem: { seq: earlier._id, kind: 'changed' } });
    expect(report.problems).toEqual([
      expect.objectContaining({ seq: earlier._id, kind: 'changed' }),
      expect.objectContaining({ seq: later._id, kind: 'changed' }),
    ]);
    await auditLog().updateOne({ _id: earlier._id }, { $set: { status: earlier.status } });
    await auditLog().updateOne({ _id: later._id }, { $set: { status: later.status } });
    expect(await verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('reports a broken link when an entry is rewritten with a recomputed hash', async () => {
    const target = (await auditLog().findOne({ requestId: 'e2e-register' }))!;
    const { hash: _hash, ...unsigned } = { ...target, result: 'refused' as const, status: 403 };
    await auditLog().replaceOne({ _id: target._id }, { ...unsigned, hash: auditHash(unsigned) });
    const report = await verify();
    expect(report).toMatchObject({ ok: false, firstProblem: { seq: target._id + 1, kind: 'broken_link' } });
    expect(report.firstProblem.message).toMatch(/第 \d+ 条/);
    await auditLog().replaceOne({ _id: target._id }, target);
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('reports a deleted entry as a gap, also after later appends', async () => {
    const target = (await auditLog().findOne({ requestId: 'e2e-water-signs' }))!;
    await auditLog().deleteOne({ _id: target._id });
    expect(await verify()).toMatchObject({ ok: false, firstProblem: { seq: target._id, kind: 'gap' } });
    expect((await send('POST', '/api/rectifications', { as: 'water', body: newItem() })).status).toBe(403);
    expect(await verify()).toMatchObject({ ok: false, firstProblem: { seq: target._id, kind: 'gap' } });
  });

  it('does not let a deleted tail be silently re-used by the next append', async () => {
    const tail = (await auditLog().find().sort({ _id: -1 }).limit(1).toArray())[0]!;
    await auditLog().deleteOne({ _id: tail._id });
    expect((await send('POST', '/api/rectifications', { as: 'water', body: newItem(), requestId: 'e2e-after-truncation' })).status).toBe(403);
    const next = (await auditLog().findOne({ requestId: 'e2e-after-truncation' }))!;
    expect(next._id).toBe(tail._id + 1);
    expect(next.prevHash).toBe(tail.hash);
  });
});
