import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { totpCode, type OrgFile } from '@duban/api';
import { shanghaiDate } from '@duban/domain';
import type { AuditRecord } from '@duban/persistence';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, loginAs, pickDate, screenshot, type UserPage } from './support/browser.js';
import { PASSWORD, testCounty } from './support/org-fixture.js';
import { startStack, type Stack } from './support/stack.js';

// The auditor's job and everyone's own account, in Debian's Chromium against the whole stack: the auditor lands on
// the audit log, searches it, opens an entry, downloads the export and checks the chain; users change their own
// password on 账户与安全 and log in with it. Only fixtures of other roles go through the API.

const DESKTOP = { width: 1366, height: 800 };
const PHONE = { width: 390, height: 844 };

const org: OrgFile = {
  units: testCounty.units,
  users: [...(testCounty.users ?? []), { username: 'auditor', name: '审计员钱审计', unit: 'office', roles: ['auditor'], password: PASSWORD }],
};

let browser: Browser;
let stack: Stack;
const sessions: UserPage[] = [];
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 60_000, interval: 200 });

async function as(username: string, viewport: { width: number; height: number }, password = PASSWORD): Promise<UserPage> {
  const session = await loginAs(browser, stack.baseUrl, username, password, viewport);
  sessions.push(session);
  return session;
}

const apiLogin = (username: string, password: string) =>
  fetch(`${stack.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });

/** How wide the page's content is (wider than the window: the page scrolls sideways). */
const scrollWidth = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth');

/** Waits until the entry drawer has slid in (its right edge at the window's), so the screenshot shows it whole. */
async function entryShown(page: Page, viewport: { width: number }): Promise<void> {
  await page.getByTestId('audit-entry').waitFor();
  const edge = async () => {
    const box = await page.locator('.ant-drawer-content-wrapper').boundingBox();
    return box ? Math.round(box.x + box.width) : -1;
  };
  await eventually(edge).toBe(viewport.width);
}

/** The users the listed rows name (polled: the table reloads after a search). */
const rowUsers = (page: Page): Promise<string[]> => page.getByTestId('audit-who').allTextContents();

beforeAll(async () => {
  browser = await launchBrowser();
  stack = await startStack(org);
});

afterAll(async () => {
  for (const session of sessions) await session.context.close();
  await browser?.close();
  await stack?.close();
});

describe('the auditor and everyone\'s own account in the browser', { timeout: 180_000 }, () => {
  it('the auditor lands on the audit log, finds a user\'s entries of a day, opens one, downloads the export and checks the chain', async () => {
    // Other people's traces: the water bureau's clerk mistypes the password once, then logs in.
    expect((await apiLogin('water', 'Wrong-passw0rd')).status).toBe(401);
    expect((await apiLogin('water', PASSWORD)).status).toBe(200);
    const today = shanghaiDate(new Date());

    const auditor = await as('auditor', DESKTOP);
    const { page } = auditor;
    await page.getByText('审计日志', { exact: true }).first().waitFor();
    expect(new URL(page.url()).pathname).toBe('/audit');
    expect(await page.getByRole('menuitem').allTextContents()).toEqual(['审计日志']);
    await page.locator('.ant-table-tbody tr.ant-table-row').first().waitFor();
    await screenshot(page, 'audit-log-home');

    await page.getByLabel('用户（登录名）').fill('water');
    await pickDate(page, '起始日期', today);
    await pickDate(page, '截止日期', today);
    await page.getByRole('button', { name: '查询', exact: true }).click();
    await eventually(() => rowUsers(page)).toEqual(['水利局张科长', '登录名 water']);
    await screenshot(page, 'audit-log-search');

    await page.locator('.ant-table-tbody tr.ant-table-row').filter({ hasText: '失败' }).getByRole('button', { name: '详情' }).click();
    const detail = page.getByTestId('audit-entry');
    await entryShown(page, DESKTOP);
    expect(await detail.textContent()).toContain('输入的登录名water');
    expect(await detail.textContent()).toContain('操作登录');
    expect(await detail.textContent()).toContain('结果失败（状态码 401）');
    expect(await detail.textContent()).toContain('原因：密码错误');
    await screenshot(page, 'audit-log-entry');
    await page.locator('.ant-drawer').getByRole('button', { name: /关闭|Close/ }).click();

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出所选日期的记录' }).click()]);
    expect(download.suggestedFilename()).toBe('审计记录.csv');
    const csv = (await readFile(await download.path(), 'utf8')).replace(/^\uFEFF/, '');
    const [header, ...rows] = csv.split('\r\n').filter((line) => line !== '');
    expect(header).toBe('序号,时间,请求编号,来源IP,用户,单位,角色,操作,对象,结果,状态码,哈希');
    const cells = rows.map((row) => row.split(','));
    // The day's whole trail, in seq order: the clerk's failed and successful logins and the auditor's own.
    expect(cells.map((row) => Number(row[0]))).toEqual([...cells.map((row) => Number(row[0]))].sort((a, b) => a - b));
    for (const row of cells) expect(row[1]!.startsWith(today)).toBe(true);
    expect(cells.filter((row) => row[7] === 'auth.login').map((row) => [row[4]!.replace(/（.*）$/, ''), row[9]])).toEqual([
      ['water', '失败'],
      ['水利局张科长', '成功'],
      ['审计员钱审计', '成功'],
    ]);

    await page.getByRole('button', { name: '校验审计链' }).click();
    await eventually(() => page.getByTestId('chain-result').textContent()).toMatch(/^审计链完整：已校验 \d+ 条记录/);
    await screenshot(page, 'audit-chain-ok');

    // Someone edits an entry in the database behind the application's back: the check names it.
    const tampered = await stack.database.collection<AuditRecord>('audit_log').findOne({ action: 'auth.login', result: 'failure' });
    await stack.database.collection<AuditRecord>('audit_log').updateOne({ _id: tampered!._id }, { $set: { username: 'someone-else' } });
    await page.getByRole('button', { name: '校验审计链' }).click();
    await eventually(() => page.getByTestId('chain-result').textContent()).toContain(`第 ${tampered!._id} 条：内容被修改（与其哈希不符）`);
    expect(await page.getByTestId('chain-result').textContent()).toMatch(/^审计链校验不通过：发现 1 处问题/);
    await screenshot(page, 'audit-chain-broken');
    expect(auditor.errors).toEqual([]);
  });

  it('the audit log at phone width: the search, the entries and the detail fit the screen', async () => {
    const auditor = await as('auditor', PHONE);
    const { page } = auditor;
    await page.locator('.ant-table-tbody tr.ant-table-row').first().waitFor();
    expect(new URL(page.url()).pathname).toBe('/audit');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'audit-log-phone');
    await page.getByLabel('用户（登录名）').fill('water');
    await page.getByRole('button', { name: '查询', exact: true }).click();
    await eventually(() => rowUsers(page)).toContain('水利局张科长');
    await page.locator('.ant-table-tbody tr.ant-table-row').first().getByRole('button', { name: '详情' }).click();
    await entryShown(page, PHONE);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'audit-log-entry-phone');
    expect(auditor.errors).toEqual([]);
  });

  for (const [username, viewport, label] of [
    ['town-a', DESKTOP, 'desktop'],
    ['village-a1', PHONE, 'phone'],
  ] as const) {
    it(`a unit user changes their own password on 账户与安全 (${label}), logs out and logs in with the new one`, async () => {
      const user = await as(username, viewport);
      const { page } = user;
      await page.getByTestId('current-user').click();
      await page.getByRole('menuitem', { name: '账户与安全' }).click();
      await page.getByText('修改密码', { exact: true }).first().waitFor();
      expect(await page.getByText('新密码至少 8 位').textContent()).toContain('包含大写字母、小写字母、数字、符号中的三类');

      // The server's rule, at the field, before anything is sent.
      await page.getByLabel('当前密码').fill(PASSWORD);
      await page.getByLabel('新密码', { exact: true }).fill('abcdefgh');
      await page.getByText('密码须包含大写字母、小写字母、数字、符号中的至少三类').waitFor();
      await page.getByLabel('新密码', { exact: true }).fill(`${username}-Pass1`);
      await page.getByText('密码不能包含用户名').waitFor();
      await screenshot(page, `account-password-rule-${label}`);

      // A wrong current password is said at that field.
      const newPassword = 'Fresh-passw0rd!';
      await page.getByLabel('当前密码').fill('Not-my-passw0rd');
      await page.getByLabel('新密码', { exact: true }).fill(newPassword);
      await page.getByLabel('确认新密码').fill(newPassword);
      await page.getByRole('button', { name: '修改密码' }).click();
      await page.getByText('当前密码不正确').waitFor();

      await page.getByLabel('当前密码').fill(PASSWORD);
      await page.getByRole('button', { name: '修改密码' }).click();
      await page.getByText('密码已修改，其他设备上的登录已全部退出').waitFor();
      if (viewport === PHONE) expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
      await screenshot(page, `account-password-changed-${label}`);

      await page.getByRole('button', { name: '退出', exact: true }).click();
      await page.getByLabel('用户名').fill(username);
      await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: '登录' }).click();
      await page.getByText('用户名或密码错误', { exact: false }).waitFor();
      await page.getByLabel('密码', { exact: true }).fill(newPassword);
      await page.getByRole('button', { name: '登录' }).click();
      await eventually(() => page.getByTestId('current-user').textContent()).not.toBe('');
      await page.getByText('账户与安全', { exact: true }).first().waitFor(); // back on the page the user was on
      expect(user.errors).toEqual([]);
    });
  }

  it('a user enables a second factor on 账户与安全 and is asked for its code at the next login', async () => {
    const user = await as('water', DESKTOP);
    const { page } = user;
    await page.getByTestId('current-user').click();
    await page.getByRole('menuitem', { name: '账户与安全' }).click();
    const card = page.getByTestId('totp-card');
    await card.getByRole('button', { name: '生成密钥' }).click();
    const secret = ((await card.getByTestId('totp-secret').textContent()) ?? '').trim();
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await screenshot(page, 'account-totp-setup');
    await card.getByLabel('六位验证码').fill(totpCode(secret, 'water', new Date()));
    await card.getByRole('button', { name: '启用' }).click();
    await card.getByText('已启用').waitFor();
    await screenshot(page, 'account-totp-enabled');

    await page.getByRole('button', { name: '退出', exact: true }).click();
    await page.getByLabel('用户名').fill('water');
    await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    // A code is good once: the next step's (inside the server's ±1 step window) is the authenticator's next code.
    await page.getByLabel('动态验证码').fill(totpCode(secret, 'water', new Date(Date.now() + 30_000)));
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('current-user').waitFor();
    await page.getByTestId('totp-card').getByText('已启用').waitFor();
    expect(user.errors).toEqual([]);
  });
});
