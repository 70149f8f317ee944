import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import type { OrgFile } from '@duban/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '@duban/domain';
import { choose, launchBrowser, loginAs, pickDate, screenshot, type UserPage } from './support/browser.js';
import { startCampaign } from './support/campaign-fixture.js';
import { PASSWORD, testCounty } from './support/org-fixture.js';
import { startStack, type Stack } from './support/stack.js';

// The web workbench in Debian's Chromium against the whole stack: the API serving the built app, the worker,
// a real Temporal dev server and FerretDB. Every step is done the way a user does it: in the pages.

let browser: Browser;
let stack: Stack;
const sessions: UserPage[] = [];

/** Pages answer after the API, the API after the workflow: give each check time to come true. */
// 60 s: on a loaded machine (the other browser suites beside it) one sign-off took more than 30 s to come back.
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 60_000, interval: 200 });
const inDays = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000));

async function as(username: string, viewport?: { width: number; height: number }): Promise<UserPage> {
  const session = await loginAs(browser, stack.baseUrl, username, PASSWORD, viewport);
  sessions.push(session);
  return session;
}

async function problemList(rows: unknown[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('问题清单');
  sheet.addRow(['问题标题', '问题描述', '问题来源', '问题类别', '责任单位', '整改时限']);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Opens a step on the item page, fills it in and submits; waits until the item shows the new status. */
async function act(session: UserPage, action: string, status: string, fill: () => Promise<void> = async () => undefined) {
  const { page } = session;
  await page.getByTestId('actions').getByRole('button', { name: action, exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await fill();
  await dialog.getByRole('button', { name: '提交' }).click();
  // A refused step shows the API's message in a toast: read it along with the status, so a failure says why.
  const shown = async () => [await page.getByTestId('item-status').textContent(), ...(await page.locator('.ant-message-error').allTextContents())].join(' · ');
  await eventually(shown).toBe(status);
  await dialog.waitFor({ state: 'detached' });
}

/** How wide the page's content is (wider than the window: the page scrolls sideways). */
const scrollWidth = (session: UserPage) => session.page.evaluate<number>('document.documentElement.scrollWidth');

/** The step buttons the item page shows this user, once the item has loaded. */
async function actionButtons(session: UserPage): Promise<string[]> {
  await session.page.getByTestId('actions').waitFor();
  return session.page.getByTestId('actions').getByRole('button').allTextContents();
}

/** The test county with a township head, who countersigns the township's key tasks (单位领导审签). */
const county: OrgFile = {
  ...testCounty,
  users: [...(testCounty.users ?? []), { username: 'town-a-head', name: '甲镇吴镇长', unit: 'town-a', roles: ['unit_leader'], password: PASSWORD }],
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

// A browser scenario is many steps, each waiting for a workflow: more time than one API call, on a busy machine too.
describe('web workbench', { timeout: 180_000 }, () => {
  it('serves the app at / with its own security policy, and pages by path (SPA fallback), not under /api', async () => {
    const page = await fetch(`${stack.baseUrl}/items/some-page`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const api = await fetch(`${stack.baseUrl}/api/no-such-route`);
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('office registers and imports items; the township signs, plans and completes in its inbox; the office signs off', async () => {
    const office = await as('office');

    // Import a problem list with preview: one row already past its deadline (starts red), one due tomorrow (blue).
    await office.page.getByRole('menuitem', { name: '批量导入' }).click();
    const file = await problemList([
      ['脱贫户住房安全鉴定未全覆盖', '市委巡察发现：甲镇部分脱贫户住房未进行安全等级鉴定。', '市委巡察', '住房安全', '甲镇', inDays(-3)],
      ['产业帮扶项目资产未登记', '审计发现：甲镇两处扶贫车间资产未纳入台账。', '扶贫资产专项审计', '资金项目', '甲镇', inDays(40)],
      ['低保动态调整台账不完整', '督查发现：甲镇低保对象动态调整记录缺失。', '督查督导', '兜底保障', '甲镇', inDays(1)],
    ]);
    await office.page.locator('input[type=file]').setInputFiles({ name: '问题清单.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: file });
    await office.page.getByRole('button', { name: '预览检查' }).click();
    await office.page.getByText('共 3 行，检查通过 3 行').waitFor();
    await office.page.getByText('已超期，导入即亮红灯').waitFor();
    await office.page.getByRole('button', { name: '确认导入' }).click();
    await office.page.getByText('导入完成：共 3 行，新建 3 个问题').waitFor();

    // Register one item by the form.
    await office.page.getByRole('menuitem', { name: '登记交办' }).click();
    await office.page.getByLabel('问题标题').fill('部分脱贫户饮水安全保障不到位');
    await office.page.getByLabel('问题描述').fill('省考核发现：甲镇两户脱贫户季节性缺水，未落实应急供水措施。');
    await choose(office.page, '问题来源', '省考核');
    await choose(office.page, '问题类别', '饮水安全');
    await choose(office.page, '牵头单位', '甲镇');
    await pickDate(office.page, '整改时限', inDays(60));
    await office.page.getByRole('button', { name: '登记并交办' }).click();
    await eventually(() => office.page.getByTestId('item-status').textContent()).toBe('已交办待签收');
    const itemUrl = office.page.url();
    expect(await actionButtons(office)).not.toContain('签收'); // the office cannot sign for the unit

    // The township's inbox: four items by due date with their lights, counts by light.
    const town = await as('town-a');
    const inbox = town.page.locator('.ant-table-tbody');
    await inbox.getByText('部分脱贫户饮水安全保障不到位').waitFor();
    await eventually(() => inbox.locator('[data-light]').evaluateAll((tags) => tags.map((t) => t.getAttribute('data-light')))).toEqual(['red', 'blue', 'green', 'green']);
    await eventually(() => town.page.getByTestId('light-count-red').textContent()).toContain('1');
    await screenshot(town.page, 'inbox-with-lights');

    // The red notice of the past-due item reached the township as an in-app notification; it opens the item.
    await eventually(() => town.page.getByTestId('notifications').locator('xpath=..').textContent()).toMatch(/\d/);
    await town.page.getByTestId('notifications').click();
    await town.page.locator('.ant-drawer').getByText('脱贫户住房安全鉴定未全覆盖', { exact: false }).first().click();
    await eventually(() => town.page.getByTestId('item-title').textContent()).toBe('脱贫户住房安全鉴定未全覆盖');
    await town.page.getByRole('menuitem', { name: '工作台' }).click();

    // Filter by light, search by title.
    await town.page.getByTestId('light-count-red').click();
    await eventually(() => inbox.locator('tr.ant-table-row').count()).toBe(1);
    await town.page.getByTestId('light-count-red').click();
    await town.page.getByPlaceholder('搜索问题标题或责任单位').fill('饮水');
    await eventually(() => inbox.locator('tr.ant-table-row').count()).toBe(1);

    await inbox.getByText('部分脱贫户饮水安全保障不到位').click();
    expect(await actionButtons(town)).toEqual(expect.arrayContaining(['签收']));
    expect(await actionButtons(town)).not.toContain('验收销号');
    await act(town, '签收', '已签收待报方案');
    await act(town, '报送整改方案', '整改方案待审核', async () => {
      await town.page.getByLabel('整改措施').fill('为两户安装储水设施，接通应急送水。');
      await pickDate(town.page, '整改完成时限', inDays(30));
      await town.page.getByLabel('整改责任人').fill('陈干事（甲镇副镇长）');
    });

    await office.page.goto(itemUrl);
    await act(office, '审核通过方案', '整改中');

    await town.page.reload();
    await act(town, '报结（整改完成）', '已报结待验收', async () => {
      await town.page.getByLabel('整改完成情况').fill('储水设施已安装，两户供水正常。');
      await town.page.locator('.ant-modal input[type=file]').setInputFiles({ name: '现场照片.png', mimeType: 'image/png', buffer: PNG });
      await town.page.locator('.ant-modal .ant-upload-list-item-done').waitFor();
    });

    await office.page.reload();
    await act(office, '验收销号', '已验收销号', async () => {
      await office.page.getByLabel('验收意见').fill('经现场核查，整改到位。');
    });
    const timeline = office.page.getByTestId('timeline');
    for (const step of ['立项交办', '签收', '报送整改方案', '审核通过整改方案', '报送整改完成', '验收销号']) await timeline.getByText(step, { exact: true }).waitFor();
    await timeline.getByText('现场照片.png').waitFor();
    expect(await actionButtons(office)).toEqual(['重新打开']); // all the API allows on a closed item
    await screenshot(office.page, 'item-detail-with-timeline');

    // Closed: in the township's 已办, no longer in its 待办; in the office's 我发起的.
    await town.page.getByRole('menuitem', { name: '工作台' }).click();
    await town.page.getByRole('tab', { name: '已办' }).click();
    await inbox.getByText('部分脱贫户饮水安全保障不到位').waitFor();
    await town.page.getByRole('tab', { name: '待办' }).click();
    await eventually(() => inbox.locator('tr.ant-table-row').count()).toBe(3);
    await office.page.getByRole('menuitem', { name: '工作台' }).click();
    await office.page.getByRole('tab', { name: '我发起的' }).click();
    await eventually(() => office.page.locator('.ant-table-tbody tr.ant-table-row').count()).toBe(4);
  });

  it('office publishes a monthly list → the township signs and completes its part → its head countersigns → the office signs off', async () => {
    const office = await as('office');
    await office.page.getByRole('menuitem', { name: '月度重点任务清单' }).click();
    await pickDate(office.page, '所属月份', shanghaiDate(new Date()).slice(0, 7));
    await office.page.getByLabel('任务名称').fill('更新就业帮扶台账');
    await office.page.getByLabel('任务内容与要求').fill('核实并更新本月就业帮扶台账，报送更新情况。');
    await choose(office.page, '下发方式', '选定单位');
    await choose(office.page, '责任单位', '甲镇');
    await office.page.getByRole('button', { name: '保存草稿' }).click();
    const lists = office.page.locator('.ant-table-tbody').first();
    await lists.getByText('草稿').waitFor();
    await lists.getByRole('button', { name: '下发' }).click();
    await office.page.locator('.ant-popconfirm').getByRole('button', { name: '下发' }).click();
    await office.page.getByText('清单已下发').waitFor();

    // Publishing fans out in a workflow: the township's task arrives shortly after.
    const town = await as('town-a');
    await town.page.getByRole('menuitem', { name: '月度重点任务清单' }).click();
    await eventually(async () => {
      await town.page.reload();
      await town.page.getByRole('tab', { name: '重点任务待办' }).waitFor();
      return town.page.getByText('更新就业帮扶台账').count();
    }).toBe(1);
    await town.page.getByText('更新就业帮扶台账').click();
    expect(await actionButtons(town)).toEqual(['签收']);
    await act(town, '签收', '办理中');
    await act(town, '报送办结', '已报结待单位领导审签', async () => {
      await town.page.getByLabel('完成情况').fill('已核实 36 户，台账已更新。');
    });
    expect(await actionButtons(town)).not.toContain('审签'); // the head countersigns, not the clerk
    const assignmentUrl = town.page.url();

    const head = await as('town-a-head');
    await head.page.goto(assignmentUrl);
    await act(head, '审签', '已审签待办公室验收', async () => {
      await head.page.getByLabel('审签意见').fill('同意报结。');
    });

    await office.page.goto(assignmentUrl);
    await act(office, '验收办结', '已办结');
    const timeline = office.page.getByTestId('timeline');
    for (const step of ['清单下发交办', '签收', '报送办结', '单位领导审签', '验收办结']) await timeline.getByText(step, { exact: true }).waitFor();
    await screenshot(office.page, 'task-assignment-done');
  });

  it('works at phone width: the menu folds into a drawer and the page does not scroll sideways', async () => {
    const phone = await as('town-a', { width: 390, height: 844 });
    await phone.page.locator('.ant-table-tbody tr.ant-table-row').first().waitFor();
    expect(await scrollWidth(phone)).toBeLessThanOrEqual(390);
    await screenshot(phone.page, 'inbox-phone');
    await phone.page.locator('.ant-table-tbody tr.ant-table-row a').first().click();
    await phone.page.getByTestId('timeline').waitFor();
    expect(await scrollWidth(phone)).toBeLessThanOrEqual(390);
    await screenshot(phone.page, 'item-phone');
    await phone.page.getByRole('button', { name: '菜单' }).click();
    await phone.page.getByRole('menuitem', { name: '统计看板' }).click();
    await phone.page.getByTestId('chart-lights').locator('canvas').waitFor();
    await eventually(() => phone.page.locator('[data-chart]:not([data-rendered])').count()).toBe(0);
    expect(await scrollWidth(phone)).toBeLessThanOrEqual(390);
    await screenshot(phone.page, 'dashboard-phone');
    await phone.page.getByRole('button', { name: '菜单' }).click();
    await phone.page.getByRole('menuitem', { name: '月度重点任务清单' }).click();
    await phone.page.getByRole('tab', { name: '已办结' }).click();
    await phone.page.getByText('更新就业帮扶台账').waitFor();
    expect(await scrollWidth(phone)).toBeLessThanOrEqual(390);
  });

  it("an inspector's planned inspection, with its findings and photos, stays invisible to the target unit", async () => {
    const inspector = await as('inspector');
    await inspector.page.getByLabel('暗访督导名称').fill('第四季度“四不两直”暗访');
    await choose(inspector.page, '选定暗访对象', '甲镇一村');
    await inspector.page.getByLabel('暗访时间').click();
    await inspector.page.getByLabel('暗访时间').fill(inDays(1));
    await inspector.page.getByLabel('暗访时间').press('Tab');
    await inspector.page.locator('.ant-picker-range input').nth(1).fill(inDays(5));
    await inspector.page.locator('.ant-picker-range input').nth(1).press('Tab');
    await inspector.page.getByLabel('暗访组成员（用逗号或顿号分隔）').fill('周组长、吴干事');
    await inspector.page.getByRole('button', { name: '保存计划' }).click();
    await inspector.page.getByText('已计划（保密）').waitFor();
    const inspectionUrl = inspector.page.url();

    await inspector.page.getByLabel('地点').fill('甲镇一村三组');
    await choose(inspector.page, '问题类别', '住房安全');
    await inspector.page.getByLabel('发现的问题').fill('一户脱贫户住房墙体开裂，未纳入危房改造。');
    await choose(inspector.page, '责任单位', '甲镇一村');
    await pickDate(inspector.page, '建议整改时限', inDays(30));
    await inspector.page.getByRole('button', { name: '记录', exact: true }).click();
    await inspector.page.getByText('发现的问题（1）').waitFor();
    await inspector.page.locator('input[type=file]').setInputFiles({ name: '墙体.png', mimeType: 'image/png', buffer: PNG });
    await inspector.page.getByText('照片：墙体.png').waitFor();

    const village = await as('village-a1');
    await village.page.getByRole('tab', { name: '待办' }).waitFor();
    await eventually(() => village.page.locator('.ant-table-tbody tr.ant-table-row').count()).toBe(0);
    expect(await village.page.getByRole('menuitem', { name: '暗访督导' }).count()).toBe(0);
    await village.page.goto(inspectionUrl);
    await village.page.getByRole('alert').waitFor();
    expect(await village.page.content()).not.toContain('四不两直');
    expect(await village.page.content()).not.toContain('墙体开裂');
  });

  it("the office's other pages — escalation queue, dashboard charts, ledger export — and the inspector's look-back queue", async () => {
    const office = await as('office');
    await office.page.getByRole('menuitem', { name: '升级督办' }).click();
    await office.page.getByText('一级（办公室）').waitFor();
    await office.page.getByText('没有待处理的升级督办').waitFor();

    await office.page.getByRole('menuitem', { name: '统计看板' }).click();
    await eventually(() => office.page.locator('[data-chart][data-rendered]').count()).toBe(4);
    await office.page.getByText('超期排名').waitFor();
    await office.page.locator('.ant-table-tbody').getByText('甲镇').waitFor(); // the red item imported above
    await screenshot(office.page, 'dashboard');

    // A special campaign (defined and started over the API; the board is read-only): phases, and progress by unit.
    const api = await stack.api.login('office', PASSWORD);
    await startCampaign(api);
    await office.page.getByRole('menuitem', { name: '专项行动' }).click();
    await office.page.getByText('全面排查摸底（当前阶段）').waitFor();
    await eventually(async () => {
      await office.page.reload();
      await office.page.getByText('全面排查摸底（当前阶段）').waitFor();
      return office.page.getByText('按单位').count();
    }).toBe(1);
    await eventually(async () => {
      await office.page.reload();
      await office.page.getByText('按单位').waitFor();
      return office.page.locator('.ant-table-tbody').getByText('甲镇').count();
    }).toBeGreaterThan(0);
    await eventually(() => office.page.locator('[data-chart]:not([data-rendered])').count()).toBe(0);
    await screenshot(office.page, 'campaign-board');

    await office.page.getByRole('menuitem', { name: '台账导出' }).click();
    const [download] = await Promise.all([office.page.waitForEvent('download'), office.page.getByRole('button', { name: '导出台账（Excel）' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const ledger = new ExcelJS.Workbook();
    await ledger.xlsx.readFile(await download.path());
    const titles = ledger.worksheets[0]!.getColumn(4).values.slice(2);
    expect(titles).toEqual(expect.arrayContaining(['部分脱贫户饮水安全保障不到位', '脱贫户住房安全鉴定未全覆盖']));


    // Look-back: the inspector draws from the closed items and records the check in the queue.
    const inspector = await as('inspector');
    await inspector.page.getByRole('menuitem', { name: '回头看' }).click();
    await inspector.page.getByRole('button', { name: '按比例抽取' }).click();
    const queue = inspector.page.locator('.ant-table-tbody');
    await queue.getByText('部分脱贫户饮水安全保障不到位').waitFor(); // the one closed item: ceil(0.3 × 1) = 1 drawn
    await queue.getByRole('button', { name: '记录复核结果' }).click();
    await inspector.page.getByLabel('复核情况').fill('回访两户，供水正常。');
    await inspector.page.getByRole('dialog').getByRole('button', { name: '提交' }).click();
    await queue.getByText('通过').waitFor();
  });

  it('no page had a script error or a refused resource (Content-Security-Policy) in any of these steps', () => {
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.flatMap((session) => session.errors)).toEqual([]);
  });
});

/** A 2×2 PNG: photos and evidence are checked by content, so it must be a real one. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);
