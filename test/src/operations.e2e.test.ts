import { randomUUID } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApiApp, createApiLogger, resolveJwtSecret, systemClock } from '@duban/api';
import { shanghaiDate } from '@duban/domain';
import { openDatabase, slowCommandLog, UnitRepository } from '@duban/persistence';
import { rebuildReadModel } from '@duban/worker';
import { PASSWORD, testCounty } from './support/org-fixture.js';
import { until } from './support/until.js';
import { ApiClient, startStack, type ApiResponse, type Stack } from './support/stack.js';

// Operability and duplicate requests: health probes, the request log, the metrics scrape, Idempotency-Key,
// conflicting steps at once, and rebuilding the read model from the workflows.

let stack: Stack;
let office: ApiClient;
let water: ApiClient;
let officeToken: string;
let leaderToken: string;

const inDays = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000));
const item = (title: string) => ({
  title,
  description: '暗访发现：村道路灯损坏未修复，夜间通行存在安全隐患。',
  source: 'provincial_assessment',
  category: 'drinking_water',
  leadUnitId: 'water',
  dueDate: inDays(60),
});

async function login(username: string): Promise<string> {
  const response = await stack.api.post('/api/auth/login', { username, password: PASSWORD });
  return response.body.accessToken as string;
}

/** A request with an Idempotency-Key header (ApiClient sends no extra headers). */
async function send(token: string, method: string, path: string, body: unknown, key: string): Promise<ApiResponse> {
  const response = await fetch(stack.baseUrl + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const itemsTitled = (title: string) => stack.database.collection('rectifications').countDocuments({ title });

/** The API's own JSON log (pino at level info, as in production), written here instead of on stdout. */
const logLines: string[] = [];

beforeAll(async () => {
  stack = await startStack(testCounty, { logger: createApiLogger('info', { write: (line: string) => void logLines.push(line) }) });
  [officeToken, leaderToken] = await Promise.all([login('office'), login('leader')]);
  office = stack.api.as(officeToken);
  water = await stack.api.login('water', PASSWORD);
});

afterAll(async () => {
  await stack?.close();
});

describe('health probes', () => {
  it('answers liveness without looking at dependencies, readiness with both reachable, and /api/health with every part up', async () => {
    expect(await stack.api.get('/api/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await stack.api.get('/api/health/ready')).toEqual({ status: 200, body: { status: 'ok', temporal: true, database: true } });
    expect(await stack.api.get('/api/health')).toEqual({ status: 200, body: { status: 'ok', api: true, temporal: true, database: true, worker: true } });
  });
});

/**
 * A TCP relay in front of the database that can be cut and restored: what an API sees when the database host goes
 * away (closed connections, then refused ones) and comes back.
 */
/** A TCP relay to the database that can be cut and restored, and can hold each answer back by `answerDelayMs`. */
async function databaseRelay(target: { host: string; port: number }, answerDelayMs = 0) {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream);
    if (answerDelayMs === 0) upstream.pipe(client);
    else upstream.on('data', (chunk) => setTimeout(() => client.write(chunk), answerDelayMs));
  });
  const listen = (port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    async cut() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
    restore: () => listen(port),
  };
}

describe('readiness while the database is unreachable', () => {
  it('answers 503 naming the database while it cannot be reached, liveness still 200, and 200 again once it is back', { timeout: 120_000 }, async () => {
    // A second API on the same Temporal, whose database connection runs through the relay.
    const ferret = new URL(inject('mongoUrl'));
    const relay = await databaseRelay({ host: ferret.hostname, port: Number(ferret.port) });
    const database = await openDatabase({ url: `mongodb://127.0.0.1:${relay.port}/${stack.database.name}` });
    const app = await createApiApp(
      {
        database,
        temporal: stack.temporal,
        jwtSecret: await resolveJwtSecret(database, undefined),
        settings: { temporalNamespace: 'default', taskQueue: stack.taskQueue, webOrigin: undefined },
        clock: systemClock,
      },
      createApiLogger('silent'),
    );
    await app.listen(0, '127.0.0.1');
    const api = new ApiClient(`http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`);
    try {
      expect(await api.get('/api/health/ready')).toEqual({ status: 200, body: { status: 'ok', temporal: true, database: true } });

      await relay.cut();
      expect(await api.get('/api/health/ready')).toEqual({ status: 503, body: { status: 'degraded', temporal: true, database: false } });
      expect(await api.get('/api/health')).toEqual({ status: 503, body: { status: 'degraded', api: true, temporal: true, database: false, worker: false } });
      expect(await api.get('/api/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
      // The stack's own API, on its own connection, is not affected.
      expect((await stack.api.get('/api/health/ready')).status).toBe(200);

      await relay.restore();
      const back = await until('ready again', () => api.get('/api/health/ready'), (r) => r.status === 200);
      expect(back.body).toEqual({ status: 'ok', temporal: true, database: true });
    } finally {
      await app.close();
      await database.close(true);
      await relay.cut();
    }
  });
});

describe('slow database commands (DUBAN_SLOW_QUERY_MS)', () => {
  it('logs a command at or over the threshold as a warning with its command, collection and duration, and none under it', async () => {
    const ferret = new URL(inject('mongoUrl'));
    const relay = await databaseRelay({ host: ferret.hostname, port: Number(ferret.port) }, 300);
    const url = `mongodb://127.0.0.1:${relay.port}/${stack.database.name}`;
    const open = async (thresholdMs: number) => {
      const warnings: { fields: Record<string, unknown>; message: string }[] = [];
      const logger = { warn: (fields: object, message: string) => warnings.push({ fields: fields as Record<string, unknown>, message }) };
      const database = await openDatabase({ url, ...slowCommandLog(thresholdMs, logger) });
      await new UnitRepository(database).listByKind('township');
      await database.close();
      return warnings.filter((warning) => warning.fields.command === 'find');
    };
    try {
      const logged = await open(250);
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ message: 'slow database command', fields: { command: 'find', collection: 'units', failed: false } });
      expect(logged[0]!.fields.durationMs).toBeGreaterThanOrEqual(250);
      expect(await open(60_000)).toEqual([]);
    } finally {
      await relay.cut();
    }
  });
});

describe('request log', () => {
  it('writes one JSON line per answered request: its X-Request-Id, method, path without the query, status and duration', async () => {
    const requests: { method: string; path: string; token?: string; body?: unknown }[] = [
      { method: 'GET', path: '/api/health/live' },
      { method: 'GET', path: `/api/rectifications/${randomUUID()}?view=full`, token: officeToken },
      { method: 'POST', path: '/api/rectifications', token: officeToken, body: { title: '' } },
      { method: 'GET', path: `/api/rectifications/${randomUUID()}` },
    ];
    const statuses: number[] = [];
    for (const { method, path, token, body } of requests) {
      const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      if (body) headers['content-type'] = 'application/json';
      const response = await fetch(stack.baseUrl + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
      await response.arrayBuffer();
      statuses.push(response.status);
      const requestId = response.headers.get('x-request-id');
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      // Written when the answer has gone out: read until it is there.
      const lines = await until(`the log line of ${method} ${path}`, async () => logLines.map((line) => JSON.parse(line) as Record<string, any>).filter((entry) => entry.requestId === requestId), (found) => found.length > 0);
      expect(lines).toHaveLength(1);
      const [entry] = lines;
      expect(entry).toMatchObject({
        service: 'duban-api',
        requestId,
        req: { id: requestId, method, url: path.split('?')[0] },
        res: { statusCode: response.status },
        responseTime: expect.any(Number),
        // Refusals are warnings, answers info.
        level: response.status >= 400 ? 40 : 30,
      });
      expect(typeof entry!.time).toBe('number');
    }
    // An answer, an unknown id, a refused field, no token.
    expect(statuses).toEqual([200, 404, 400, 401]);
  });
});

describe('API metrics', () => {
  it('serves request latency by route pattern, method and status in the Prometheus text format, outside the OpenAPI document', async () => {
    await stack.api.get('/api/health/live');
    await office.get(`/api/rectifications/${randomUUID()}`);
    const response = await fetch(`${stack.baseUrl}/api/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('# TYPE duban_http_request_duration_seconds histogram');
    expect(text).toMatch(/duban_http_request_duration_seconds_count\{service="duban-api",method="GET",route="\/api\/health\/live",status="200"\} [1-9]/);
    // Ids never become labels: the route pattern does.
    expect(text).toMatch(/route="\/api\/rectifications\/:id",status="404"/);
    expect(text).toContain('process_cpu_user_seconds_total');
    const openapi = await stack.api.get('/api/openapi.json');
    expect(Object.keys(openapi.body.paths)).not.toContain('/api/metrics');
  });
});

describe('Idempotency-Key', () => {
  it('runs a repeated registration once and replays the first answer, status and body', async () => {
    const key = randomUUID();
    const before = await stack.countWorkflows();
    const first = await send(officeToken, 'POST', '/api/rectifications', item('幂等登记'), key);
    expect(first.status).toBe(201);
    const again = await send(officeToken, 'POST', '/api/rectifications', item('幂等登记'), key);
    expect(again).toEqual(first);
    expect(await itemsTitled('幂等登记')).toBe(1);
    expect(await stack.countWorkflows()).toBe(before + 1);
  });

  it('treats the same body with its keys in another order as the same request', async () => {
    const key = randomUUID();
    const first = await send(officeToken, 'POST', '/api/rectifications', item('键序无关'), key);
    const reordered = Object.fromEntries(Object.entries(item('键序无关')).reverse());
    expect(await send(officeToken, 'POST', '/api/rectifications', reordered, key)).toEqual(first);
    expect(await itemsTitled('键序无关')).toBe(1);
  });

  it('refuses the same key with a different body (422 naming the header) and creates nothing for it', async () => {
    const key = randomUUID();
    expect((await send(officeToken, 'POST', '/api/rectifications', item('原请求'), key)).status).toBe(201);
    const other = await send(officeToken, 'POST', '/api/rectifications', item('另一个请求'), key);
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    expect(other.body.error.details.fields[0].field).toBe('Idempotency-Key');
    expect(await itemsTitled('另一个请求')).toBe(0);
  });

  it('keeps keys apart per user: another user with the same key makes a request of their own', async () => {
    const key = randomUUID();
    const byOffice = await send(officeToken, 'POST', '/api/rectifications', item('各用户各自的键'), key);
    expect(byOffice.status).toBe(201);
    // The leader may not register: their request runs (and is refused) instead of replaying the office's answer.
    const byLeader = await send(leaderToken, 'POST', '/api/rectifications', item('各用户各自的键'), key);
    expect(byLeader.status).toBe(403);
  });

  it('frees the key when the request fails, so a corrected retry runs', async () => {
    const key = randomUUID();
    const refused = await send(officeToken, 'POST', '/api/rectifications', { ...item('失败后重试'), leadUnitId: 'nowhere' }, key);
    expect(refused.status).toBe(400);
    // Same key, same (still wrong) request: it runs again rather than replaying a stored failure.
    expect((await send(officeToken, 'POST', '/api/rectifications', { ...item('失败后重试'), leadUnitId: 'nowhere' }, key)).status).toBe(400);
    expect((await send(officeToken, 'POST', '/api/rectifications', item('失败后重试'), key)).status).toBe(201);
  });

  it('answers a replayed step with the first answer although the step could not be taken twice', async () => {
    const { body: created } = await office.post('/api/rectifications', item('重复签收'));
    const key = randomUUID();
    const waterToken = await login('water');
    const first = await send(waterToken, 'POST', `/api/rectifications/${created.id}/sign`, {}, key);
    expect(first.status).toBe(200);
    expect(await send(waterToken, 'POST', `/api/rectifications/${created.id}/sign`, {}, key)).toEqual(first);
    // Without the key the repeat is a second step, and the workflow refuses it.
    expect((await water.post(`/api/rectifications/${created.id}/sign`)).status).toBe(409);
  });

  it('refuses a malformed key with 400 naming the header', async () => {
    const response = await send(officeToken, 'POST', '/api/rectifications', item('坏的键'), 'x'.repeat(300));
    expect(response.status).toBe(400);
    expect(response.body.error.details.fields[0].field).toBe('Idempotency-Key');
  });
});

describe('conflicting steps at once', () => {
  it('lets exactly one of two simultaneous sign-ins through; the other gets 409', async () => {
    const { body: created } = await office.post('/api/rectifications', item('并发签收'));
    const answers = await Promise.all([water.post(`/api/rectifications/${created.id}/sign`), water.post(`/api/rectifications/${created.id}/sign`)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(answers.find((a) => a.status === 409)!.body.error.code).toBe('invalid_state');
    const { body: detail } = await office.get(`/api/rectifications/${created.id}`);
    expect(detail.timeline.filter((entry: { action?: string }) => entry.action === 'sign')).toHaveLength(1);
  });

  it('lets exactly one of a simultaneous approval and return of the same plan through', async () => {
    const { body: created } = await office.post('/api/rectifications', item('并发审核'));
    await water.post(`/api/rectifications/${created.id}/sign`);
    const plan = await water.post(`/api/rectifications/${created.id}/plan`, { measures: '更换路灯', targetDate: inDays(30), responsiblePerson: '张三' });
    expect(plan.status).toBe(200);
    const answers = await Promise.all([
      office.post(`/api/rectifications/${created.id}/plan/approve`, {}),
      office.post(`/api/rectifications/${created.id}/plan/return`, { reason: '措施不具体' }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const { body: detail } = await office.get(`/api/rectifications/${created.id}`);
    expect(detail.status).toBe(answers[0]!.status === 200 ? 'rectifying' : 'signed');
  });
});

describe('rebuild of the read model', () => {
  it('reconstructs every item and assignment from the workflows, running and finished, equal to the original', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await office.post('/api/rectifications', item(`重建-${i}`))).body.id as string);
    await water.post(`/api/rectifications/${ids[1]}/sign`);
    // A merged item's workflow has ended: it is rebuilt from the run's result.
    expect((await office.post(`/api/rectifications/${ids[2]}/merge`, { intoItemId: ids[3] })).status).toBe(200);
    const listId = await publishListFor(['water', 'town-a']);
    const [waterAssignment] = (await until('two assignments', () => office.get(`/api/assignments?listId=${listId}`), (r) => r.body.items?.length === 2)).body.items.filter((a: { leadUnitId: string }) => a.leadUnitId === 'water');
    expect((await water.post(`/api/assignments/${waterAssignment.id}/sign`, {})).status).toBe(200);

    const expected = { rectifications: await snapshot('rectifications'), assignments: await snapshot('assignments') };
    expect(expected.rectifications.length).toBeGreaterThanOrEqual(4);
    expect(expected.assignments).toHaveLength(2);
    await stack.database.collection('rectifications').deleteMany({});
    await stack.database.collection('assignments').deleteMany({});
    expect((await office.get(`/api/assignments?listId=${listId}`)).body.items).toEqual([]);

    const report = await rebuildReadModel({ temporal: stack.temporal, database: stack.database, filter: `TaskQueue = '${stack.taskQueue}'` });

    expect(report.byCollection).toEqual({ rectifications: expected.rectifications.length, assignments: 2 });
    expect(await snapshot('rectifications')).toEqual(expected.rectifications);
    expect(await snapshot('assignments')).toEqual(expected.assignments);
    expect((await office.get(`/api/rectifications/${ids[2]}`)).body.status).toBe('merged');
    expect((await water.get(`/api/assignments/${waterAssignment.id}`)).body.status).toBe('in_progress');
  });
});

/** This month's list with one item for `unitIds`, published; returns its id. */
async function publishListFor(unitIds: string[]): Promise<string> {
  const month = shanghaiDate(new Date()).slice(0, 7);
  const draft = await office.post('/api/task-lists', { month, items: [{ title: '重建演练：更新台账', targetUnitIds: unitIds, dueKind: 'date', dueDate: inDays(20) }] });
  expect(draft.status).toBe(201);
  expect((await office.post(`/api/task-lists/${draft.body.id}/publish`, {})).status).toBe(202);
  return draft.body.id as string;
}

async function snapshot(collection: 'rectifications' | 'assignments'): Promise<unknown[]> {
  const records = await stack.database.collection(collection).find({}).sort({ _id: 1 }).toArray();
  return records.map(({ projectedAt: _projectedAt, ...rest }) => rest);
}
