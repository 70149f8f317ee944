import type { Client } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { inject } from 'vitest';
import { createApiApp, loadOrg, resolveJwtSecret, systemClock, type Clock, type OrgFile } from '@duban/api';
import { parseWebhookAllowList } from '@duban/config';
import { openDatabase, syncIndexes } from '@duban/persistence';
import { connectTemporalClient } from '@duban/temporal';
import { createDubanWorker, runWithHeartbeat } from '@duban/worker';
import '../setup/provided.js';
import { quietTemporalLogs } from '../setup/quiet-temporal.js';

export interface Stack {
  readonly baseUrl: string;
  readonly api: ApiClient;
  /** The stack's own database, Temporal client and task queue, for suites that drive activities or workflows directly. */
  readonly database: Connection;
  readonly temporal: Client;
  readonly taskQueue: string;
  /** How many workflows this stack's API has started (Temporal visibility), to prove refused input started none. */
  countWorkflows(): Promise<number>;
  close(): Promise<void>;
}

/**
 * The API and the worker in this test process, against the real Temporal dev server and FerretDB
 * started by the global setup. Each stack has its own database and task queue, so suites don't meet.
 */
export async function startStack(
  org: OrgFile,
  /**
   * `webhookAllowList`: as DUBAN_WEBHOOK_ALLOWED_HOSTS, e.g. '127.0.0.1' for a suite's own HTTP receiver; none when absent.
   * `install`: the database (a whole URL) and task queue of an install the suite runs itself, kept when the stack closes
   * (default: a fresh database on the global setup's store and a fresh queue, dropped at close).
   */
  options: { clock?: Clock; logger?: Parameters<typeof createApiApp>[1]; webhookAllowList?: string; install?: { mongoUrl: string; taskQueue: string } } = {},
): Promise<Stack> {
  quietTemporalLogs();
  const suffix = randomUUID().slice(0, 8);
  const database = await openDatabase({ url: options.install?.mongoUrl ?? `${inject('mongoUrl')}duban_e2e_${suffix}` });
  await syncIndexes(database);
  await loadOrg(database, org);

  const webhookAllowList = parseWebhookAllowList(options.webhookAllowList ?? '');
  const taskQueue = options.install?.taskQueue ?? `duban-e2e-${suffix}`;
  const temporalAddress = inject('temporalAddress');
  const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
  const worker: Worker = await createDubanWorker({
    temporal: nativeConnection,
    namespace: 'default',
    database,
    taskQueue,
    workflowBundle: { code: readFileSync(inject('workflowBundlePath'), 'utf8') },
    webhookAllowList,
  });
  const workerRun = runWithHeartbeat(worker, database);

  const temporal = await connectTemporalClient({ address: temporalAddress, namespace: 'default' });
  const app = await createApiApp({
    database,
    temporal,
    jwtSecret: await resolveJwtSecret(database, undefined),
    settings: { temporalNamespace: 'default', taskQueue, webOrigin: undefined, webhookAllowList },
    clock: options.clock ?? systemClock,
  }, options.logger);
  await app.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

  return {
    baseUrl,
    api: new ApiClient(baseUrl),
    database,
    temporal,
    taskQueue,
    async countWorkflows() {
      // Visibility is eventually consistent: read until three reads in a row agree.
      const read = async () => (await temporal.workflow.count(`TaskQueue = '${taskQueue}'`)).count;
      let seen = [await read()];
      while (seen.length < 3 || new Set(seen.slice(-3)).size > 1) {
        await new Promise((r) => setTimeout(r, 100));
        seen = [...seen, await read()];
      }
      return seen.at(-1)!;
    },
    async close() {
      await app.close();
      worker.shutdown();
      await workerRun;
      await nativeConnection.close();
      await temporal.connection.close();
      if (!options.install) await database.dropDatabase();
      await database.close();
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

/** A user's view of the HTTP API: plain fetch, JSON in and out. */
export class ApiClient {
  constructor(private readonly baseUrl: string, private readonly token?: string) {}

  as(token: string): ApiClient {
    return new ApiClient(this.baseUrl, token);
  }

  async login(username: string, password: string): Promise<ApiClient> {
    const response = await this.post('/api/auth/login', { username, password });
    if (response.status !== 200) throw new Error(`login ${username} failed: ${response.status} ${JSON.stringify(response.body)}`);
    return this.as(response.body.accessToken as string);
  }

  /** A multipart upload (e.g. an attachment). */
  async postForm<T = any>(path: string, form: FormData): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = this.token ? { authorization: `Bearer ${this.token}` } : {};
    const response = await fetch(this.baseUrl + path, { method: 'POST', headers, body: form });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as T) : (undefined as T) };
  }

  get<T = any>(path: string): Promise<ApiResponse<T>> {
    return this.request('GET', path);
  }

  put<T = any>(path: string, body?: unknown): Promise<ApiResponse<T>> {
    return this.request('PUT', path, body);
  }

  post<T = any>(path: string, body?: unknown): Promise<ApiResponse<T>> {
    return this.request('POST', path, body);
  }

  async request<T = any>(method: string, path: string, body?: unknown, rawBody?: string, extraHeaders: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...extraHeaders };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined || rawBody !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(this.baseUrl + path, { method, headers, body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)) });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as T) : (undefined as T) };
  }
}
