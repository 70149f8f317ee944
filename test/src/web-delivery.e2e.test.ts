import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';
import { testCounty } from './support/org-fixture.js';
import { startStack, type Stack } from './support/stack.js';

// How the workbench reaches a browser: its assets compressed and cached.

let browser: Browser;
let stack: Stack;

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
});
