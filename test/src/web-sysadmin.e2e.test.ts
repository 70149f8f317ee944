import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { OrgFile } from '@duban/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, loginAs, SCREENSHOTS, type UserPage } from './support/browser.js';
import { PASSWORD, testCounty } from './support/org-fixture.js';
import { startStack, type Stack } from './support/stack.js';

// The sysadmin's job in Debian's Chromium against the whole stack: units (tree, a new village, the org file import
// with its example file) and users (create with a generated password, search, disable), done in the pages only.

let browser: Browser;
let stack: Stack;
const sessions: UserPage[] = [];

const DESKTOP = { width: 1366, height: 800 };
const PHONE = { width: 390, height: 844 };
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 30_000, interval: 200 });

/** The test county with the sysadmin in a unit of its own, as bootstrapAdmin makes it. */
const county: OrgFile = {
  units: [{ id: 'system', name: '系统管理', kind: 'county' }, ...testCounty.units],
  users: [...(testCounty.users ?? []), { username: 'admin', name: '系统管理员', unit: 'system', roles: ['sysadmin'], password: PASSWORD }],
};

async function as(username: string, viewport: { width: number; height: number }): Promise<UserPage> {
  const session = await loginAs(browser, stack.baseUrl, username, PASSWORD, viewport);
  sessions.push(session);
  return session;
}

/** Opens a page from the menu: at phone width the menu is in a drawer. */
async function open(page: Page, label: string): Promise<void> {
  if ((page.viewportSize()?.width ?? 0) < 768) await page.getByRole('button', { name: '菜单' }).click();
  await page.getByRole('menuitem', { name: label }).click();
}

/** Picks a unit in an Ant Design TreeSelect by typing part of its name. */
async function chooseUnit(page: Page, label: string, unit: string): Promise<void> {
  const input = page.getByLabel(label, { exact: true });
  await input.click();
  await input.fill(unit);
  await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-tree-title').getByText(unit, { exact: true }).click();
  await input.press('Tab'); // closes the dropdown (Escape would close the dialog too)
}

/** A screenshot once nothing is loading any more (support/browser.ts's screenshot waits by evaluating script text, which the app's CSP refused here at times). */
async function shot(page: Page, name: string): Promise<void> {
  await eventually(() => page.locator('.ant-spin-spinning').count()).toBe(0);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const rowOf = (page: Page, text: string) => page.locator('tr.ant-table-row').filter({ hasText: text });
const sideways = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth');

beforeAll(async () => {
  browser = await launchBrowser();
  stack = await startStack(county);
});

afterAll(async () => {
  for (const session of sessions) await session.context.close();
  await browser?.close();
  await stack?.close();
});

describe('the sysadmin in the browser', { timeout: 180_000 }, () => {
  it.each([
    ['desktop', DESKTOP, 'village-a3', '甲镇三村'],
    ['phone', PHONE, 'village-a4', '甲镇四村'],
  ] as const)(
    '(%s) creates a village and a user in it; the user logs in with the generated password and must change it; disabling them ends their session',
    async (width, viewport, code, village) => {
      const admin = await as('admin', viewport);
      const { page } = admin;
      await page.getByText('用户管理', { exact: true }).first().waitFor(); // the sysadmin's home page

      // A new village under 甲镇, from the unit tree.
      await open(page, '单位管理');
      await rowOf(page, '甲镇一村').waitFor();
      await shot(page, `sysadmin-units-${width}`);
      await rowOf(page, '乡（镇）').filter({ hasText: '甲镇' }).getByRole('button', { name: '新增下级' }).click();
      const unitDialog = page.getByRole('dialog');
      await unitDialog.getByLabel('单位名称').fill(village);
      await unitDialog.getByLabel('单位代码').fill(code);
      await shot(page, `sysadmin-unit-form-${width}`);
      await unitDialog.getByRole('button', { name: '创建' }).click();
      await rowOf(page, village).waitFor();
      expect(await rowOf(page, village).textContent()).toContain('村（社区）');

      // A user in it: the form keeps 三员分立 (no sysadmin role beside a business role).
      await open(page, '用户管理');
      await page.getByRole('button', { name: '新建用户' }).click();
      const userDialog = page.getByRole('dialog');
      await userDialog.getByLabel('姓名').fill(`${village}钱书记`);
      await userDialog.getByLabel('登录名').fill(code);
      await chooseUnit(page, '所属单位', village);
      await userDialog.getByLabel('责任单位经办人').check();
      expect(await userDialog.getByLabel('系统管理员').isDisabled()).toBe(true);
      expect(await userDialog.getByLabel('审计管理员').isDisabled()).toBe(true);
      await shot(page, `sysadmin-user-form-${width}`);
      await userDialog.getByRole('button', { name: '创建' }).click();
      const generated = (await page.getByTestId('generated-password').innerText()).trim();
      expect(generated.length).toBeGreaterThanOrEqual(8);
      await shot(page, `sysadmin-user-password-${width}`);
      await page.getByRole('button', { name: '我已记下' }).click();

      // The user logs in with it and must choose a new password first.
      const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
      const user = (await context.newPage()) as Page;
      sessions.push({ context, page: user, errors: [] });
      await user.goto(`${stack.baseUrl}/`);
      await user.getByLabel('用户名').fill(code);
      await user.getByLabel('密码', { exact: true }).fill(generated);
      await user.getByRole('button', { name: '登录' }).click();
      await user.getByText('首次登录，请修改初始密码').waitFor();
      await user.getByLabel('当前密码').fill(generated);
      await user.getByLabel('新密码', { exact: true }).fill('Village-passw0rd');
      await user.getByLabel('确认新密码').fill('Village-passw0rd');
      await user.getByRole('button', { name: '修改密码' }).click();
      await eventually(() => user.getByTestId('current-user').textContent()).toBe(`${village}钱书记`);
      await shot(user, `sysadmin-new-user-inbox-${width}`);

      // The sysadmin finds them by name (searched on the server) and disables them, after a confirmation.
      await page.getByLabel('查找用户').fill(`${village}钱`);
      await page.getByLabel('查找用户').press('Enter');
      await eventually(() => page.locator('tr.ant-table-row').count()).toBe(1);
      const row = rowOf(page, `${village}钱书记`);
      expect(await row.textContent()).toContain(village);
      await row.getByRole('button', { name: '停用' }).click();
      await page.locator('.ant-popconfirm').getByRole('button', { name: '停用' }).click();
      await row.getByText('已停用').waitFor();
      expect(await row.getByRole('button', { name: '停用' }).count()).toBe(0);
      expect(await row.getByRole('button', { name: '启用' }).count()).toBe(1);
      await shot(page, `sysadmin-user-disabled-${width}`);
      expect(await sideways(page)).toBeLessThanOrEqual(viewport.width);

      // Their session has ended: their next step takes them to the login page.
      await user.reload();
      await user.getByRole('button', { name: '登录' }).waitFor();
      await shot(user, `sysadmin-disabled-user-logged-out-${width}`);

      // The sysadmin cannot disable or reset themself: those actions are not offered on their own row.
      await page.getByLabel('查找用户').fill('admin');
      await page.getByLabel('查找用户').press('Enter');
      const own = rowOf(page, '系统管理员');
      await eventually(() => page.locator('tr.ant-table-row').count()).toBe(1);
      // The search answer replaces the rows: read the sysadmin's own row once it is the one shown.
      await eventually(() => own.getByRole('button').allTextContents()).toEqual(['修改']);
      expect(admin.errors).toEqual([]);
    },
  );

  it('(phone) imports an org file made from the example file: a bad row shows its error at that row, nothing is imported; a good file is', async () => {
    const admin = await as('admin', PHONE);
    const { page } = admin;
    await open(page, '单位管理');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载示例文件' }).click()]);
    expect(download.suggestedFilename()).toBe('组织架构示例.yaml');
    const example = await readFile((await download.path())!, 'utf8');
    expect(example).toContain('units:');
    expect(example).toContain('三员分立');

    // The example with one user placed in a unit the file does not have.
    const bad = example.replace('unit: water, roles: [unit]', 'unit: no-such-unit, roles: [unit]');
    expect(bad).not.toBe(example);
    await page.locator('input[type=file]').setInputFiles({ name: 'org.yaml', mimeType: 'application/yaml', buffer: Buffer.from(bad) });
    const users = page.getByTestId('import-users');
    await rowOf(page, '县水利局经办人').waitFor();
    await page.getByTestId('org-import-submit').click();
    await page.getByText('文件有 1 处错误，未导入').waitFor();
    const badRow = users.locator('tr.ant-table-row').filter({ hasText: '县水利局经办人' });
    expect(await badRow.textContent()).toContain('所属单位：未知单位 no-such-unit');
    expect(await users.locator('tr.ant-table-row').filter({ hasText: '未知单位' }).count()).toBe(1);
    await shot(page, 'sysadmin-import-row-error-phone');
    expect((await stack.database.collection('units').findOne({ _id: 'town-a-v1' } as never)) ?? null).toBeNull();

    // A good file: a new township with a village and its clerk, whose generated password is shown once.
    const good = ['units:', '  - { id: town-b, name: 乙镇, kind: township }', '  - { id: town-b-v1, name: 乙镇一村, kind: village, parent: town-b }', 'users:', '  - { username: town-b, name: 乙镇周干事, unit: town-b, roles: [unit] }', ''].join('\n');
    await page.locator('input[type=file]').setInputFiles({ name: 'org-good.yaml', mimeType: 'application/yaml', buffer: Buffer.from(good) });
    await rowOf(page, '乙镇周干事').waitFor();
    await page.getByText('未导入').waitFor({ state: 'detached' }); // the refusal of the first file is gone
    await page.getByTestId('org-import-submit').click();
    await page.getByText('导入完成：单位 2 个，用户 1 个').waitFor();
    await rowOf(page, '乙镇一村').first().waitFor();
    expect(await rowOf(page, 'town-b').last().textContent()).toMatch(/Db-/);
    await shot(page, 'sysadmin-import-done-phone');
    expect(await sideways(page)).toBeLessThanOrEqual(PHONE.width);
    expect(admin.errors).toEqual([]);
  });
});
