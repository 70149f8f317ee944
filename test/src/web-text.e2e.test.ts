import type { Browser, Page } from 'playwright-core';
import type { OrgFile } from '@duban/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '@duban/domain';
import { choose, launchBrowser, loginAs, screenshot, type UserPage } from './support/browser.js';
import { startCampaign } from './support/campaign-fixture.js';
import { PASSWORD, testCounty } from './support/org-fixture.js';
import { startStack, type ApiClient, type Stack } from './support/stack.js';
import { until } from './support/until.js';

// "Every page text is Chinese": each role with pages signs in, opens every page its menu offers and the detail
// pages of an item, a task assignment, a campaign and an inspection, and every tab, drop-down list and step dialog
// on them; no visible text, placeholder, tooltip or accessible name may hold a Latin-letter word beyond the few
// below. Unit symbols, the office programs users open the downloads with, and the two formats of the sysadmin's org
// file are the only words allowed.
const ALLOWED = new Set(['Excel', 'Word', 'KB', 'MB', 'YAML', 'JSON']);
/** User data, not the page's own text: an uploaded file keeps the name (and extension) it was given. */
const USER_DATA = ['现场照片.png'];

let browser: Browser;
let stack: Stack;
const sessions: UserPage[] = [];
const inDays = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000));

const county: OrgFile = {
  ...testCounty,
  users: [
    ...(testCounty.users ?? []),
    { username: 'town-a-head', name: '甲镇吴镇长', unit: 'town-a', roles: ['unit_leader'], password: PASSWORD },
    { username: 'sysadmin', name: '系统管理员吴工', unit: 'office', roles: ['sysadmin'], password: PASSWORD },
  ],
};

/** Detail pages reached by id: filled in by the fixture below. */
const detail = { item: '', assignment: '', inspection: '' };

async function fixtures(): Promise<void> {
  const login = (username: string): Promise<ApiClient> => stack.api.login(username, PASSWORD);
  const [office, town, inspector] = await Promise.all([login('office'), login('town-a'), login('inspector')]);

  const item = await office.post('/api/rectifications', {
    title: '部分脱贫户饮水安全保障不到位',
    description: '省考核发现：甲镇两户脱贫户季节性缺水，未落实应急供水措施。',
    source: 'provincial_assessment',
    category: 'drinking_water',
    leadUnitId: 'town-a',
    dueDate: inDays(30),
  });
  expect(item.status).toBe(201);
  detail.item = item.body.id as string;
  const form = new FormData();
  form.append('file', new Blob([PNG], { type: 'image/png' }), USER_DATA[0]);
  expect((await town.postForm(`/api/rectifications/${detail.item}/attachments`, form)).status).toBe(201);

  const list = await office.post('/api/task-lists', {
    month: inDays(1).slice(0, 7),
    // Due tomorrow: the assignment turns blue at once, and the township gets its first notification.
    items: [{ title: '更新就业帮扶台账', content: '核实并更新本月就业帮扶台账。', targetUnitIds: ['town-a'], dueKind: 'date', dueDate: inDays(1) }],
  });
  expect(list.status).toBe(201);
  expect((await office.post(`/api/task-lists/${list.body.id}/publish`, {})).status).toBe(202);
  detail.assignment = `${list.body.id}.i1.town-a`;
  await until('the assignment', () => town.get(`/api/assignments/${detail.assignment}`), (r) => r.status === 200);
  await until('the township notified', () => town.get('/api/notifications?limit=1'), (r) => r.body.items?.length === 1);

  const campaign = await startCampaign(office);
  await until('the campaign running', () => office.get(`/api/campaigns/${campaign.body.id}`), (r) => r.body.status === 'running');

  const inspection = await inspector.post('/api/inspections', {
    title: '第四季度暗访',
    targetUnitIds: ['village-a1'],
    windowFrom: inDays(1),
    windowTo: inDays(5),
    team: ['周组长', '吴干事'],
  });
  expect(inspection.status).toBe(201);
  detail.inspection = inspection.body.id as string;
  const finding = await inspector.post(`/api/inspections/${detail.inspection}/findings`, {
    place: '甲镇一村三组',
    category: 'housing',
    description: '一户脱贫户住房墙体开裂，未纳入危房改造。',
    responsibleUnitId: 'village-a1',
    suggestedDueDate: inDays(30),
  });
  expect(finding.status).toBe(201);
}

beforeAll(async () => {
  browser = await launchBrowser();
  stack = await startStack(county);
  await fixtures();
}, 120_000);

afterAll(async () => {
  for (const session of sessions) await session.context.close();
  await browser?.close();
  await stack?.close();
});

/**
 * What the page shows a user, as strings: the window title, the visible text, and the placeholders, tooltips
 * (title) and accessible names (aria-label, alt) of visible elements. Two names are fixed inside Ant Design and
 * cannot be given in Chinese, so they are not read: each icon names its glyph ("search", "close"), and the
 * arrows of a number box are "Increase Value" / "Decrease Value" (the box itself carries the field's label).
 */
const READ_TEXT = `(() => {
  const texts = [document.title, document.body.innerText];
  for (const element of document.querySelectorAll('[placeholder], [title], [aria-label], [alt]')) {
    if (element.closest('.anticon, .ant-input-number-action') || !element.checkVisibility()) continue;
    for (const name of ['placeholder', 'title', 'aria-label', 'alt']) {
      const value = element.getAttribute(name);
      if (value) texts.push(value);
    }
  }
  return texts;
})()`;

/** Each Latin-letter word outside the allow-list, with a little of the text around it. */
function latinWords(texts: string[], data: readonly string[] = USER_DATA): string[] {
  const found: string[] = [];
  for (let text of texts) {
    for (const shown of data) text = text.split(shown).join('');
    for (const match of text.matchAll(/[A-Za-z]+/g)) {
      if (ALLOWED.has(match[0])) continue;
      found.push(`“${match[0]}” in “${text.slice(Math.max(0, match.index - 15), match.index + match[0].length + 15).replace(/\s+/g, ' ')}”`);
    }
  }
  return found;
}

const OPEN_DROPDOWN = '.ant-select-dropdown:not(.ant-select-dropdown-hidden)';

/** Until the page has loaded its data: no request in flight for a moment, no spinner. */
async function settled(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await expect.poll(() => page.locator('.ant-spin-spinning').count()).toBe(0);
  // Nor a drop-down list still closing (the closing list still holds its options, for screen readers, by value).
  await expect.poll(() => page.locator(OPEN_DROPDOWN).count()).toBe(0);
}

/** The page's text, and the options of each of its drop-down lists (opened one by one, then closed unchanged). */
async function pageText(page: Page): Promise<string[]> {
  const texts = await page.evaluate<string[]>(READ_TEXT);
  const selects = page.locator('.ant-select:not(.ant-select-disabled)');
  for (let i = 0; i < (await selects.count()); i++) {
    const select = selects.nth(i);
    if (!(await select.isVisible())) continue;
    await select.click();
    const dropdown = page.locator(OPEN_DROPDOWN);
    await dropdown.first().waitFor();
    // The options as shown (the list also holds, for screen readers, a zero-size copy keyed by value).
    texts.push(...(await dropdown.locator('.ant-select-item, .ant-empty').allInnerTexts()));
    await page.keyboard.press('Escape');
    await page.locator(OPEN_DROPDOWN).waitFor({ state: 'detached', timeout: 2_000 }).catch(() => undefined);
  }
  return texts;
}

/** The page and each of its tabs (and, on an item or assignment, each step's dialog), read and photographed. */
async function audit(page: Page, name: string, problems: string[], data: readonly string[] = USER_DATA): Promise<void> {
  await settled(page);
  const where = `${name} (${new URL(page.url()).pathname})`;
  const record = (texts: string[]) => problems.push(...latinWords(texts, data).map((word) => `${where}: ${word}`));
  record(await pageText(page));
  await screenshot(page, `text-${name}`);
  const tabs = page.locator('.ant-tabs-tab');
  for (let i = 1; i < (await tabs.count()); i++) {
    if (!(await tabs.nth(i).isVisible())) continue;
    await tabs.nth(i).click();
    await settled(page);
    record(await pageText(page));
    await screenshot(page, `text-${name}-tab${i}`);
  }
  const steps = page.getByTestId('actions').getByRole('button');
  for (let i = 0; i < (await steps.count()); i++) {
    await steps.nth(i).click();
    const dialog = page.locator('.ant-modal-wrap:visible, .ant-popover:visible');
    if (await dialog.first().waitFor({ timeout: 2_000 }).then(() => true, () => false)) {
      record(await pageText(page));
      await screenshot(page, `text-${name}-step${i}`);
      await page.keyboard.press('Escape');
      await dialog.first().waitFor({ state: 'hidden' });
    }
  }
}

/** Signs in, opens every page of the menu and then the given detail pages, collecting what is not Chinese. */
async function auditRole(
  username: string,
  details: string[] = [],
  extra?: (page: Page, problems: string[]) => Promise<void>,
  data: readonly string[] = USER_DATA,
): Promise<{ pages: string[]; problems: string[] }> {
  const session = await loginAs(browser, stack.baseUrl, username, PASSWORD);
  sessions.push(session);
  const { page } = session;
  const problems: string[] = [];
  const labels = await page.getByRole('menuitem').allInnerTexts();
  expect(labels.length).toBeGreaterThan(0);
  const paths: string[] = [];
  for (const label of labels) {
    // The menu navigates in its click handler: the address has changed when the click returns.
    await page.getByRole('menuitem', { name: label, exact: true }).click();
    paths.push(new URL(page.url()).pathname);
  }
  for (const path of [...paths, ...details]) {
    await page.goto(`${stack.baseUrl}${path}`);
    const named = path.replace(detail.item, 'item').replace(detail.assignment, 'assignment').replace(detail.inspection, 'inspection');
    await audit(page, `${username}${named.replace(/[/:.]+/g, '-')}`, problems, data);
  }
  // The notifications drawer of the header (read as it opens: the page behind it is covered).
  await page.getByTestId('notifications').click();
  const drawerTitle = page.locator('.ant-drawer').getByText('站内通知');
  await drawerTitle.waitFor();
  let left = -1; // slid in: its place on screen no longer moves
  await expect.poll(async () => left === (left = (await drawerTitle.boundingBox())?.x ?? -2)).toBe(true);
  await settled(page);
  problems.push(...latinWords(await page.evaluate<string[]>(READ_TEXT), data).map((word) => `${username} notifications: ${word}`));
  await screenshot(page, `text-${username}-notifications`);
  await extra?.(page, problems);
  expect(session.errors).toEqual([]);
  return { pages: [...paths, ...details], problems };
}

describe('every page text is Chinese', { timeout: 300_000 }, () => {
  it('the login page', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    await page.goto(`${stack.baseUrl}/`);
    await page.getByRole('button', { name: '登录' }).waitFor();
    const problems: string[] = [];
    await audit(page, 'login', problems);
    await context.close();
    expect(problems).toEqual([]);
  });

  it('the office: every menu page, an item, a task assignment, an inspection, and the settings for a unit', async () => {
    const { pages, problems } = await auditRole('office', [`/items/${detail.item}`, `/assignments/${detail.assignment}`, `/inspections/${detail.inspection}`], async (page, found) => {
      // The push channels of a unit: the form to add one shows once a unit is chosen.
      await page.goto(`${stack.baseUrl}/settings`);
      await settled(page);
      await page.getByRole('tab', { name: '消息推送渠道' }).click();
      await choose(page, '单位', '甲镇');
      await page.getByRole('button', { name: '添加' }).waitFor();
      await audit(page, 'office-settings-channels', found);

      // The evaluation period is picked in words (年度 / 季度 / 月度), and the export takes it.
      await page.goto(`${stack.baseUrl}/exports`);
      await settled(page);
      await choose(page, '考评期间', '季度');
      expect(await page.getByLabel('考评年份、季度或月份').inputValue()).toMatch(/^\d{4}年第[1-4]季度$/);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出考评（Excel）' }).click()]);
      expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
      await audit(page, 'office-exports-quarter', found);
    });
    expect(pages).toEqual(expect.arrayContaining(['/inbox', '/items/new', '/imports', '/task-lists', '/campaigns', '/escalations', '/dashboard', '/exports', '/inspections', '/lookbacks', '/settings']));
    expect(problems).toEqual([]);
  });

  it('the leader, a township user and the township head: their menu pages, the item and the task assignment', async () => {
    const problems: string[] = [];
    for (const username of ['leader', 'town-a', 'town-a-head']) {
      const details = username === 'town-a-head' ? [`/assignments/${detail.assignment}`] : [`/items/${detail.item}`, `/assignments/${detail.assignment}`];
      const seen = await auditRole(username, details);
      expect(seen.pages).toEqual(expect.arrayContaining(['/inbox', '/task-lists', '/campaigns', '/dashboard', '/exports']));
      problems.push(...seen.problems);
    }
    expect(problems).toEqual([]);
  });

  it('the inspector: the inspections, one inspection, and a look-back draw with its explanation', async () => {
    const { pages, problems } = await auditRole('inspector', [`/inspections/${detail.inspection}`], async (page, found) => {
      await page.goto(`${stack.baseUrl}/lookbacks`);
      await settled(page);
      await page.getByLabel('随机种子（可不填，留空由系统生成并记录）').fill('20261206');
      await page.getByRole('button', { name: '按比例抽取' }).click();
      await page.getByTestId('lookback-draw').waitFor();
      await audit(page, 'inspector-lookback-draw', found);
    });
    expect(pages).toEqual(expect.arrayContaining(['/inspections', '/lookbacks']));
    expect(problems).toEqual([]);
  });

  it('the system administrator: users, units and the working-day calendar, not the push channels (business data, 三员分立)', async () => {
    // Login names and unit codes are data an administrator must see, not text of the pages.
    const codes = [...county.users!.map((user) => user.username), ...county.units.map((unit) => unit.id)].sort((a, b) => b.length - a.length);
    const { pages, problems } = await auditRole(
      'sysadmin',
      [],
      async (page) => {
        await page.goto(`${stack.baseUrl}/settings`);
        await settled(page);
        expect(await page.getByRole('tab').allInnerTexts()).toEqual(['工作日调整']);
      },
      [...USER_DATA, ...codes],
    );
    expect(pages).toEqual(['/users', '/units', '/settings']);
    expect(problems).toEqual([]);
  });

  it('a request the network refused says so in Chinese, not in the browser’s words', async () => {
    const session = await loginAs(browser, stack.baseUrl, 'office', PASSWORD);
    sessions.push(session);
    const { page, context } = session;
    await page.getByRole('menuitem', { name: '台账导出' }).click();
    await settled(page);
    await context.setOffline(true);
    await page.getByRole('button', { name: /^导出台账/ }).click();
    await expect.poll(() => page.locator('.ant-message-error').allInnerTexts()).toEqual(['网络异常，请稍后重试']);
    await context.setOffline(false);
  });
});

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);
