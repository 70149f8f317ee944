import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { afterEach, describe, expect, it } from 'vitest';
import { calendarFromOverrides, shiftWorkingDaysWith } from '@duban/calendar';
import {
  ASSIGNMENT_WORKFLOW,
  TASK_LIST_WORKFLOW,
  assignmentActUpdate,
  assignmentStateQuery,
  assignmentWorkflowId,
  taskListWorkflowId,
  type TaskListWorkflowInput,
} from '@duban/contracts';
import {
  FINAL_ASSIGNMENT_STATUSES,
  assignmentLight,
  assignmentSpecs,
  carryOverItem,
  countAssignments,
  endOfShanghaiDay,
  expandTarget,
  freezeItem,
  lastWorkingDayShift,
  quarterReviewAtClose,
  summarizeOutcomes,
  type Actor,
  type AssignmentCommand,
  type AssignmentState,
  type PublishedItem,
  type QuarterReview,
  type TaskListItem,
  type UnitMonthResult,
} from '@duban/domain';
import { firedAt, office, startHarness, type Harness } from './testing/harness.js';
import { recordHistory } from './testing/histories.js';
import type { taskListWorkflow } from './task-list.workflow.js';

const townA: Actor = { userId: 'u-town-a', name: '甲镇经办人', unitId: 'town-a', roles: ['unit'] };
const townAHead: Actor = { userId: 'u-town-a-head', name: '甲镇镇长', unitId: 'town-a', roles: ['unit_leader'] };
const zhang: Actor = { userId: 'u-zhang', name: '张三', unitId: 'town-a', roles: ['unit'] };
const li: Actor = { userId: 'u-li', name: '李四', unitId: 'town-a', roles: ['unit'] };
const UNITS: Record<string, string[]> = { township: ['town-a', 'town-b'] };

interface MemoryList {
  readonly id: string;
  readonly title: string;
  readonly month: string;
  readonly items: TaskListItem[];
  published?: { items: PublishedItem[]; closeAt: string };
}

/**
 * The task-list activities over memory instead of MongoDB: the same domain functions as the real ones, and
 * real assignment workflows started and closed through the test server's client.
 */
class ListBackend {
  readonly lists = new Map<string, MemoryList>();
  readonly results = new Map<string, UnitMonthResult[]>();
  /** By list: the quarterly review stored when a quarter's last month closed. */
  readonly quarterReviews = new Map<string, QuarterReview>();
  readonly carried: TaskListItem[] = [];
  /** By list: how many assignments had started when the units were told (清单下发通知). */
  readonly told: { listId: string; started: number }[] = [];
  private readonly started = new Map<string, number>();
  constructor(private readonly harness: () => Harness) {}

  latest(listId: string): AssignmentState[] {
    const byId = new Map<string, AssignmentState>();
    for (const state of this.harness().recorded.assignments) {
      if (state.listId === listId && (byId.get(state.id)?.version ?? 0) < state.version) byId.set(state.id, state);
    }
    return [...byId.values()];
  }

  activities(client: Client, taskQueue: string) {
    return {
      freezeTaskList: async ({ listId }: { listId: string }) => {
        const list = this.lists.get(listId)!;
        if (!list.published) {
          const [lastDay] = await shiftWorkingDaysWith(async (from, to) => calendarFromOverrides([], from, to), [lastWorkingDayShift(list.month)]);
          const items = list.items.map((item) => freezeItem(item, list.month, expandTarget(item.target, (kind) => UNITS[kind] ?? []), lastDay!));
          list.published = { items, closeAt: endOfShanghaiDay(lastDay!) };
        }
        return { total: countAssignments(list.published.items), closeAt: list.published.closeAt };
      },
      startAssignments: async ({ listId, offset, limit, publishedBy }: { listId: string; offset: number; limit: number; publishedBy: Actor }) => {
        const list = this.lists.get(listId)!;
        const specs = assignmentSpecs({ id: list.id, title: list.title, month: list.month, items: list.published!.items }).slice(offset, offset + limit);
        for (const spec of specs) {
          try {
            await client.workflow.start(ASSIGNMENT_WORKFLOW, {
              taskQueue,
              workflowId: assignmentWorkflowId(taskQueue, spec.id),
              args: [{ spec, publishedBy }],
              workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
            });
          } catch (error) {
            if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
          }
        }
        this.started.set(listId, (this.started.get(listId) ?? 0) + specs.length);
        return specs.length;
      },
      notifyAssignedUnits: async ({ listId }: { listId: string }) => {
        this.told.push({ listId, started: this.started.get(listId) ?? 0 });
        return UNITS.township!.length;
      },
      closeOpenAssignments: async ({ listId, limit, actor }: { listId: string; limit: number; actor: Actor }) => {
        const open = this.latest(listId).filter((a) => !FINAL_ASSIGNMENT_STATUSES.includes(a.status)).slice(0, limit);
        for (const a of open) {
          await client.workflow.getHandle(assignmentWorkflowId(taskQueue, a.id)).executeUpdate(assignmentActUpdate, { args: [{ actor, command: { type: 'closeMonth' } }] });
        }
        return open.length;
      },
      finishMonthClose: async ({ listId, at }: { listId: string; at: string }) => {
        const all = this.latest(listId);
        const rows = summarizeOutcomes(all);
        this.results.set(listId, rows);
        this.carried.push(...all.filter((a) => a.status === 'carried_over').map((a) => carryOverItem(a)));
        const review = quarterReviewAtClose(this.lists.get(listId)!.month, at, (month) => this.results.get(`TL-${month}`) ?? null);
        if (review) this.quarterReviews.set(listId, review);
        return rows;
      },
    };
  }
}

const item = (id: string, overrides: Partial<TaskListItem>): TaskListItem => ({
  id,
  title: id,
  content: '',
  target: { kind: 'unitKind', unitKind: 'township' },
  coUnitIds: [],
  due: { kind: 'monthEnd' },
  onUnfinished: 'carry_over',
  quantity: null,
  carriedFrom: null,
  templateId: null,
  ...overrides,
});

let harness: Harness;
let backend: ListBackend;

let queueOfTest = '';

async function start(startAt: string, taskQueue: string) {
  queueOfTest = taskQueue;
  backend = new ListBackend(() => harness);
  harness = await startHarness({ taskQueue, startAt, activities: (client) => backend.activities(client, taskQueue) });
}

afterEach(async () => {
  await harness?.close();
});

const sh = (local: string) => new Date(`${local}+08:00`).toISOString();

function publish(list: MemoryList, taskQueue: string, options: Partial<TaskListWorkflowInput> = {}) {
  backend.lists.set(list.id, list);
  return harness.client.workflow.start<typeof taskListWorkflow>(TASK_LIST_WORKFLOW, {
    taskQueue,
    workflowId: taskListWorkflowId(taskQueue, list.id),
    args: [{ listId: list.id, publishedBy: office, ...options }],
  });
}

const act = (id: string, actor: Actor, command: AssignmentCommand) =>
  harness.client.workflow.getHandle(assignmentWorkflowId(queueOfTest, id)).executeUpdate(assignmentActUpdate, { args: [{ actor, command }] });
const stateOf = (id: string) => harness.client.workflow.getHandle(assignmentWorkflowId(queueOfTest, id)).query(assignmentStateQuery);

/** Waits (in real time) until the projections satisfy `done`. */
async function until(done: () => boolean, what: string) {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!done()) throw new Error(`timed out waiting for ${what}`);
}

describe('a monthly key-task list', () => {
  it('publishes on the 1st at 09:00, is split and completed, and closes after the last working day with carry-over and failure', async () => {
    const queue = 'task-list-month';
    await start('2024-11-30 02:00:00', queue); // Saturday 2024-11-30, 10:00 in Shanghai
    const listId = 'TL-2024-12';
    const handle = await publish(
      {
        id: listId,
        title: '2024年12月重点工作清单',
        month: '2024-12',
        items: [
          item('employment-ledger', { title: '更新就业台账', due: { kind: 'dayOfMonth', day: 15 }, onUnfinished: 'carry_over' }),
          item('monthly-review', { title: '村级月度研判复核', target: { kind: 'units', unitIds: ['town-a'] }, due: { kind: 'lastWorkingDay' }, onUnfinished: 'fail' }),
        ],
      },
      queue,
      { publishAt: sh('2024-12-01T09:00:00') },
    );

    await harness.env.sleep('20 hours'); // Saturday 10:00 → Sunday 06:00: nothing yet
    expect(harness.recorded.assignments).toEqual([]);
    await harness.env.sleep('4 hours'); // past 09:00 on the 1st
    await until(() => new Set(harness.recorded.assignments.map((a) => a.id)).size === 3, 'three assignments');
    const ledgerA = `${listId}.employment-ledger.town-a`;
    const ledgerB = `${listId}.employment-ledger.town-b`;
    const reviewA = `${listId}.monthly-review.town-a`;
    expect((await stateOf(ledgerA)).dueAt).toBe(endOfShanghaiDay('2024-12-15'));
    expect((await stateOf(reviewA)).dueAt).toBe(endOfShanghaiDay('2024-12-31'));

    // Town A splits the ledger to two people (分解到人, 倒排工期), each completes their part, the head countersigns.
    await act(ledgerA, townA, { type: 'sign' });
    const split = await act(ledgerA, townA, {
      type: 'split',
      parts: [
        { title: '入户核实就业信息', assigneeUserId: zhang.userId, assigneeName: zhang.name, dueDate: '2024-12-10' },
        { title: '录入系统', assigneeUserId: li.userId, assigneeName: li.name, dueDate: '2024-12-13' },
      ],
    });
    await expect(act(ledgerA, li, { type: 'completePart', partId: split.parts[0]!.id, summary: '替别人完成' })).rejects.toThrow();
    await act(ledgerA, zhang, { type: 'completePart', partId: split.parts[0]!.id, summary: '已核实 36 户' });
    await act(ledgerA, li, { type: 'completePart', partId: split.parts[1]!.id, summary: '已录入' });
    await act(ledgerA, townA, { type: 'submit', summary: '台账已更新' });
    await act(ledgerA, townAHead, { type: 'countersign' });
    const done = await act(ledgerA, office, { type: 'signOff' });
    expect([done.status, done.outcome]).toEqual(['done', 'on_time']);
    await act(reviewA, townA, { type: 'sign' });

    // Town B's ledger was due on the 15th: three working days on (end of 12-18) it waits in the office's queue.
    await harness.env.sleep('18 days'); // to 12-19 06:00
    expect((await stateOf(ledgerB)).escalation).toMatchObject({ level: 1, handled: null });
    const urged = await act(ledgerB, office, { type: 'handleEscalation', action: 'urge', note: '电话督促乙镇' });
    expect(urged.escalation).toMatchObject({ level: 1, handled: { action: 'urge', note: '电话督促乙镇' } });
    await harness.env.sleep('13 days'); // to 2025-01-01 06:00: the month closed at the end of Tuesday 12-31
    const progress = await handle.result();
    expect(progress).toMatchObject({ phase: 'closed', total: 3, started: 3, closeAt: endOfShanghaiDay('2024-12-31') });

    const ledgerBState = (await harness.client.workflow.getHandle(assignmentWorkflowId(queueOfTest, ledgerB)).result()) as AssignmentState;
    expect([ledgerBState.status, ledgerBState.outcome]).toEqual(['carried_over', 'carried_over']);
    // Nobody signed in town B: reminded on the due morning and after, then blue, red and both escalation levels before the month closed.
    expect(ledgerBState.timeline.filter((e) => e.actor === null).map((e) => e.action)).toEqual([
      'signInDueToday',
      'signInReminder',
      'blueNotice',
      'overdue',
      'escalate1',
      'escalate2',
    ]);
    expect(ledgerBState.notices.map((n) => n.colour)).toEqual(['blue', 'red']);
    const reviewState = (await harness.client.workflow.getHandle(assignmentWorkflowId(queueOfTest, reviewA)).result()) as AssignmentState;
    expect([reviewState.status, reviewState.outcome]).toEqual(['failed', 'failed']);

    expect(backend.results.get(listId)).toEqual([
      { unitId: 'town-a', total: 2, onTime: 1, late: 0, carriedOver: 0, failed: 1, onTimeRate: 0.5 },
      { unitId: 'town-b', total: 1, onTime: 0, late: 0, carriedOver: 1, failed: 0, onTimeRate: 0 },
    ]);
    expect(backend.carried).toEqual([
      expect.objectContaining({ title: '【结转】更新就业台账', carriedFrom: ledgerB, target: { kind: 'units', unitIds: ['town-b'] }, due: { kind: 'monthEnd' } }),
    ]);
    await recordHistory(handle, 'task-list-published-closed');
    await recordHistory(harness.client.workflow.getHandle(assignmentWorkflowId(queueOfTest, ledgerA)), 'assignment-split-done');
  });

  it('reminds the unit on the morning its sign-in falls due, then chases it once the day has passed', async () => {
    const queue = 'task-list-sign-in-morning';
    await start('2024-11-30 02:00:00', queue); // Saturday 2024-11-30, 10:00 in Shanghai
    const listId = 'TL-2024-12';
    await publish({ id: listId, title: '2024年12月重点工作清单', month: '2024-12', items: [item('visit', { title: '走访监测户', target: { kind: 'units', unitIds: ['town-a'] } })] }, queue);
    const visit = `${listId}.visit.town-a`;
    await until(() => backend.latest(listId).length === 1, 'the assignment');
    await harness.env.sleep('3 days'); // to Tuesday 12-03: sign-in fell due on Monday 12-02, the first working day after publication
    const steps = (await stateOf(visit)).timeline.filter((e) => e.actor === null).map((e) => [e.action, e.at] as const);
    expect(steps.map(([action]) => action)).toEqual(['signInDueToday', 'signInReminder']);
    expect(firedAt(steps[0]![1], '2024-12-02T01:00:00.000Z')).toBe(true); // 09:00 on the due day
    expect(firedAt(steps[1]![1], '2024-12-02T15:59:59.999Z')).toBe(true);
    const told = harness.recorded.notifications.filter((n) => n.subject.id === visit && n.title.includes('签收'));
    expect(told.map((n) => n.title)).toEqual(['“走访监测户”今天签收到期', '“走访监测户”尚未签收']);
    expect(told[0]!.body).toContain('签收时限为今天（2024-12-02）');
    await recordHistory(harness.client.workflow.getHandle(assignmentWorkflowId(queueOfTest, visit)), 'assignment-deadline-day-reminder');
  });

  it('tells the units once, after the last batch of the list has started, and not again when the month closes', async () => {
    const queue = 'task-list-told';
    await start('2024-11-30 02:00:00', queue);
    const listId = 'TL-2024-12';
    const handle = await publish(
      {
        id: listId,
        title: '2024年12月重点工作清单',
        month: '2024-12',
        items: [item('ledger', { title: '更新就业台账' }), item('review', { title: '村级月度研判复核', target: { kind: 'units', unitIds: ['town-a'] } })],
      },
      queue,
      { batchSize: 1 },
    );
    await until(() => backend.told.length > 0, 'the units told');
    expect(backend.told).toEqual([{ listId, started: 3 }]);
    const { closeMonthEarlyUpdate } = await import('@duban/contracts');
    await handle.executeUpdate(closeMonthEarlyUpdate, { args: [{ actor: office }] });
    expect(await handle.result()).toMatchObject({ phase: 'closed', started: 3 });
    expect(backend.told).toHaveLength(1);
    await recordHistory(handle, 'task-list-units-told');
  });

  it('closes early when the office asks, and a quarter of three monthly lists sums up per unit (季度盘点)', async () => {
    const queue = 'task-list-quarter';
    await start('2024-09-30 02:00:00', queue);
    const months = ['2024-10', '2024-11', '2024-12'];
    const handles = [];
    for (const month of months) {
      handles.push(
        await publish(
          { id: `TL-${month}`, title: `${month} 清单`, month, items: [item('visit', { title: '走访监测户', onUnfinished: 'fail' })] },
          queue,
          { publishAt: sh(`${month}-01T09:00:00`) },
        ),
      );
    }
    await harness.env.sleep('2 days');
    await until(() => backend.latest('TL-2024-10').length === 2, 'October assignments');
    const visitA = 'TL-2024-10.visit.town-a';
    await act(visitA, townA, { type: 'sign' });
    await act(visitA, townA, { type: 'submit', summary: '已走访' });
    await act(visitA, townAHead, { type: 'countersign' });
    await act(visitA, office, { type: 'signOff' });
    // The office closes October early: town B's visit fails at once.
    const { closeMonthEarlyUpdate } = await import('@duban/contracts');
    await handles[0]!.executeUpdate(closeMonthEarlyUpdate, { args: [{ actor: office }] });
    expect(await handles[0]!.result()).toMatchObject({ phase: 'closed', closeAt: endOfShanghaiDay('2024-10-31') });
    await expect(handles[0]!.executeUpdate(closeMonthEarlyUpdate, { args: [{ actor: office }] })).rejects.toThrow();

    await harness.env.sleep('93 days');
    for (const h of handles) expect((await h.result()).phase).toBe('closed');
    // November's last working day is Friday 11-29 (the 30th is a Saturday).
    expect((await handles[1]!.result()).closeAt).toBe(endOfShanghaiDay('2024-11-29'));
    // December's close stored the quarter's review: the three months per unit, each month closed.
    expect([...backend.quarterReviews.keys()]).toEqual(['TL-2024-12']);
    const review = backend.quarterReviews.get('TL-2024-12')!;
    expect(review).toEqual({
      quarter: '2024-Q4',
      at: expect.any(String),
      months: months.map((month) => ({ month, closed: true })),
      results: [
        { unitId: 'town-a', total: 3, onTime: 1, late: 0, carriedOver: 0, failed: 2, onTimeRate: 1 / 3 },
        { unitId: 'town-b', total: 3, onTime: 0, late: 0, carriedOver: 0, failed: 3, onTimeRate: 0 },
      ],
    });
    expect(Date.parse(review.at)).toBeGreaterThan(Date.parse(endOfShanghaiDay('2024-12-31')));
  });

  it('turns a quantified item yellow when it lags the milestone schedule and red when a milestone passes unmet', async () => {
    const queue = 'task-list-quantity';
    await start('2025-05-31 18:00:00', queue); // 2025-06-01 02:00 in Shanghai
    const listId = 'TL-2025-06';
    await publish(
      {
        id: listId,
        title: '2025年6月重点工作清单',
        month: '2025-06',
        items: [
          item('funds', {
            title: '衔接资金支付进度',
            target: { kind: 'units', unitIds: ['town-a'] },
            due: { kind: 'date', date: '2025-06-27' },
            quantity: { metric: '资金支付进度', unit: '%', baseline: 0, target: 60, milestones: [{ date: '2025-06-15', value: 40 }, { date: '2025-06-27', value: 60 }] },
          }),
        ],
      },
      queue,
    );
    const funds = `${listId}.funds.town-a`;
    await until(() => backend.latest(listId).length === 1, 'the assignment');
    await act(funds, townA, { type: 'sign' });
    // The allowance is 10 % of the target, 6 points; the schedule passes 6 % after about 2.2 days (40 % over 14.9 days).
    await harness.env.sleep('2 days');
    expect(assignmentLight(await stateOf(funds), new Date(await harness.env.currentTimeMs()))).toBe('green');
    await harness.env.sleep('1 day');
    const lagging = await stateOf(funds);
    expect(lagging.lagging).toBe(true);
    expect(lagging.notices.map((n) => [n.colour, n.reason])).toEqual([['yellow', '资金支付进度滞后于序时进度']]);
    // A report on schedule clears the lag; the 15th passes at 20 %: the milestone is missed.
    await act(funds, townA, { type: 'reportValue', value: 20 });
    expect((await stateOf(funds)).lagging).toBe(false);
    await harness.env.sleep('13 days'); // to 06-16
    const missed = await stateOf(funds);
    expect(missed.missedMilestone).toBe('2025-06-15');
    expect(missed.notices.at(-1)).toMatchObject({ colour: 'red', reason: '资金支付进度未达到2025-06-15的节点目标（40%）' });
    expect(assignmentLight(missed, new Date(await harness.env.currentTimeMs()))).toBe('red');
    // Reaching the milestone late lifts the red light; the deadline itself is still ahead.
    const caughtUp = await act(funds, townA, { type: 'reportValue', value: 45 });
    expect(caughtUp.missedMilestone).toBeNull();
    await recordHistory(harness.client.workflow.getHandle(assignmentWorkflowId(queueOfTest, funds)), 'assignment-quantity-lagging-missed');
  });
});
