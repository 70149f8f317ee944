import type { Browser } from 'playwright-core';
import type { OrgFile } from '@duban/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '@duban/domain';
import { choose, launchBrowser, loginAs, pickDate, screenshot, type UserPage } from './support/browser.js';
import { PASSWORD, testCounty } from './support/org-fixture.js';
import { startStack, type Stack } from './support/stack.js';

// The web workbench's 分解到人 (a township splits its key task to named people, who complete their parts from their
// own task lists, before its head countersigns) and the campaign board (define, start, a unit's finding, advance,
// 举一反三), in Debian's Chromium against the whole stack, the way web.e2e.test.ts drives it.

let browser: Browser;
let stack: Stack;
const sessions: UserPage[] = [];

// Generous: the machine running the suite may be busy with other work, and each step waits for a workflow.
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 60_000, interval: 250 });
const inDays = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000));

async function as(username: string, viewport?: { width: number; height: number }): Promise<UserPage> {
  const session = await loginAs(browser, stack.baseUrl, username, PASSWORD, viewport);
  sessions.push(session);
  return session;
}

/** Opens a step of the assignment page, fills it in and submits; waits until the task shows the new status. */
async function act(session: UserPage, action: string, status: string, fill: () => Promise<void> = async () => undefined) {
  const { page } = session;
  await page.getByTestId('actions').getByRole('button', { name: action, exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await fill();
  await submitDialog(session);
  const shown = async () => [await page.getByTestId('item-status').textContent(), ...(await page.locator('.ant-message-error').allTextContents())].join(' · ');
  await eventually(shown).toBe(status);
  await dialog.waitFor({ state: 'detached' });
}

/** Clicks 提交 and waits for the step's request; once more when a click landed while the dialog was still opening. */
async function submitDialog({ page }: UserPage): Promise<void> {
  const sent = () => page.waitForRequest((r) => r.method() === 'POST' && r.url().includes('/api/'), { timeout: 10_000 });
  const first = sent();
  await page.getByRole('dialog').getByRole('button', { name: '提交' }).click();
  if (await first.then(() => true, () => false)) return;
  const second = sent();
  await page.getByRole('dialog').getByRole('button', { name: '提交' }).click();
  await second;
}

async function actionButtons(session: UserPage): Promise<string[]> {
  await session.page.getByTestId('actions').waitFor();
  return session.page.getByTestId('actions').getByRole('button').allTextContents();
}

/** The township's head and a second clerk: the two people its task is split to are 陈干事 and 李干事. */
const county: OrgFile = {
  ...testCounty,
  users: [
    ...(testCounty.users ?? []),
    { username: 'town-a-head', name: '甲镇吴镇长', unit: 'town-a', roles: ['unit_leader'], password: PASSWORD },
    { username: 'town-a-li', name: '甲镇李干事', unit: 'town-a', roles: ['unit'], password: PASSWORD },
  ],
};

beforeAll(async () => {
  browser = await launchBrowser();
  stack = await startStack(county);
});

afterAll(async () => {
  for (const session of sessions) await session.context.close();
  await browser?.close();
  await stack?.close();
});

describe('web workbench: split to people, campaign board', { timeout: 300_000 }, () => {
  it("lists a unit's own people to its users and the office only; other units get the 404 of a unit that does not exist", async () => {
    const town = await stack.api.login('town-a', PASSWORD);
    const people = await town.get('/api/org/units/town-a/people');
    expect(people.status).toBe(200);
    expect(people.body.items).toHaveLength(3);
    expect(people.body.items.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['甲镇吴镇长', '甲镇陈干事', '甲镇李干事']));
    expect(people.body.items[0]).toMatchObject({ name: '甲镇吴镇长', unitLeader: true });
    expect(Object.keys(people.body.items[0]).sort()).toEqual(['id', 'name', 'unitLeader']);
    const office = await stack.api.login('office', PASSWORD);
    expect((await office.get('/api/org/units/town-a/people')).status).toBe(200);
    expect((await office.get('/api/org/units/no-such-unit/people')).body).toMatchObject({ error: { code: 'not_found' } });
    const water = await stack.api.login('water', PASSWORD);
    const refused = await water.get('/api/org/units/town-a/people');
    expect(refused.status).toBe(404);
    expect(refused.body).toMatchObject({ error: { code: 'not_found' } });
    expect((await town.get('/api/org/units/village-a1/people')).status).toBe(404);
    const inspector = await stack.api.login('inspector', PASSWORD);
    expect((await inspector.get('/api/org/units/office/people')).status).toBe(403);
  });

  it('a township head splits its key task to two people; each completes their part from their own list; the head countersigns; the office signs off', async () => {
    const month = shanghaiDate(new Date()).slice(0, 7);
    const office = await stack.api.login('office', PASSWORD);
    const draft = await office.post('/api/task-lists', { month, items: [{ title: '入户核实脱贫户收入', content: '逐户核实并录入系统。', targetUnitIds: ['town-a'], dueKind: 'monthEnd' }] });
    expect(draft.status).toBe(201);
    expect((await office.post(`/api/task-lists/${draft.body.id}/publish`, { mode: 'now' })).status).toBeLessThan(300);
    const clerkApi = await stack.api.login('town-a', PASSWORD);
    let assignment: { id: string; dueDate: string } | undefined;
    await eventually(async () => {
      assignment = (await clerkApi.get(`/api/assignments?listId=${draft.body.id}`)).body.items?.[0];
      return assignment?.id;
    }).toBeDefined();
    const url = `${stack.baseUrl}/assignments/${encodeURIComponent(assignment!.id)}`;

    const head = await as('town-a-head');
    await head.page.goto(url);
    await act(head, '签收', '办理中');
    expect(await actionButtons(head)).toContain('分解到人');
    await head.page.getByTestId('actions').getByRole('button', { name: '分解到人' }).click();
    const dialog = head.page.getByRole('dialog');
    await dialog.waitFor();
    await head.page.getByLabel('子任务 1 内容').fill('核实一组、二组脱贫户收入');
    await choose(head.page, '子任务 1 责任人', '甲镇陈干事');
    await pickDate(head.page, '子任务 1 完成时限', inDays(0));
    await dialog.getByRole('button', { name: '增加子任务' }).click();
    await head.page.getByLabel('子任务 2 内容').fill('核实三组、四组脱贫户收入');
    await choose(head.page, '子任务 2 责任人', '甲镇李干事');
    await pickDate(head.page, '子任务 2 完成时限', assignment!.dueDate);
    await dialog.getByRole('button', { name: '提交' }).click();
    await dialog.waitFor({ state: 'detached' });
    await head.page.getByText('已完成 0/2').waitFor();
    await head.page.getByText('甲镇陈干事 · 时限').waitFor();
    await head.page.getByText('甲镇李干事 · 时限').waitFor();

    // Each person finds the task under 分解给我的 and may complete only their own part.
    for (const [username, part, other] of [
      ['town-a', '核实一组、二组脱贫户收入', '核实三组、四组脱贫户收入'],
      ['town-a-li', '核实三组、四组脱贫户收入', '核实一组、二组脱贫户收入'],
    ] as const) {
      const person = await as(username);
      await person.page.getByRole('menuitem', { name: '月度重点任务清单' }).click();
      await person.page.getByRole('tab', { name: '分解给我的' }).click();
      await person.page.locator('.ant-table-tbody').getByText('入户核实脱贫户收入').click();
      await person.page.getByTestId('timeline').waitFor();
      const mine = person.page.locator('[data-testid^="part-"]').filter({ hasText: part });
      const theirs = person.page.locator('[data-testid^="part-"]').filter({ hasText: other });
      expect(await theirs.getByRole('button', { name: '完成子任务' }).count()).toBe(0);
      await mine.getByRole('button', { name: '完成子任务' }).click();
      await person.page.getByRole('dialog').getByLabel('完成情况').fill(`${part}：已完成，共 18 户。`);
      await person.page.getByRole('dialog').getByRole('button', { name: '提交' }).click();
      await mine.getByText('已完成', { exact: true }).waitFor();
    }

    await head.page.reload();
    await head.page.getByText('已完成 2/2').waitFor();
    await act(head, '报送办结', '已报结待单位领导审签', async () => {
      await head.page.getByLabel('完成情况').fill('四个组全部核实完毕，已录入系统。');
    });
    await act(head, '审签', '已审签待办公室验收', async () => {
      await head.page.getByLabel('审签意见').fill('同意报结。');
    });

    const officePage = await as('office');
    await officePage.page.goto(url);
    await act(officePage, '验收办结', '已办结');
    const timeline = officePage.page.getByTestId('timeline');
    for (const step of ['签收', '分解到人', '完成子任务', '报送办结', '单位领导审签', '验收办结']) await timeline.getByText(step, { exact: true }).first().waitFor();
    await screenshot(officePage.page, 'task-split-to-people-done');
  });

  it('campaign board: the office defines and starts a campaign, a township records a finding, the office advances the phase and sees the finding', async () => {
    const office = await as('office');
    await office.page.getByRole('menuitem', { name: '专项行动' }).click();
    await office.page.getByLabel('专项行动名称').fill('防返贫动态监测大排查专项行动');
    await pickDate(office.page, '开始日期', inDays(0));
    await pickDate(office.page, '阶段 1 截止日期', inDays(5));
    await pickDate(office.page, '阶段 2 截止日期', inDays(30));
    await pickDate(office.page, '阶段 3 截止日期', inDays(60));
    await office.page.getByLabel('排查项 1 内容').fill('是否有脱贫户因病返贫未纳入监测');
    await office.page.getByRole('button', { name: '保存专项行动' }).click();
    await office.page.getByTestId('campaign-status').getByText('草稿').waitFor();
    await office.page.getByRole('button', { name: '启动专项行动' }).click();
    await office.page.locator('.ant-popconfirm').getByRole('button', { name: '启动' }).click();
    await office.page.getByTestId('campaign-status').getByText('进行中').waitFor();

    // The township's check task arrives, and it records a finding against the check.
    const town = await as('town-a');
    await town.page.getByRole('menuitem', { name: '专项行动' }).click();
    await eventually(async () => {
      await town.page.reload();
      await town.page.getByText('本单位的专项行动任务').waitFor();
      return town.page.getByText('防返贫动态监测大排查专项行动：全面排查').count();
    }).toBe(1);
    await town.page.getByLabel('问题标题').fill('一户脱贫户因病致贫风险未纳入监测');
    await town.page.getByLabel('问题描述').fill('甲镇三组一户脱贫户家庭成员患重病，医疗支出大，未纳入防返贫监测。');
    await choose(town.page, '问题类别', '基本医疗');
    await town.page.getByRole('button', { name: '填报问题' }).click();
    await town.page.getByText('已填报，形成整改问题').waitFor();

    // The office advances from the check phase to the rectification phase; the board lists the township's finding.
    await office.page.reload();
    await office.page.getByRole('button', { name: '推进到下一阶段' }).click();
    await office.page.locator('.ant-popconfirm').getByRole('button', { name: '推进' }).click();
    await office.page.getByText('全面整改（当前阶段）').waitFor();
    const findings = office.page.getByTestId('campaign-findings');
    await eventually(async () => {
      await office.page.reload();
      await office.page.getByText('排查发现的问题').first().waitFor();
      return findings.getByText('一户脱贫户因病致贫风险未纳入监测').count();
    }).toBe(1);
    await findings.getByText('甲镇').first().waitFor();
    await office.page.getByText('全面整改（当前阶段）').waitFor();

    // 举一反三: the same check to every township.
    await office.page.getByRole('button', { name: '举一反三' }).click();
    await office.page.getByLabel('举一反三排查内容').fill('排查本乡镇是否有同类因病致贫风险户未纳入监测');
    await pickDate(office.page, '回复时限', inDays(10));
    await office.page.getByRole('dialog').getByRole('button', { name: '下发' }).click();
    await office.page.getByText('举一反三排查已下发').waitFor();
    await eventually(() => office.page.locator('[data-chart]:not([data-rendered])').count()).toBe(0);
    await screenshot(office.page, 'campaign-board-findings');

    // The finding is the township's own item: it opens from the board.
    await findings.getByText('一户脱贫户因病致贫风险未纳入监测').click();
    await eventually(() => office.page.getByTestId('item-title').textContent()).toBe('一户脱贫户因病致贫风险未纳入监测');
  });

  it('the office starts a look-back from its page, naming the inspector: the seed and the drawn sample show, and the draw lands in the inspector\'s queue', async () => {
    // One closed item, walked through over the API.
    const office = await stack.api.login('office', PASSWORD);
    const town = await stack.api.login('town-a', PASSWORD);
    const registered = await office.post('/api/rectifications', {
      title: '脱贫户危房改造验收资料不全',
      description: '审计发现：甲镇两户危房改造验收资料缺失。',
      source: 'provincial_assessment',
      category: 'housing',
      severity: 'general',
      leadUnitId: 'town-a',
      coUnitIds: [],
      dueDate: inDays(30),
    });
    expect(registered.status).toBe(201);
    const id = registered.body.id as string;
    const step = async (client: typeof office, path: string, body: Record<string, unknown> = {}) => expect((await client.post(`/api/rectifications/${id}/${path}`, body)).status).toBeLessThan(300);
    await step(town, 'sign');
    await step(town, 'plan', { measures: '补齐验收资料', targetDate: inDays(10), responsiblePerson: '甲镇陈干事' });
    await step(office, 'plan/approve');
    await step(town, 'completion', { summary: '资料已补齐' });
    await step(office, 'sign-off');
    await eventually(async () => (await office.get(`/api/rectifications/${id}`)).body.status).toBe('closed');

    const page = await as('office');
    await page.page.getByRole('menuitem', { name: '回头看' }).click();
    await page.page.getByLabel('随机种子（可不填，留空由系统生成并记录）').fill('2026-四季度回头看');
    await choose(page.page, '承担复核的督导人员', '督导组周组长');
    await page.page.getByRole('button', { name: '按比例抽取' }).click();
    const draw = page.page.getByTestId('lookback-draw');
    await draw.waitFor();
    expect(await page.page.getByTestId('lookback-seed').textContent()).toBe('2026-四季度回头看');
    await draw.getByText('甲镇：已销号 1 个，抽取 1 个（脱贫户危房改造验收资料不全）').waitFor();
    await screenshot(page.page, 'lookback-office-draw');

    const inspector = await as('inspector');
    await inspector.page.getByRole('menuitem', { name: '回头看' }).click();
    await inspector.page.locator('.ant-table-tbody').getByText('脱贫户危房改造验收资料不全').waitFor();
    await inspector.page.locator('.ant-table-tbody').getByRole('button', { name: '记录复核结果' }).waitFor();
  });

  it('the office keeps the working-day calendar, a unit\'s push channel and the evaluation policy in 工作日与推送', async () => {
    const office = await as('office');
    const api = await stack.api.login('office', PASSWORD);
    await office.page.getByRole('menuitem', { name: '工作日与推送' }).click();
    await office.page.getByLabel('年份').fill('2031');
    await office.page.getByText('节假日数据包未含该年').waitFor();
    await pickDate(office.page, '日期', '2031-10-08');
    await office.page.getByLabel('名称').fill('国庆节');
    await office.page.getByRole('button', { name: '保存', exact: true }).click();
    await office.page.locator('.ant-table-tbody').getByText('国庆节').waitFor();
    expect((await api.get('/api/calendar/days?from=2031-10-08&to=2031-10-08')).body.items[0]).toMatchObject({ working: false });

    await office.page.getByRole('tab', { name: '消息推送渠道' }).click();
    await choose(office.page, '单位', '甲镇');
    await office.page.getByLabel('渠道名称').fill('甲镇工作群');
    await office.page.getByLabel('回调地址').fill('https://oapi.dingtalk.com/robot/send?access_token=example');
    await office.page.getByRole('button', { name: '添加', exact: true }).click();
    await office.page.locator('.ant-table-tbody').getByText('甲镇工作群').waitFor();
    expect((await api.get('/api/org/units/town-a/webhooks')).body.items).toEqual([expect.objectContaining({ name: '甲镇工作群', kind: 'dingtalk' })]);

    await office.page.getByRole('tab', { name: '考评办法' }).click();
    await office.page.getByLabel('每次退回扣分').fill('2.5');
    await office.page.getByRole('button', { name: '保存考评办法' }).click();
    await office.page.getByText('考评办法已保存').waitFor();
    expect((await api.get('/api/reports/evaluation/policy')).body.perReturn).toBe(2.5);
  });

  it('a township head keeps their own township\'s push channels in 消息推送, with no unit to choose and no calendar', async () => {
    const head = await as('town-a-head');
    await head.page.getByRole('menuitem', { name: '消息推送' }).click();
    await head.page.getByText('本单位：甲镇').waitFor();
    expect(await head.page.getByRole('tab').allInnerTexts()).toEqual(['消息推送渠道']);
    await head.page.getByLabel('渠道名称').fill('甲镇班子群');
    await head.page.getByLabel('回调地址').fill('https://oapi.dingtalk.com/robot/send?access_token=head');
    await head.page.getByRole('button', { name: '添加', exact: true }).click();
    await head.page.locator('.ant-table-tbody').getByText('甲镇班子群').waitFor();
    const api = await stack.api.login('office', PASSWORD);
    expect((await api.get('/api/org/units/town-a/webhooks')).body.items).toContainEqual(expect.objectContaining({ name: '甲镇班子群', kind: 'dingtalk' }));
  });

  it('the split task and the campaign board work at phone width (no sideways scrolling)', async () => {
    const width = (session: UserPage) => session.page.evaluate<number>('document.documentElement.scrollWidth');
    const head = await as('town-a-head', { width: 390, height: 844 });
    await head.page.getByRole('button', { name: '菜单' }).click();
    await head.page.getByRole('menuitem', { name: '月度重点任务清单' }).click();
    await head.page.getByRole('tab', { name: '已办结' }).click();
    await head.page.locator('.ant-table-tbody').getByText('入户核实脱贫户收入').click();
    await head.page.getByText('已完成 2/2').waitFor();
    expect(await width(head)).toBeLessThanOrEqual(390);
    await screenshot(head.page, 'task-split-phone');
    const office = await as('office', { width: 390, height: 844 });
    await office.page.getByRole('button', { name: '菜单' }).click();
    await office.page.getByRole('menuitem', { name: '专项行动' }).click();
    await office.page.getByTestId('campaign-findings').getByText('一户脱贫户因病致贫风险未纳入监测').waitFor();
    await eventually(() => office.page.locator('[data-chart]:not([data-rendered])').count()).toBe(0);
    expect(await width(office)).toBeLessThanOrEqual(390);
    await screenshot(office.page, 'campaign-board-phone');
  });

  it('no page had a script error or a refused resource (Content-Security-Policy) in any of these steps', () => {
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.flatMap((session) => session.errors)).toEqual([]);
  });
});
