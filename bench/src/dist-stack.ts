import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from './stats.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface RunningProcess {
  readonly pid: number;
  stop(): Promise<void>;
}

function startNode(name: string, script: string, env: Record<string, string>, logDir: string): ChildProcess {
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  // BENCH_NODE_ARGS: extra Node flags for the worker and the API, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile a run.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, '--enable-source-maps', join(repoRoot, script)], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  return child;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
}

const serverEnv = (temporalAddress: string, mongoUrl: string) => ({ TEMPORAL_ADDRESS: temporalAddress, MONGO_URL: mongoUrl, WORKER_METRICS_PORT: '0', TEMPORAL_LOG_LEVEL: 'WARN' });

/** A worker process, with its Prometheus endpoint when it was given a metrics port. */
export type RunningWorker = RunningProcess & { readonly metricsUrl?: string };

/** The worker from apps/worker/dist in its own process; resolves once it has logged that it polls. */
export async function startDistWorker(options: { temporalAddress: string; mongoUrl: string; workflowBundleFile: string; logDir: string; name?: string; metricsPort?: number }): Promise<RunningWorker> {
  const metrics = options.metricsPort ? { WORKER_METRICS_PORT: String(options.metricsPort) } : {};
  const metricsUrl = options.metricsPort ? { metricsUrl: `http://127.0.0.1:${options.metricsPort}/metrics` } : {};
  const child = startNode(options.name ?? 'worker', 'apps/worker/dist/main.js', { ...serverEnv(options.temporalAddress, options.mongoUrl), DUBAN_WORKFLOW_BUNDLE: options.workflowBundleFile, ...metrics }, options.logDir);
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (/polling/.test(seen)) {
        child.stdout!.off('data', onData);
        child.stderr!.off('data', onData);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before polling; see ${options.logDir}`)));
  });
  return { pid: child.pid!, stop: stopper(child), ...metricsUrl };
}

/** The API from apps/api/dist in its own process with the org file loaded; resolves once /api/health/ready answers 200. */
export async function startDistApi(options: { temporalAddress: string; mongoUrl: string; port: number; org: unknown; logDir: string }): Promise<RunningProcess & { url: string }> {
  const orgFile = join(options.logDir, 'org.json');
  mkdirSync(options.logDir, { recursive: true });
  writeFileSync(orgFile, JSON.stringify(options.org));
  const child = startNode('api', 'apps/api/dist/main.js', { ...serverEnv(options.temporalAddress, options.mongoUrl), PORT: String(options.port), DUBAN_ORG_FILE: orgFile, DUBAN_ADMIN_PASSWORD: 'Bench-admin-passw0rd' }, options.logDir);
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}; see ${options.logDir}/api.log`);
    try {
      if ((await fetch(`${url}/api/health/ready`)).ok) return { pid: child.pid!, url, stop: stopper(child) };
    } catch {
      // not listening yet
    }
    await sleep(300);
  }
  await stopper(child)();
  throw new Error('API did not become healthy within 120 s');
}
