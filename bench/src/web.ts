import { chromium, type Browser, type CDPSession } from 'playwright-core';
// @ts-expect-error plain ESM helper without types
import { ensureBrowser } from '../../tools/lib/browser.mjs';

/** The link of issue #28: a township phone's 1.6 Mbit/s down, 150 ms round trip (upload: 750 kbit/s). */
export const SLOW_LINK = { downloadKbit: 1600, uploadKbit: 750, rttMs: 150 };

export interface PageLoad {
  /** Bytes over the wire (headers included), as Chromium counts them. */
  bytes: number;
  ms: number;
  requests: number;
  /** Content-Encoding of the scripts and styles as received (proves which variant was measured). */
  encodings: string[];
}

export interface WebLoadResult {
  link: typeof SLOW_LINK;
  /** First visits per variant; each page's figures are those of its median visit by time. */
  visits: number;
  /** The login page, from typing the address to the form shown; then the workbench, from 登录 to the inbox's rows. */
  compressed: { login: PageLoad; workbench: PageLoad };
  uncompressed: { login: PageLoad; workbench: PageLoad };
}

/** What Chromium transfers from now until `done` resolves. */
function meter(cdp: CDPSession) {
  let bytes = 0;
  let requests = 0;
  const encodings = new Set<string>();
  cdp.on('Network.loadingFinished', (event) => {
    bytes += event.encodedDataLength;
    requests += 1;
  });
  cdp.on('Network.responseReceived', (event) => {
    if (['Script', 'Stylesheet'].includes(event.type)) {
      const header = Object.entries(event.response.headers).find(([name]) => name.toLowerCase() === 'content-encoding');
      encodings.add(header ? String(header[1]) : 'identity');
    }
  });
  return async (done: () => Promise<unknown>): Promise<PageLoad> => {
    [bytes, requests] = [0, 0];
    encodings.clear();
    const started = performance.now();
    await done();
    return { bytes, ms: Math.round(performance.now() - started), requests, encodings: [...encodings].sort() };
  };
}

/** First visit of a fresh browser profile (empty cache): the login page, then the workbench after logging in. */
async function firstVisit(browser: Browser, baseUrl: string, user: { username: string; password: string }, compressed: boolean) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: SLOW_LINK.rttMs,
      downloadThroughput: (SLOW_LINK.downloadKbit * 1000) / 8,
      uploadThroughput: (SLOW_LINK.uploadKbit * 1000) / 8,
    });
    // The baseline: the same pages, the server asked for no compression.
    if (!compressed) await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'identity' } });
    const measure = meter(cdp);
    const login = await measure(async () => {
      await page.goto(`${baseUrl}/`, { waitUntil: 'load' });
      await page.getByRole('button', { name: '登录' }).waitFor();
    });
    await page.getByLabel('用户名').fill(user.username);
    await page.getByLabel('密码', { exact: true }).fill(user.password);
    const workbench = await measure(async () => {
      await page.getByRole('button', { name: '登录' }).click();
      await page.locator('.ant-table-tbody').waitFor();
      await page.locator('.ant-spin-spinning').first().waitFor({ state: 'detached' });
    });
    return { login, workbench };
  } finally {
    await context.close();
  }
}

/**
 * First load of the web workbench on a slow link, as a phone on it would see it (Chromium's network emulation over
 * CDP), served by the API from dist: compressed as a browser gets it, and the same pages uncompressed as the baseline.
 */
export async function benchWebLoad(baseUrl: string, user: { username: string; password: string }, visits: number): Promise<WebLoadResult> {
  const browser = await chromium.launch({ executablePath: ensureBrowser() as string, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  try {
    // One visit unmeasured first: the API's first answers (cold code paths) are not what the link costs.
    await firstVisit(browser, baseUrl, user, true);
    const runs = { compressed: [] as Visit[], uncompressed: [] as Visit[] };
    // Alternated, so a busy moment of the machine falls on both.
    for (let i = 0; i < visits; i++) {
      runs.compressed.push(await firstVisit(browser, baseUrl, user, true));
      runs.uncompressed.push(await firstVisit(browser, baseUrl, user, false));
    }
    return { link: SLOW_LINK, visits, compressed: medianVisit(runs.compressed), uncompressed: medianVisit(runs.uncompressed) };
  } finally {
    await browser.close();
  }
}

type Visit = { login: PageLoad; workbench: PageLoad };

function medianVisit(visits: Visit[]): Visit {
  const median = (loads: PageLoad[]) => [...loads].sort((a, b) => a.ms - b.ms)[Math.floor((loads.length - 1) / 2)]!;
  return { login: median(visits.map((v) => v.login)), workbench: median(visits.map((v) => v.workbench)) };
}
