import { randomUUID } from 'node:crypto';
import { shanghaiDate } from '@duban/domain';
import { PASSWORD } from '../../support/org-fixture.js';
import type { ApiClient } from '../../support/stack.js';
import { sleep, type FaultSystem } from './fault-system.js';

/**
 * A bulk of work for the worker-crash scenario: it creates `size` supervised items through the API and answers
 * their ids. `onProgress(done)` lets the scenario strike mid-way. Swappable: when monthly task lists publish
 * (taskListWorkflow fanning out assignment workflows), a `publishTaskList` workload goes here beside this one.
 */
export interface WorkloadOptions {
  /** Distinguishes this run's items from others in the same database. */
  readonly label: string;
  readonly onProgress?: (done: number) => void;
  /** Requests in flight at once. */
  readonly width?: number;
}

export interface Workload {
  readonly name: string;
  run(system: FaultSystem, size: number, options: WorkloadOptions): Promise<string[]>;
}

/** Many registrations (立项交办) at once, each sent the way a careful client does: with an Idempotency-Key, retried on failure. */
export const registerMany: Workload = {
  name: 'register many rectification items',
  async run(system, size, { label, onProgress, width = 8 }) {
    const office = await system.api.login('office', PASSWORD);
    // Due tomorrow: fewer working days left than the blue threshold, so every item's blue notice (a numbered notice
    // plus notifications) fires right after registration — side effects to count after the crash.
    const dueDate = shanghaiDate(new Date(Date.now() + 86_400_000));
    let done = 0;
    const ids: string[] = [];
    const one = async (n: number) => {
      const body = {
        title: `${label}-${n}`,
        description: '故障演练：批量交办，期间强制结束工作进程。',
        source: 'provincial_assessment',
        category: 'drinking_water',
        leadUnitId: 'water',
        dueDate,
      };
      ids.push(await postWithRetry(office, '/api/rectifications', body));
      onProgress?.(++done);
    };
    await inParallel(size, width, one);
    return ids;
  },
};

/** POST with an Idempotency-Key, retried with the same key until it answers 201: at most one item, whatever fails. */
export async function postWithRetry(as: ApiClient, path: string, body: unknown): Promise<string> {
  const key = randomUUID();
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await as.request('POST', path, body, undefined, { 'idempotency-key': key });
      if (response.status === 201) return (response.body as { id: string }).id;
      if (response.status < 500 && response.status !== 409) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
    } catch (error) {
      if (attempt >= 50 || (error instanceof Error && error.message.startsWith(path))) throw error;
    }
    await sleep(500);
  }
}

export async function inParallel(count: number, width: number, task: (n: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}
