import type { Browser } from 'playwright-core';
import type { OrgFile } from '@duban/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '@duban/domain';
import { launchBrowser, loginAs, screenshot, type UserPage } from './support/browser.js';
import { PASSWORD, testCounty } from './support/org-fixture.js';
import { startStack, type Stack } from './support/stack.js';

// One-click 催办 in Debian's Chromium against the whole stack: the office urges from the item and the task page,
// the responsible unit reads it in its notifications and finds it on the item's timeline.

let browser: Browser;
let stack: Stack;
const sessions: UserPage[] = [];

const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 60_000, interval: 250 });
const inDays = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000));
const DESKTOP = { width: 1366, height: 800 };
const PHONE = { width: 390, height: 844 };

const county: OrgFile = {
  ...testCounty,
  users: [...(testCounty.users ?? []), { username: 'water-lead', name: '水利局赵局长', unit: 'water', roles: ['unit_leader'], password: PASSWORD }],
};

async function as(username: string, viewport: { width: number; height: number }): Promise<UserPage> {
  const session = await loginAs(browser, stack.baseUrl, username, PASSWORD, viewport);
  sessions.push(session);
  return session;
}

/** Opens the 催办 dialog from the page's actions, checks the field's validation, sends `message`; waits for the count. */
async function urgeFromPage({ page }: UserPage, message: string, count: string, shot: string): Promise<void> {
  const button = page.getByTestId('actions').getByRole('button', { name: '催办', exact: true });
  await button.waitFor();
  // Beside the expected next step, not as it: a plain button.
  expect(await button.getAttribute('class')).not.toContain('ant-btn-primary');
  await button.click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await dialog.getByRole('button', { name: '提交' }).click();
  await dialog.getByText('请填写催办内容').waitFor();
  await screenshot(page, `${shot}-empty`);
  await dialog.getByLabel('催办内容').fill(message);
  await screenshot(page, `${shot}-filled`);
  await dialog.getByRole('button', { name: '提交' }).click();
  await dialog.waitFor({ state: 'detached' });
  await eventually(() => page.getByTestId('urge-count').textContent()).toBe(count);
  await eventually(() => page.getByTestId('timeline').innerText()).toContain(message);
  await screenshot(page, `${shot}-done`);
}

beforeAll(async () => {
  browser = await launchBrowser();
  stack = await startStack(county);
});

afterAll(async () => {
  for (const session of sessions) await session.context.close();
  await browser?.close();
  await stack?.close();
});

describe('web: 催办', { timeout: 300_000 }, () => {
  it('the office urges from the item page; the unit\'s handler reads it in the notifications and on the timeline', async () => {
    const officeApi = await stack.api.login('office', PASSWORD);
    const created = await officeApi.post('/api/rectifications', {
      title: '两户脱贫户季节性缺水',
      description: '省考核发现：甲镇两户脱贫户季节性缺水，未落实应急供水措施。',
      source: 'provincial_assessment',
      category: 'drinking_water',
      severity: 'major',
      leadUnitId: 'water',
      coUnitIds: [],
      dueDate: inDays(60),
    });
    expect(created.status).toBe(201);
    const itemUrl = `${stack.baseUrl}/items/${created.body.id}`;
    const message = '请于本周五前签收并报送整改方案。';

    const office = await as('office', DESKTOP);
    await office.page.goto(itemUrl);
    await office.page.getByTestId('item-title').waitFor();
    expect(await office.page.getByTestId('urge-count').textContent()).toBe('0 次');
    await urgeFromPage(office, message, '1 次', 'urge-item-desktop');
    expect(await office.page.getByTestId('timeline').innerText()).toContain('办公室王主任');

    const officeOnPhone = await as('office', PHONE);
    await officeOnPhone.page.goto(itemUrl);
    await officeOnPhone.page.getByTestId('item-title').waitFor();
    await urgeFromPage(officeOnPhone, '请牵头单位负责人亲自督办。', '2 次', 'urge-item-phone');

    for (const [username, viewport] of [['water', PHONE], ['water-lead', DESKTOP]] as const) {
      const unit = await as(username, viewport);
      await unit.page.getByTestId('notifications').click();
      const drawer = unit.page.locator('.ant-drawer');
      await drawer.getByText('站内通知').waitFor();
      await screenshot(unit.page, `urge-notifications-${username}`);
      await drawer.getByText(`办公室王主任催办：${message}`).waitFor();
      await screenshot(unit.page, `urge-notification-${username}`);
      await drawer.getByText(`办公室王主任催办：${message}`).click();
      await unit.page.waitForURL(itemUrl);
      await eventually(() => unit.page.getByTestId('urge-count').textContent()).toBe('2 次');
      expect(await unit.page.getByTestId('timeline').innerText()).toContain(message);
      expect(await unit.page.getByTestId('actions').getByRole('button', { name: '催办' }).count()).toBe(0);
      await screenshot(unit.page, `urge-item-${username}`);
      expect(unit.errors).toEqual([]);
    }
    expect(office.errors).toEqual([]);
    expect(officeOnPhone.errors).toEqual([]);
  });

  it('the leader urges from the task page of a monthly key task', async () => {
    const officeApi = await stack.api.login('office', PASSWORD);
    const month = shanghaiDate(new Date()).slice(0, 7);
    const draft = await officeApi.post('/api/task-lists', { month, items: [{ title: '更新饮水安全监测台账', targetUnitIds: ['water'], dueKind: 'monthEnd' }] });
    expect(draft.status).toBe(201);
    expect((await officeApi.post(`/api/task-lists/${draft.body.id}/publish`, { mode: 'now' })).status).toBeLessThan(300);
    const id = `${draft.body.id}.i1.water`;
    await eventually(async () => (await officeApi.get(`/api/assignments/${id}`)).status).toBe(200);

    for (const [viewport, shot, count, where] of [[DESKTOP, 'urge-task-desktop', '1 次', '电脑'], [PHONE, 'urge-task-phone', '2 次', '手机']] as const) {
      const leader = await as('leader', viewport);
      await leader.page.goto(`${stack.baseUrl}/assignments/${encodeURIComponent(id)}`);
      await leader.page.getByTestId('item-title').waitFor();
      await urgeFromPage(leader, `请今日内签收（${where}端催办）。`, count, shot);
      expect(leader.errors, leader.errors.join('\n')).toEqual([]);
    }
  });
});
