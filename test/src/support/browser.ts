import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
// @ts-expect-error plain ESM helper without types
import { ensureBrowser } from '../../../tools/lib/browser.mjs';
// @ts-expect-error plain ESM helper without types
import { buildWeb } from '../../../tools/lib/web.mjs';
// @ts-expect-error plain ESM helper without types
import { repoRoot } from '../../../tools/lib/servers.mjs';

export const SCREENSHOTS = join(repoRoot as string, 'test-output', 'screenshots');

/** Builds the web app (when its sources changed) and starts Debian's Chromium, headless. Call before startStack. */
export async function launchBrowser(): Promise<Browser> {
  buildWeb({ quiet: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: ensureBrowser() as string, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export interface UserPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Uncaught script errors and console errors (CSP refusals among them), but not answers with a 4xx status. */
  readonly errors: string[];
}

/** A user's own browser session (own storage), logged in through the login page. */
export async function loginAs(browser: Browser, baseUrl: string, username: string, password: string, viewport = { width: 1280, height: 900 }): Promise<UserPage> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(message.text());
  });
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByTestId('current-user').waitFor();
  return { context, page, errors };
}

/** Picks an option of an Ant Design Select by its label text. */
export async function choose(page: Page, label: string, option: string): Promise<void> {
  await page.getByLabel(label, { exact: true }).click();
  await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: option }).first().click();
  await page.keyboard.press('Escape');
}

/** Types a date into an Ant Design DatePicker. */
export async function pickDate(page: Page, label: string, date: string): Promise<void> {
  const input = page.getByLabel(label, { exact: true });
  await input.click();
  await input.fill(date);
  // Tab, not Enter: Enter would also submit the form the picker is in.
  await input.press('Tab');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  // Not while a table or page is still loading (its rows dimmed under the spinner). A locator, not a page function:
  // the pages' CSP refuses script strings evaluated in them ('unsafe-eval'), which made this wait fail at random.
  await page.locator('.ant-spin-spinning').first().waitFor({ state: 'detached' });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
