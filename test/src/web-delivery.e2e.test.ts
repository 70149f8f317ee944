import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from './support/browser.js';
import { PASSWORD, testCounty } from './support/org-fixture.js';
import { startStack, type Stack } from './support/stack.js';

// How the workbench reaches a browser: its assets compressed and cached, and one session per browser, not per tab.

let browser: Browser;
let stack: Stack;

const DESKTOP = { width: 1366, height: 800 };
const PHONE = { width: 390, height: 844 };

beforeAll(async () => {
  browser = await launchBrowser();
  stack = await startStack(testCounty);
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** The scripts index.html loads first (its entry and the chunks it preloads). */
async function firstScripts(): Promise<string[]> {
  const html = await (await fetch(`${stack.baseUrl}/`)).text();
  return [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((match) => match[1]!);
}

const fetchWith = (path: string, acceptEncoding: string) => fetch(`${stack.baseUrl}${path}`, { headers: { 'accept-encoding': acceptEncoding } });

async function logIn(page: Page, username: string): Promise<void> {
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
}

const loginForm = (page: Page) => page.getByRole('button', { name: '登录' });

describe('web delivery', { timeout: 180_000 }, () => {
  it('sends the scripts brotli- or gzip-compressed as the browser accepts them, kept for a year; index.html revalidated each time', async () => {
    const index = await fetch(`${stack.baseUrl}/items/some-item`);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const scripts = await firstScripts();
    expect(scripts.length).toBeGreaterThan(1);
    for (const script of scripts) {
      const plain = await fetchWith(script, 'identity');
      expect(plain.headers.get('content-encoding'), script).toBeNull();
      const source = await plain.text();

      // Chromium's own Accept-Encoding: brotli preferred.
      const brotli = await fetchWith(script, 'gzip, deflate, br, zstd');
      expect(brotli.status).toBe(200);
      expect(brotli.headers.get('content-encoding'), script).toBe('br');
      expect(brotli.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect(brotli.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(brotli.headers.get('vary')).toMatch(/accept-encoding/i);
      expect(Number(brotli.headers.get('content-length'))).toBeLessThan(source.length);
      expect(await brotli.text()).toBe(source); // fetch decodes it

      const gzip = await fetchWith(script, 'gzip');
      expect(gzip.headers.get('content-encoding'), script).toBe('gzip');
      expect(gzip.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(await gzip.text()).toBe(source);
    }
  });

  it('keeps the refresh token of a browser in an HttpOnly, SameSite=Strict cookie for /api/auth; other clients get it in the body as before', async () => {
    const browserLogin = await fetch(`${stack.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-session-cookie': '1' },
      body: JSON.stringify({ username: 'office', password: PASSWORD }),
    });
    expect(browserLogin.status).toBe(200);
    const body = (await browserLogin.json()) as Record<string, unknown>;
    expect(body.accessToken).toEqual(expect.any(String));
    expect(body).not.toHaveProperty('refreshToken');
    const cookie = browserLogin.headers.getSetCookie().find((line) => line.startsWith('duban_refresh='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/api\/auth/);
    const pair = cookie.split(';')[0]!;

    // Without the header (a cross-site form could send the cookie, never the header): refused.
    const withoutHeader = await fetch(`${stack.baseUrl}/api/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: pair }, body: '{}' });
    expect(withoutHeader.status).toBe(401);
    expect(await withoutHeader.json()).toMatchObject({ error: { code: 'unauthenticated' } });
    const renewed = await fetch(`${stack.baseUrl}/api/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-session-cookie': '1', cookie: pair }, body: '{}' });
    expect(renewed.status).toBe(200);
    expect(await renewed.json()).not.toHaveProperty('refreshToken');
    expect(renewed.headers.getSetCookie().find((line) => line.startsWith('duban_refresh='))).not.toContain(pair);

    const clientLogin = await stack.api.post('/api/auth/login', { username: 'office', password: PASSWORD });
    expect(clientLogin.body.refreshToken).toEqual(expect.any(String));
    expect((await stack.api.post('/api/auth/refresh', { refreshToken: clientLogin.body.refreshToken })).status).toBe(200);
  });

  it('opens a link in a new tab of the same browser without asking to log in again', async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    try {
      const first = await context.newPage();
      await first.goto(`${stack.baseUrl}/`);
      await logIn(first, 'office');
      await first.getByTestId('current-user').waitFor();

      const second = await context.newPage();
      await second.goto(`${stack.baseUrl}/exports`);
      await second.getByText('导出整改台账').waitFor();
      expect(await loginForm(second).count()).toBe(0);
      await second.getByTestId('current-user').waitFor();
      await screenshot(second, 'session-new-tab-desktop');

      // A reload keeps the session too.
      await first.reload();
      await first.getByTestId('current-user').waitFor();
    } finally {
      await context.close();
    }
  });

  it('brings a user who opens a link while logged out to that page after the login', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', isMobile: true, hasTouch: true });
    try {
      const page = await context.newPage();
      await page.goto(`${stack.baseUrl}/exports`);
      await loginForm(page).waitFor();
      await screenshot(page, 'session-deep-link-login-phone');
      await logIn(page, 'office');
      await page.getByText('导出整改台账').waitFor();
      expect(new URL(page.url()).pathname).toBe('/exports');
      await screenshot(page, 'session-deep-link-landed-phone');
    } finally {
      await context.close();
    }
  });

  it('ends the session in every tab when the user logs out in one', async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    try {
      const first = await context.newPage();
      await first.goto(`${stack.baseUrl}/inbox`);
      await logIn(first, 'office');
      await first.getByTestId('current-user').waitFor();
      const second = await context.newPage();
      await second.goto(`${stack.baseUrl}/inbox`);
      await second.getByTestId('current-user').waitFor();

      await first.getByRole('button', { name: '退出' }).click();
      await loginForm(first).waitFor();
      await loginForm(second).waitFor();
      await screenshot(second, 'session-logged-out-other-tab');
      // And a new tab finds no session either.
      const third = await context.newPage();
      await third.goto(`${stack.baseUrl}/exports`);
      await loginForm(third).waitFor();
    } finally {
      await context.close();
    }
  });
});
