import type { Client } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Connection } from 'mongoose';
import { inject } from 'vitest';
import { createApiApp, loadOrg, resolveJwtSecret, systemClock } from '@duban/api';
import { TASK_QUEUE } from '@duban/contracts';
import { openDatabase, syncIndexes } from '@duban/persistence';
import { connectTemporalClient } from '@duban/temporal';
// @ts-expect-error plain ESM helper without types
import { PERSISTENT_SQLITE_PRAGMAS, freePort, repoRoot, startTemporalDev, waitForPort } from '../../../../tools/lib/servers.mjs';
import { testCounty } from '../../support/org-fixture.js';
import { ApiClient } from '../../support/stack.js';
import { TestStore } from '../../support/test-store.js';
import '../../setup/provided.js';

interface RunningServer {
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Everything of Duban as separate processes on loopback, owned by one fault scenario: a Temporal dev server on
 * its own SQLite file, FerretDB on its own store (PostgreSQL cluster, or SQLite: DUBAN_TEST_STORE), the worker as a child process (the real `apps/worker` main,
 * run from source), and the API in this process. Each part can be killed (-9) and started again on the same data.
 */
export class FaultSystem {
  private temporalServer!: RunningServer;
  private store: TestStore | undefined;
  private workerProcess: ChildProcess | undefined;
  private apiClose: (() => Promise<void>) | undefined;
  api!: ApiClient;
  database!: Connection;
  temporal!: Client;
  workerMetricsPort = 0;
  readonly dir = mkdtempSync(join(tmpdir(), 'duban-faults-'));

  private constructor(
    private readonly temporalPort: number,
    private readonly mongoPort: number,
  ) {}

  static async start(options: { workerEnv?: Record<string, string> } = {}): Promise<FaultSystem> {
    const system = new FaultSystem(await freePort(), await freePort());
    await Promise.all([system.startTemporal(), system.startDatabase()]);
    system.database = await openDatabase({ url: system.mongoUrl });
    await syncIndexes(system.database);
    await loadOrg(system.database, testCounty);
    await system.startWorker(options.workerEnv);
    system.temporal = await connectTemporalClient({ address: system.temporalAddress, namespace: 'default' });
    const app = await createApiApp({
      database: system.database,
      temporal: system.temporal,
      jwtSecret: await resolveJwtSecret(system.database, undefined),
      settings: { temporalNamespace: 'default', taskQueue: TASK_QUEUE, webOrigin: undefined },
      clock: systemClock,
    });
    await app.listen(0, '127.0.0.1');
    system.api = new ApiClient(`http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`);
    system.apiClose = () => app.close();
    return system;
  }

  get temporalAddress(): string {
    return `127.0.0.1:${this.temporalPort}`;
  }

  get mongoUrl(): string {
    return `mongodb://127.0.0.1:${this.mongoPort}/duban_faults`;
  }

  async startTemporal(): Promise<void> {
    this.temporalServer = await startTemporalDev({ port: this.temporalPort, dbFile: join(this.dir, 'temporal.db'), logFile: join(this.dir, 'temporal.log'), sqlitePragmas: PERSISTENT_SQLITE_PRAGMAS });
  }

  /** FerretDB on its store: the first time both, after killDatabase() FerretDB again on the same data. */
  async startDatabase(): Promise<void> {
    if (this.store) await this.store.startFerretDb();
    else this.store = await TestStore.start({ port: this.mongoPort, dir: this.dir });
  }

  /** The worker as the real `apps/worker/src/main.ts`, from source (tsx), on the suite's prebuilt workflow bundle. */
  async startWorker(extraEnv: Record<string, string> = {}): Promise<void> {
    this.workerMetricsPort = await freePort();
    const log = createWriteStream(join(this.dir, 'worker.log'), { flags: 'a' });
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', join(repoRoot, 'apps', 'worker', 'src', 'main.ts')], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        TEMPORAL_ADDRESS: this.temporalAddress,
        MONGO_URL: this.mongoUrl,
        DUBAN_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
        WORKER_METRICS_PORT: String(this.workerMetricsPort),
        LOG_LEVEL: 'info',
        ...extraEnv,
      },
    });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    this.workerProcess = child;
    // The metrics port opens once the worker is created, right before it polls.
    await waitForPort(this.workerMetricsPort, { timeoutMs: 120_000, child });
  }

  /** kill -9: no shutdown, activities in flight are lost until their timeout. */
  async killWorker(): Promise<void> {
    await kill9(this.workerProcess);
    this.workerProcess = undefined;
  }

  /** SIGTERM: the worker's graceful shutdown; resolves with its exit code. */
  async stopWorkerGracefully(): Promise<number | null> {
    const child = this.workerProcess;
    if (!child) return null;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    this.workerProcess = undefined;
    return exited;
  }

  async killTemporal(): Promise<void> {
    await kill9(this.temporalServer.child);
  }

  /** kill -9 of FerretDB (the server the app talks to); its store's files or PostgreSQL cluster stay. */
  async killDatabase(): Promise<void> {
    await kill9(this.store?.ferretdb.child);
  }

  workerLog(): string {
    return readFileSync(join(this.dir, 'worker.log'), 'utf8');
  }

  async workerMetrics(): Promise<string> {
    return (await fetch(`http://127.0.0.1:${this.workerMetricsPort}/metrics`)).text();
  }

  async close(): Promise<void> {
    await this.apiClose?.();
    if (this.workerProcess) await this.stopWorkerGracefully();
    await this.temporal?.connection.close();
    await this.database?.close();
    await Promise.all([this.temporalServer?.stop(), this.store?.stop()]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function kill9(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** Polls `probe` every `intervalMs` until it holds (returns true) or `timeoutMs` passes; then fails with `what`. */
export async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 120_000, intervalMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await probe()) return;
    } catch {
      // a server on its way back up
    }
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs / 1000} s: ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
