import { Context } from '@temporalio/activity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MONTHLY_LIST_ISSUE_WORKFLOW, type IssuedList, type MonthlyListActivities } from '@duban/contracts';
import { startHarness, type Harness } from './testing/harness.js';
import { recordHistory } from './testing/histories.js';
import type { monthlyListIssueWorkflow } from './monthly-list-issue.workflow.js';

/**
 * `at`: when the workflow asked for the call, on the test server's clock (the workflows' time) — not this process's
 * clock, and not `env.currentTimeMs()` either, which races ahead while an activity runs and time is unlocked.
 */
type Call = { readonly name: keyof MonthlyListActivities; readonly input: Record<string, unknown>; readonly at: number };

/**
 * The monthly Schedule's workflow on the time-skipping server (the test server does not run Schedules themselves;
 * test/src/task-templates.e2e.test.ts triggers the real one on the dev server). The activities answer from `lists`,
 * one scripted answer per call, and record what they were asked.
 */
const calls: Call[] = [];
const answers: Record<string, IssuedList[]> = {};
let harness: Harness;
const queue = 'monthly-list-issue';

beforeAll(async () => {
  // Saturday 2024-11-30 17:00 UTC = Sunday 2024-12-01 01:00 in Shanghai: the Shanghai month is already December.
  harness = await startHarness({
    taskQueue: queue,
    startAt: '2024-11-30 17:00:00',
    activities: () => ({
      addDueTemplateItems: async (input: Record<string, unknown>) => record('addDueTemplateItems', input),
      publishIssuedList: async (input: Record<string, unknown>) => record('publishIssuedList', input),
    }),
  });
});

afterAll(async () => {
  await harness?.close();
});

async function record(name: keyof MonthlyListActivities, input: Record<string, unknown>): Promise<IssuedList> {
  calls.push({ name, input, at: Context.current().info.currentAttemptScheduledTimestampMs });
  const next = answers[name]?.shift();
  if (!next) throw new Error(`no scripted answer for ${name}`);
  return name === 'publishIssuedList' ? { ...next, publishAt: input.at as string } : next;
}

/**
 * Runs the workflow to its end. Time moves only when `skipTime` is set (the time-skipping client), and only as far as
 * the workflow waits: once a run ends, that client lets the server's clock race ahead (years), so the runs before
 * the one that waits use the plain client and leave the clock at the start.
 */
const run = (id: string, month?: string, skipTime = false) =>
  (skipTime ? harness.env.client : harness.client).workflow.execute<typeof monthlyListIssueWorkflow>(MONTHLY_LIST_ISSUE_WORKFLOW, {
    taskQueue: queue,
    workflowId: id,
    args: [month ? { month } : {}],
  });

describe('issuing the month from recurring obligations', () => {
  it("adds the Shanghai month's due templates to the draft and publishes it at once", async () => {
    calls.length = 0;
    answers.addDueTemplateItems = [{ listId: 'TL-2024-12', status: 'draft', publishAt: null, items: 5, added: 5 }];
    answers.publishIssuedList = [{ listId: 'TL-2024-12', status: 'scheduled', publishAt: null, items: 5, added: 0 }];
    const result = await run('issue-draft');
    expect(result).toMatchObject({ month: '2024-12', listId: 'TL-2024-12', added: 5, publication: 'this-run' });
    expect(calls.map((c) => c.name)).toEqual(['addDueTemplateItems', 'publishIssuedList']);
    expect(calls[0]!.input).toMatchObject({ month: '2024-12' });
    expect(calls[1]!.input).toEqual({ listId: 'TL-2024-12', at: calls[0]!.input.at });
    await recordHistory(harness.client.workflow.getHandle('issue-draft'), 'monthly-list-issue-published');
  });

  it('leaves a list the office scheduled to the office, and adds what its publication missed once it is out', async () => {
    calls.length = 0;
    const publishAt = '2024-12-03T01:00:00.000Z'; // the office chose the 3rd, 09:00
    answers.addDueTemplateItems = [
      { listId: 'TL-2024-12', status: 'scheduled', publishAt, items: 7, added: 2 },
      { listId: 'TL-2024-12', status: 'published', publishAt, items: 7, added: 0 },
    ];
    const result = await run('issue-office-scheduled', '2024-12', true);
    expect(result).toMatchObject({ month: '2024-12', status: 'published', added: 2, publication: 'earlier' });
    expect(calls.map((c) => c.name)).toEqual(['addDueTemplateItems', 'addDueTemplateItems']);
    expect(calls[1]!.input).toMatchObject({ month: '2024-12', mustBePublished: true });
    // The first look was on the 1st; the second waited (in workflow time) for the office's instant, and not a day longer.
    expect(calls[0]!.at).toBeLessThan(Date.parse('2024-12-02T00:00:00Z'));
    expect(calls[1]!.at).toBeGreaterThanOrEqual(Date.parse(publishAt));
    expect(calls[1]!.at).toBeLessThan(Date.parse(publishAt) + 60_000);
    await recordHistory(harness.env.client.workflow.getHandle('issue-office-scheduled'), 'monthly-list-issue-office-scheduled');
  });

  it('publishes nothing when no template is due and the draft is empty', async () => {
    calls.length = 0;
    answers.addDueTemplateItems = [{ listId: 'TL-2025-01', status: 'draft', publishAt: null, items: 0, added: 0 }];
    const result = await run('issue-nothing-due', '2025-01');
    expect(result).toMatchObject({ month: '2025-01', publication: 'none' });
    expect(calls.map((c) => c.name)).toEqual(['addDueTemplateItems']);
  });
});
