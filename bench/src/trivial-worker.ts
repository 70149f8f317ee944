import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const trivialWorkflowsPath = () => {
  const js = fileURLToPath(new URL('./trivial.workflow.js', import.meta.url));
  return existsSync(js) ? js : js.replace(/\.js$/, '.ts');
};

// Bundled once per process: every baseline (fan-out, task list, timers) runs the same trivial workflows.
let trivialBundle: Promise<WorkflowBundle> | undefined;
const bundle = () => (trivialBundle ??= bundleWorkflowCode({ workflowsPath: trivialWorkflowsPath(), logger: new DefaultLogger('WARN') }));

/**
 * Runs `use` while a worker of the raw-Temporal baselines (trivial.workflow.ts) polls a task queue of its own on
 * the given server, in this process; the worker is stopped afterwards.
 */
export async function withTrivialWorker<T>(temporalAddress: string, use: (taskQueue: string) => Promise<T>, options: { maxCachedWorkflows?: number } = {}): Promise<T> {
  const taskQueue = `bench-raw-${randomUUID().slice(0, 8)}`;
  const connection = await NativeConnection.connect({ address: temporalAddress });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowBundle: await bundle(),
    ...(options.maxCachedWorkflows ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
  });
  const running = worker.run();
  try {
    return await use(taskQueue);
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
  }
}
